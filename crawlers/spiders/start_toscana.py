"""Toscana: START, the regional e-procurement system (start.toscana.it).

Initiatives list `/initiatives/list/page/{n}` (cells `td.subject > a`, `span.protocolId`,
`span.organizationUnit`, `td.amount`, `td.contractType`), then each tender's detail page (labels
"Data pubblicazione:", "Importo (al netto dell'IVA):", "Scelta del contraente:", lots
`li.lot-item-container`, attachments `div.list-detail-view.sortable`) (SOURCES.md §3.3).

robots.txt allows visits only 23:00-04:00 (`Visit-time: 2300-0400`) and blocks
`*/attachments/download/*`: the policy's visit window makes the scheduler/runner skip the source
outside it, and the attachment rows are recorded "robots_denied" by the documents pipeline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.mixins.portal import PortalSpider
from crawlers.parsing.start import ListRow, parse_detail, parse_list
from crawlers.policy import CrawlPolicy, VisitWindow

MAX_PAGES = 200


class StartToscanaSpider(PortalSpider):
    name = "start_toscana"
    policy = CrawlPolicy(
        name="START - Sistema Telematico Acquisti Regionale della Toscana",
        kind="regional",
        visit_window=VisitWindow(23, 4),
        contact="https://start.toscana.it",
        notes="robots.txt: Visit-time 2300-0400; attachments/download disallowed (recorded robots_denied)",
    )
    default_base_url = "https://start.toscana.it"
    required_fields = ("source_notice_id", "title", "published_on")

    async def start(self) -> AsyncIterator[Any]:
        yield self.list_request(1)

    def list_request(self, page: int) -> scrapy.Request:
        return scrapy.Request(self.url(f"/initiatives/list/page/{page}"), callback=self.parse_list,
                              errback=self.listing_failed, cb_kwargs={"page": page})

    def parse_list(self, response: Response, page: int) -> Iterator[Any]:
        rows = parse_list(response.text, response.url)
        if not self.check_listing(response, rows, container="table.list-table, div.initiatives-list",
                                  empty="p.no-results"):
            return
        for row in rows:
            yield scrapy.Request(row.detail_url, callback=self.parse_detail, errback=self.detail_failed,
                                 cb_kwargs={"row": row})
        if rows and page < MAX_PAGES and not self.sample_reached:
            yield self.list_request(page + 1)

    def parse_detail(self, response: Response, row: ListRow) -> Iterator[Any]:
        notice = parse_detail(response.text, response.url, row, self.name)
        if not self.too_old(notice):
            yield from self.accept(notice, response.url)
