"""Regional bulletins read for accreditation tariffs (one spider per bulletin shape; the watch reads the rest).

Every act the bulletin lists is recorded as a watched act of its region (the legislation watch alerts on the
new ones that match a topic). An act whose title speaks of accreditation tariffs (R-ACC-6) is opened: its PDF
attachments are downloaded and read by the tariff-table extractor (`extract.tariffs`), and the tariffs found
are stored with the act, each figure `verified` with its page and row (`crawlers.pipelines.watch`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from crawlers.accreditation_items import TariffActItem, WatchItem
from crawlers.base_spiders.base import BaseSpider
from crawlers.parsing.bur import ActRow, parse_act_list, parse_act_page
from legislation.feeds import Entry
from legislation.match import match_title

WATCH_PIPELINES = {"crawlers.pipelines.watch.WatchPipeline": 300}


class TariffBulletinSpider(BaseSpider):
    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": WATCH_PIPELINES}
    region: ClassVar[str] = ""
    watch_key: ClassVar[str] = ""
    listing_path: ClassVar[str] = "/"
    act_link: ClassVar[str] = ""

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.url(self.listing_path), callback=self.parse_listing, errback=self.record_failure,
                             dont_filter=True)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        rows = parse_act_list(response.text, response.url, self.act_link)
        if rows is None:
            self.mark_broken("pagina del bollettino senza elenco degli atti", response.url)
            return
        # Acts older than the window prove the bulletin alive: not an "empty run" (CrawlReport).
        self.records_seen = getattr(self, "records_seen", 0) + len(rows)
        rows = [r for r in rows if r.published_on is None or self.from_date <= r.published_on <= self.until_date]
        self.crawler.stats.inc_value("observatory/pages")
        yield WatchItem(self.watch_key, [self._entry(r) for r in rows], response.url)
        for row in rows:
            self.crawler.stats.inc_value("observatory/in_scope")
            if row.published_on and (self.newest_published is None or row.published_on > self.newest_published):
                self.newest_published = row.published_on
            if any(t["topic"] == "accreditation_tariffs" for t in match_title(row.title, region=self.region)):
                yield scrapy.Request(row.url, callback=self.parse_act, errback=self.record_failure,
                                     cb_kwargs={"row": row})

    def _entry(self, row: ActRow) -> Entry:
        return Entry(row.url, row.title, row.url, row.published_on, self.region, "DGR", row.number, row.published_on)

    def parse_act(self, response: Response, row: ActRow) -> Iterator[Any]:
        page = parse_act_page(response.text, response.url)
        if page is None:
            self.mark_broken("pagina dell'atto senza titolo", response.url)
            return
        if not page.pdfs:
            self.record_error("not_found", response.url, "atto sulle tariffe senza allegati PDF", blocking=False)
            return
        for url, _text in page.pdfs:
            yield scrapy.Request(url, callback=self.parse_pdf, errback=self.record_failure,
                                 cb_kwargs={"row": row, "title": page.title or row.title, "page_url": response.url})

    def parse_pdf(self, response: Response, row: ActRow, title: str, page_url: str) -> Iterator[Any]:
        self.items_emitted += 1
        yield TariffActItem(self.name, self.region, title, page_url, response.url, response.body)
