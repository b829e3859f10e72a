"""WatchPipeline: stores what the legislation watch and the tariff spiders bring.

- `WatchItem`: the acts a watched source listed -> `watched_act` rows with their topics (legislation.store).
- `TariffActItem`: an act's PDF -> its tariff tables and tariff records (`accreditation.acts.read_act`, which
  uses the tariff-table extractor) -> `tariff` rows (accreditation.store). A PDF that cannot
  be read, or that holds no tariff table, is recorded on the run record with the reason (not blocking: the
  act stays listed as a watched act and the next crawl of its window reads it again).

Each item is one unit of work.
"""

from __future__ import annotations

import logging
from typing import Any

from crawlers.accreditation_items import TariffActItem, WatchItem
from crawlers.pipelines.database import current_engine
from db.session import session_scope

logger = logging.getLogger(__name__)


class WatchPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> WatchPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, WatchItem):
            self._store_watch(item)
        elif isinstance(item, TariffActItem):
            self._store_tariffs(item)
        return item

    def _store_watch(self, item: WatchItem) -> None:
        from legislation.sources import source
        from legislation.store import store_entries

        watched = source(item.watch_source)
        if watched is None:
            self.crawler.spider.record_error("configuration", item.url, f"watched source {item.watch_source} unknown")
            return
        with session_scope(current_engine(self.crawler.settings)) as session:
            report = store_entries(session, watched, item.entries)
        stats = self.crawler.stats
        stats.inc_value("observatory/watch/acts_new", report.new)
        stats.inc_value("observatory/watch/acts_matched", report.matched)
        stats.inc_value("observatory/watch/new_tables", report.new_tables)

    def _store_tariffs(self, item: TariffActItem) -> None:
        from accreditation.acts import ActUnreadable, read_act
        from accreditation.store import store_records

        spider, stats = self.crawler.spider, self.crawler.stats
        try:
            reading = read_act(item.body, region=item.region, act_url=item.file_url, act_title=item.title)
        except ActUnreadable as exc:
            spider.record_error(exc.reason, item.file_url, exc.detail, blocking=False)
            return
        for reason in reading.skipped:
            logger.warning("%s: %s", item.file_url, reason)
            stats.inc_value("observatory/tariffs/rows_skipped")
        if not reading.records:
            spider.record_error("no_tariff_table", item.file_url, "nessuna tabella tariffaria letta nell'allegato",
                                blocking=False)
            return
        with session_scope(current_engine(self.crawler.settings)) as session:
            report = store_records(session, reading.records, origin=f"crawl:{item.source}")
        for key, value in report.as_dict().items():
            stats.inc_value(f"observatory/tariffs/{key}", value)
