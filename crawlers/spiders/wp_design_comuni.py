"""Comuni on the WordPress "Design Comuni Italia" theme (AgID model): post type `bando`.

Per tenant: the REST route `/wp-json/wp/v2/bando?per_page=50&page=N&after=<from_date>` lists the bandi
(id, date, link, title); each bando's page prints its meta (oggetto, CIG, importo, struttura
proponente, cf_sa, data inizio/fine, procedure) and the attachments (SOURCES.md §3.2.2).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.mixins.portal import PortalSpider
from crawlers.mixins.tenants import Tenant, TenantsMixin
from crawlers.parsing import wp_design_comuni as wp
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy

PER_PAGE = 50
MAX_PAGES = 40


class WpDesignComuniSpider(TenantsMixin, PortalSpider):
    name = "wp_design_comuni"
    policy = CrawlPolicy(
        name="Siti comunali WordPress 'Design Comuni Italia' - bandi di gara",
        kind="platform",
        contact="https://designers.italia.it",
        notes="tenants in crawlers/data/tenants/wp_design_comuni.yaml; REST list + bando pages",
    )
    default_base_url = "https://designers.italia.it"
    tenants_family = "wp_design_comuni"
    required_fields = ("source_notice_id", "title")


    async def start(self) -> AsyncIterator[Any]:
        for tenant in self.tenants:
            yield self.rest_request(tenant, 1)

    def rest_request(self, tenant: Tenant, page: int) -> scrapy.Request:
        query = urlencode({"per_page": PER_PAGE, "page": page, "after": f"{self.from_date.isoformat()}T00:00:00"})
        return scrapy.Request(f"{self.tenant_base_url(tenant)}{wp.REST_PATH}?{query}", callback=self.parse_rest,
                              errback=self.listing_failed, cb_kwargs={"tenant": tenant, "page": page},
                              headers={"Accept": "application/json"})

    def parse_rest(self, response: Response, tenant: Tenant, page: int) -> Iterator[Any]:
        self.crawler.stats.inc_value("observatory/pages")
        try:
            posts = wp.parse_rest(response.body)
        except ValueError as exc:
            self.mark_broken(f"elenco REST dei bandi illeggibile: {exc}"[:200], response.url)
            return
        self.records_seen += len(posts)
        for post in posts:
            context = wp.context_of(post, self.name, tenant.key, region=tenant.region, authority=tenant.authority,
                                    fiscal_code=tenant.fiscal_code)
            if not context.url:
                self.mark_broken("bando senza link nella risposta REST", response.url)
                return
            yield scrapy.Request(context.url, callback=self.parse_bando, errback=self.detail_failed,
                                 cb_kwargs={"context": context, "tenant": tenant})
        total_pages = int(response.headers.get(b"X-WP-TotalPages", b"1") or 1)
        if page < min(total_pages, MAX_PAGES) and not self.sample_reached:
            yield self.rest_request(tenant, page + 1)

    def parse_bando(self, response: Response, context: PageContext, tenant: Tenant) -> Iterator[Any]:
        if not response.css("#dettagli, dl"):
            self.mark_broken("pagina del bando senza la sezione dei dettagli", response.url)
            return
        notice = wp.parse_bando(response.text, context)
        self.place_notice(notice, tenant)
        yield from self.accept(notice, response.url)
