"""PostAwardPipeline: writes registry rows, execution rows and payment readings.

- Registry rows are written in batches (one unit of work per batch); fiscal-code changes (two codes
  under one AUSA code) are linked when the file is complete, then unplaced authorities are placed
  from their own fields.
- Execution rows are kept until the spider closes (they are already filtered to known CIGs), then
  applied dataset by dataset in a fixed order, each in its own unit of work.
- A payment reading is written at once, in its own unit of work.

Warnings that are not errors (unplaced authorities, amount conflicts, missing quarters, unreadable
files) go to the crawl stats under `observatory/post_award/...` and to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from crawlers.pipelines.database import current_engine
from crawlers.post_award_items import ExecutionRowItem, PaymentPageItem, RegistryRowItem
from db.session import session_scope

logger = logging.getLogger(__name__)
REGISTRY_BATCH = 500
EXECUTION_ORDER = ("aggiudicazioni", "avvio-contratto", "fine-contratto", "varianti", "sospensioni")


class PostAwardPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> PostAwardPipeline:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def open_spider(self) -> None:
        from authorities.registry import RegistryReport

        self.registry_batch: list[RegistryRowItem] = []
        self.registry_report = RegistryReport()
        self.by_ausa: dict[str, list[tuple[str, bool, str]]] = {}
        self.execution: dict[str, list[ExecutionRowItem]] = {}

    def process_item(self, item: Any) -> Any:
        spider = self.spider
        if isinstance(item, RegistryRowItem):
            self.registry_batch.append(item)
            if len(self.registry_batch) >= REGISTRY_BATCH:
                self._flush_registry(spider)
        elif isinstance(item, ExecutionRowItem):
            self.execution.setdefault(item.dataset, []).append(item)
        elif isinstance(item, PaymentPageItem):
            self._store_payment(item, spider)
        return item

    def close_spider(self) -> None:
        spider = self.spider
        self._flush_registry(spider)
        if self.registry_report.rows:
            self._finish_registry(spider)
        if self.execution:
            self._apply_execution(spider)

    # -- registry -----------------------------------------------------------------------------

    def _flush_registry(self, spider: Any) -> None:
        from authorities.registry import _is_closed, apply_registry_row

        if not self.registry_batch:
            return
        batch, self.registry_batch = self.registry_batch, []
        with session_scope(current_engine(self.crawler.settings)) as session:
            for item in batch:
                authority = apply_registry_row(session, item.row, origin=item.origin, report=self.registry_report)
                if authority is not None and item.row.get("codice_ausa"):
                    self.by_ausa.setdefault(item.row["codice_ausa"], []).append(
                        (authority.fiscal_code, _is_closed(item.row), item.row.get("data_inizio") or ""))

    def _finish_registry(self, spider: Any) -> None:
        from authorities.refresh import refresh_post_award
        from authorities.registry import link_fiscal_code_changes

        report = self.registry_report
        with session_scope(current_engine(self.crawler.settings)) as session:
            link_fiscal_code_changes(session, self.by_ausa, report)
            unplaced = refresh_post_award(session)["unplaced"]
        for line, reason in report.rejected:
            spider.record_error("malformed_row", None, f"riga {line}: {reason}", blocking=False)
        stats = spider.crawler.stats
        for key, value in report.as_dict().items():
            stats.set_value(f"observatory/post_award/registry_{key}", value)
        stats.set_value("observatory/post_award/unplaced_after_feeds", unplaced)
        for ausa, old, new in report.fiscal_code_changes:
            logger.warning("authority with AUSA %s changed fiscal code %s -> %s (both kept)", ausa, old, new)

    # -- execution ----------------------------------------------------------------------------

    def _apply_execution(self, spider: Any) -> None:
        from authorities import datasets
        from authorities.execution import import_bdncp
        from authorities.refresh import refresh_post_award

        stats = spider.crawler.stats
        for dataset in sorted(self.execution, key=lambda d: EXECUTION_ORDER.index(d) if d in EXECUTION_ORDER else 99):
            items = self.execution[dataset]
            try:
                with session_scope(current_engine(self.crawler.settings)) as session:
                    report = import_bdncp(session, dataset, (i.row for i in items), origin=items[0].origin)
            except datasets.DatasetError as exc:
                spider.record_error("malformed_file", items[0].origin, str(exc))
                continue
            for line, reason in report.rejected:
                spider.record_error("malformed_row", items[0].origin, f"{dataset} riga {line}: {reason}",
                                    blocking=False)
            stats.set_value(f"observatory/post_award/{dataset}_stored", report.stored)
            if report.conflicts:
                stats.set_value(f"observatory/post_award/{dataset}_conflicts", len(report.conflicts))
                logger.warning("%s: CIG with disagreeing amounts (kept per source): %s", dataset,
                               ", ".join(sorted(report.conflicts)))
        with session_scope(current_engine(self.crawler.settings)) as session:
            counts = refresh_post_award(session)
        for key, value in counts.items():
            stats.set_value(f"observatory/post_award/{key}", value)

    # -- payments -----------------------------------------------------------------------------

    def _store_payment(self, item: PaymentPageItem, spider: Any) -> None:
        from authorities.payments import store_reading
        from db.queries.authorities import upsert_authority

        with session_scope(current_engine(self.crawler.settings)) as session:
            authority = upsert_authority(session, fiscal_code=item.fiscal_code, name=item.authority_name)
            report = store_reading(session, authority, item.reading, source=item.source, url=item.url,
                                   period_hint=item.period_hint, convention=item.extra.get("convention"))
        stats = spider.crawler.stats
        stats.inc_value("observatory/post_award/payment_figures", report.stored)
        # An unreadable file (a scan OCR cannot read) is the authority's problem, not a crawl failure: it is stored
        # as a row with status "unreadable" (shown by `authorities show`) and counted, not an error.
        for entry in report.unreadable:
            stats.inc_value("observatory/post_award/unreadable_files")
            logger.warning("%s %s: %s", item.fiscal_code, item.url, entry)
        if report.missing:
            stats.inc_value("observatory/post_award/missing_quarters", len(report.missing))
            logger.warning("%s %s: quarters missing from the page: %s", item.fiscal_code, item.url,
                           ", ".join(report.missing))
        for problem in report.problems:
            logger.warning("%s %s: %s", item.fiscal_code, item.url, problem)
