"""Halley "Amministrazione trasparente" (the Zend app under /zf/ of many small comuni).

Per tenant: the landing `/zf/index.php/trasparenza/index/index` names the category "Bandi di gara e
contratti" (its id differs per tenant); its pages (`/page/N`, "Successiva") list rows
`tr[data-href]` whose link opens the published file directly, with "Inserita il DD/MM/YYYY". Each row is
a notice (an act of the procedure) with that file as its document (SOURCES.md §3.2.2).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.mixins.portal import PortalSpider
from crawlers.mixins.tenants import Tenant, TenantsMixin
from crawlers.parsing import halley
from crawlers.policy import CrawlPolicy

MAX_PAGES = 50


class HalleySpider(TenantsMixin, PortalSpider):
    name = "halley"
    policy = CrawlPolicy(
        name="Halley - Amministrazione trasparente, Bandi di gara e contratti (più comuni)",
        kind="platform",
        contact="https://www.halley.it",
        notes="tenants in crawlers/data/tenants/halley.yaml; rows link the published files directly",
    )
    default_base_url = "https://www.halley.it"
    tenants_family = "halley"
    required_fields = ("source_notice_id", "title", "published_on")

    async def start(self) -> AsyncIterator[Any]:
        for tenant in self.tenants:
            yield scrapy.Request(self.tenant_base_url(tenant) + halley.LANDING_PATH, callback=self.parse_landing,
                                 errback=self.listing_failed, cb_kwargs={"tenant": tenant})

    def parse_landing(self, response: Response, tenant: Tenant) -> Iterator[Any]:
        section = halley.find_section(response.text, response.url)
        if section is None:
            self.mark_broken("menu senza la sezione 'Bandi di gara e contratti'", response.url)
            return
        yield scrapy.Request(section, callback=self.parse_category, errback=self.listing_failed,
                             cb_kwargs={"tenant": tenant, "page": 1})

    def parse_category(self, response: Response, tenant: Tenant, page: int) -> Iterator[Any]:
        rows, next_url = halley.parse_category(response.text, response.url)
        if not self.check_listing(response, rows, container="table", empty="//table[not(.//tr)] | //table/tbody[not(tr)]"):
            return
        older = False
        for row in rows:
            notice = halley.notice_from_row(row, tenant, self.name)
            self.place_notice(notice, tenant)
            if self.too_old(notice):
                older = True  # rows are newest first: the rest of the section is older
                continue
            yield from self.accept(notice, response.url)
        if next_url and not older and page < MAX_PAGES and not self.sample_reached:
            yield scrapy.Request(next_url, callback=self.parse_category, errback=self.listing_failed,
                                 cb_kwargs={"tenant": tenant, "page": page + 1})


