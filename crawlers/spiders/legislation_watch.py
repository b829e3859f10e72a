"""The legislation watch: every watched source of `legislation/data/sources.yaml` read in its shape (RSS of the
Gazzetta Ufficiale and the Ministry of Labour, Normattiva's "atti aggiornati" API, lists of acts on the
Ministry's cost-table page and ANAC's delibere). Regional bulletins are read by the tariff spiders.

Each source's URL is its real one; with a base_url override (the demo's replay, tests) it is re-homed on that
server as `{base_url}/{host}{path}`. `-a sources=key1,key2` reads some sources only. A source whose answer is
not in its shape is recorded with the reason (structure mismatch) and the others are read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from crawlers.accreditation_items import WatchItem
from crawlers.base_spiders.base import BaseSpider
from crawlers.policy import CrawlPolicy
from crawlers.spiders.bur_common import WATCH_PIPELINES
from crawlers.spiders.payments_common import PER_TENANT, rehome
from legislation.feeds import FeedError, parse_link_list, parse_normattiva_updated, parse_rss
from legislation.sources import WatchedSource, watched_sources

NORMATTIVA_MAX_DAYS = 360  # the API refuses periods over 12 months (code 1501)


class LegislationWatchSpider(BaseSpider):
    name = "legislation_watch"
    policy = CrawlPolicy(name="Osservatorio normativo (Gazzetta Ufficiale, Normattiva, Ministero del Lavoro, ANAC)",
                         kind="national", notes="sources in legislation/data/sources.yaml")
    default_base_url = PER_TENANT
    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": WATCH_PIPELINES}

    def __init__(self, *args: Any, sources: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only = {s.strip() for s in sources.split(",") if s.strip()} if sources else None

    def watched(self) -> list[WatchedSource]:
        return [s for s in watched_sources() if s.url and s.shape != "crawled_by_tariff_spider"
                and (self.only is None or s.key in self.only)]

    def source_url(self, source: WatchedSource) -> str:
        assert source.url is not None
        return source.url if self.base_url == PER_TENANT else rehome(source.url, self.base_url)

    async def start(self) -> AsyncIterator[Any]:
        for source in self.watched():
            url = self.source_url(source)
            if source.shape == "normattiva_updated":
                for start, end in self.windows(NORMATTIVA_MAX_DAYS):
                    body = {"dataInizioAggiornamento": f"{start.isoformat()}T00:00:00.000Z",
                            "dataFineAggiornamento": f"{(end + dt.timedelta(days=1)).isoformat()}T00:00:00.000Z"}
                    yield scrapy.Request(url, method="POST", body=json.dumps(body),
                                         headers={"Content-Type": "application/json", "Accept": "application/json"},
                                         callback=self.parse_source, errback=self.record_failure, dont_filter=True,
                                         cb_kwargs={"source": source})
            else:
                yield scrapy.Request(url, callback=self.parse_source, errback=self.record_failure, dont_filter=True,
                                     cb_kwargs={"source": source})

    def parse_source(self, response: Response, source: WatchedSource) -> Iterator[Any]:
        self.crawler.stats.inc_value("observatory/pages")
        try:
            if source.shape == "rss":
                entries = parse_rss(response.body, regional=source.scope == "regional")
            elif source.shape == "normattiva_updated":
                entries = parse_normattiva_updated(response.body)
            else:
                entries = parse_link_list(response.text, response.url)
        except FeedError as exc:
            self.mark_broken(f"{source.name}: {exc}", response.url)
            return
        # Entries older than the window prove the source alive: not an "empty run" (CrawlReport).
        self.records_seen = getattr(self, "records_seen", 0) + len(entries)
        if source.shape != "normattiva_updated":  # feeds and lists show recent acts: keep the crawl's window
            entries = [e for e in entries if e.published_on is None or e.published_on >= self.from_date]
        for entry in entries:
            self.crawler.stats.inc_value("observatory/in_scope")
            if entry.published_on and entry.published_on <= self.until_date and (
                    self.newest_published is None or entry.published_on > self.newest_published):
                self.newest_published = entry.published_on
        self.items_emitted += 1
        yield WatchItem(source.key, entries, response.url)
