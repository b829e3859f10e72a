"""Every prefecture (and the Government Commissariats of Trento and Bolzano) on the Interior
Ministry's portal prefettura.interno.gov.it: their migrant-reception (CAS) and other tenders.

One spider for all: the tenant list `crawlers/data/tenants/prefetture.yaml` (every prefecture; Valle
d'Aosta's presidency is listed off-portal). Per prefecture the section
`/it/prefetture/<slug>/amministrazione-trasparente/bandi-gara-e-contratti` links the tender pages
(the same page under two Drupal aliases: deduplicated by slug); each page gives "Oggetto", "Tipologia del
bando", "Categoria del bando", Italian dates ("11 giugno 2026") and attachments under
`/sites/default/files/...` (SOURCES.md §3.1). All prefectures share one host: one request at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.mixins.portal import PortalSpider
from crawlers.mixins.tenants import Tenant, TenantsMixin
from crawlers.parsing import prefetture
from crawlers.parsing.codes import award_criterion_code
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy


class PrefettureSpider(TenantsMixin, PortalSpider):
    name = "prefetture"
    policy = CrawlPolicy(
        name="Prefetture - Uffici territoriali del Governo (bandi di gara, accoglienza CAS)",
        kind="prefecture",
        contact="https://prefettura.interno.gov.it",
        notes="one host for every prefecture; anti-bot challenges reported on the real site",
    )
    default_base_url = "https://prefettura.interno.gov.it"
    tenants_family = "prefetture"
    required_fields = ("source_notice_id", "title", "published_on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen_slugs: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        for tenant in self.tenants:
            if not tenant.extra.get("on_portal", True):
                self.crawler.stats.inc_value("observatory/tenants_off_portal")
                continue
            yield scrapy.Request(self.url(prefetture.listing_path(tenant.key)), callback=self.parse_listing,
                                 errback=self.listing_failed, cb_kwargs={"tenant": tenant})

    def parse_listing(self, response: Response, tenant: Tenant) -> Iterator[Any]:
        contexts = prefetture.parse_listing(response.text, response.url, tenant, self.name)
        if not self.check_listing(response, contexts, container="main", empty="div.view-empty"):
            return
        for context in contexts:
            if context.source_notice_id in self.seen_slugs:
                continue
            self.seen_slugs.add(context.source_notice_id)
            yield scrapy.Request(context.url, callback=self.parse_bando, errback=self.detail_failed,
                                 cb_kwargs={"context": context, "tenant": tenant})

    def parse_bando(self, response: Response, context: PageContext, tenant: Tenant) -> Iterator[Any]:
        if not response.css("article h1, main h1"):
            self.mark_broken("pagina del bando senza titolo (h1)", response.url)
            return
        notice = prefetture.parse_bando(response.text, context)
        self.place_notice(notice, tenant)
        if notice.award_criterion is None:
            notice.award_criterion = award_criterion_code(" ".join(response.css("article ::text").getall()))
        if not self.too_old(notice):
            yield from self.accept(notice, response.url)
