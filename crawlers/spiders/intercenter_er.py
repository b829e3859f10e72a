"""Emilia-Romagna: Intercent-ER, calls of the other authorities of the region ("bandi altri enti aperti").

Plone REST `@search?fullobjects=1&b_size=50&b_start=N` (Accept: application/json) -> `items_total`,
`items[]` with `@components["intercenter-data"].data`; then each call's HTML page for its lots
(`#listacig`), award criterion and attachments (`#allegati`) (SOURCES.md §3.3). The "open" folder
sometimes still holds expired calls (PEERS.md §9): they are kept, their deadline says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.base_spiders.api import JsonApiSpider, Window
from crawlers.items import NoticeItem
from crawlers.mixins.portal import PortalSpider
from crawlers.parsing.intercenter import complete_from_detail, notice_from_item
from crawlers.policy import CrawlPolicy

SEARCH_PATH = (
    "/bandi-e-strumenti-di-acquisto/bandi-altri-enti/altri-enti-bandi-e-procedure-di-gara/"
    "bandi-altri-enti-aperti/@search"
)
PAGE_SIZE = 50


class IntercentErSpider(JsonApiSpider, PortalSpider):
    name = "intercenter_er"
    policy = CrawlPolicy(
        name="Intercent-ER - bandi degli enti dell'Emilia-Romagna",
        kind="regional",
        contact="https://intercenter.regione.emilia-romagna.it",
        notes="Plone REST @search (JSON) + detail pages; the open folder may hold expired calls",
    )
    default_base_url = "https://intercenter.regione.emilia-romagna.it"
    required_fields = ("source_notice_id", "title", "url")
    first_page = 0

    def page_request(self, window: Window, page: int) -> scrapy.Request:
        query = urlencode({"fullobjects": 1, "b_size": PAGE_SIZE, "b_start": page * PAGE_SIZE})
        return scrapy.Request(f"{self.url(SEARCH_PATH)}?{query}", headers={"Accept": "application/json"})

    def parse_data(self, data: Any, window: Window, page: int, response: Response) -> Iterable[Any]:
        if not isinstance(data, dict) or "items" not in data:
            self.mark_broken("risposta @search senza 'items'", response.url)
            return
        self.crawler.stats.inc_value("observatory/pages")
        for item in data["items"]:
            notice = notice_from_item(item, self.name)
            self.records_seen += 1
            missing = self.missing_fields(notice)
            if missing:
                self.mark_broken(f"campi obbligatori mancanti: {', '.join(missing)}", response.url)
                return
            if self.too_old(notice):
                continue
            yield scrapy.Request(notice.url, callback=self.parse_detail, errback=self.detail_failed,
                                 cb_kwargs={"notice": notice})

    def next_page(self, data: Any, window: Window, page: int) -> int | None:
        total = int(data.get("items_total") or 0)
        return page + 1 if (page + 1) * PAGE_SIZE < total else None

    def parse_detail(self, response: Response, notice: NoticeItem) -> Iterator[Any]:
        if not response.css("#listacig, #allegati, div.bandoEnte"):
            self.mark_broken("pagina del bando senza #listacig/#allegati/.bandoEnte", response.url)
        yield from self.accept(complete_from_detail(notice, response.text, response.url), response.url)
