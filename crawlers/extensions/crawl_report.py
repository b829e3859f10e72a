"""CrawlReport: every spider process leaves a `run_record` row and updates its `source` row.

On spider_opened a run_record (stage "crawl", `source_code`, `parent_id` = OBSERVATORY_RUN_ID from
the runner) is written with status "running", so a crash still leaves a trace. On spider_closed:

- counts: notices new/changed/unchanged, in/out of scope, lots, pages, documents retrieved/failed,
  robots-forbidden requests, errors;
- errors: the spider's recorded errors with their reasons (`BaseSpider.record_error`);
- status: "ok"; "partial" when errors were recorded; "failed" when the crawl did not finish
  (close reason other than "finished") or every listing request failed;
- source health: "ok"; "degraded" (errors, or more than half the documents failed); "broken"
  (failed run, a page-structure mismatch, or zero notices seen for EMPTY_RUNS_BROKEN runs in a row; a
  run that saw nothing because another machine fetched its pages tonight does not count as empty);
  "robots_denied" (everything refused by robots.txt). `last_success_at` and the incremental cursor
  `last_published_seen` move only when no listing error was recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy import signals
from sqlalchemy import update

from crawlers.pipelines.database import current_engine
from db.base import utcnow
from db.models import RunRecord, Source
from db.queries.sources import get_source, upsert_source
from db.session import session_scope

EMPTY_RUNS_BROKEN = 3
COUNTED = (
    "notices_new", "notices_changed", "notices_unchanged", "in_scope", "out_of_scope", "lots", "pages",
    "documents_retrieved", "documents_failed", "bulk_files", "bulk_rows", "bulk_files_missing",
)


class CrawlReport:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlReport:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        with session_scope(current_engine(self.crawler.settings)) as session:
            record = RunRecord(
                stage="crawl",
                source_code=spider.name,
                parent_id=self.crawler.settings.get("OBSERVATORY_PARENT_RUN_ID"),
                status="running",
                trigger=self.crawler.settings.get("OBSERVATORY_TRIGGER") or "cli",
                note=f"{getattr(spider, 'from_date', '')}..{getattr(spider, 'until_date', '')}",
            )
            session.add(record)
            session.flush()
            self.run_id = record.id
        spider.run_id = self.run_id

    def counts(self, spider: Any) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
        counts = {name: int(stats.get(f"observatory/{name}", 0)) for name in COUNTED}
        counts["robots_forbidden"] = int(stats.get("robotstxt/forbidden", 0))
        counts["robots_unreachable"] = int(stats.get("robotstxt/refused_unreachable", 0))
        counts["errors"] = getattr(spider, "errors_total", 0)
        counts["requests"] = int(stats.get("downloader/request_count", 0))
        # Requests another machine already made tonight (crawlers.distributed.RedisDupeFilter).
        counts["fetched_elsewhere"] = int(stats.get("observatory/dupefilter/shared_filtered", 0))
        failed_by_reason = {
            key.rsplit("/", 1)[1]: value
            for key, value in stats.items()
            if key.startswith("observatory/documents_failed/")
        }
        if failed_by_reason:
            counts["documents_failed_by_reason"] = failed_by_reason
        return counts

    def spider_closed(self, spider: Any, reason: str) -> None:
        counts = self.counts(spider)
        errors = list(getattr(spider, "crawl_errors", []))
        blocking = getattr(spider, "blocking_errors", 0)
        structure = getattr(spider, "structure_error", None)
        seen = counts["in_scope"] + counts["out_of_scope"]
        # A portal's list rows older than the crawl window are not emitted but prove the page alive
        # (PortalSpider.records_seen): not an "empty run".
        seen = max(seen, getattr(spider, "records_seen", 0))
        listing_ok = blocking == 0 and reason == "finished"
        if reason != "finished":
            status = "failed"
            errors.append({"reason": f"closed: {reason}"})
        elif blocking and seen == 0:
            status = "failed"
        elif errors:
            status = "partial"
        else:
            status = "ok"
        now = utcnow()
        with session_scope(current_engine(self.crawler.settings)) as session:
            if self.run_id is not None:
                session.execute(
                    update(RunRecord).where(RunRecord.id == self.run_id).values(
                        finished_at=now, status=status, counts=counts, errors=errors
                    )
                )
            source = get_source(session, spider.name) or upsert_source(
                session, spider.name, name=spider.policy.name, kind=spider.policy.kind, base_url=spider.base_url,
                policy=spider.policy.as_dict(),
            )
            self._update_health(source, spider, status, counts, listing_ok, structure, seen, now)

    def _update_health(
        self, source: Source, spider: Any, status: str, counts: dict[str, Any], listing_ok: bool,
        structure: str | None, seen: int, now: dt.datetime,
    ) -> None:
        if seen or not counts.get("fetched_elsewhere"):
            source.consecutive_empty_runs = source.consecutive_empty_runs + 1 if seen == 0 else 0
        # else: nothing seen because another machine read these pages tonight (shared dupefilter):
        # that says nothing about the portal, so the run counts neither as empty nor as alive.
        # Documents robots.txt forbids (START's attachments) are the portal's policy, recorded on
        # their rows; they say nothing about the portal working, so they stay out of the ratio.
        denied = counts.get("documents_failed_by_reason", {}).get("robots_denied", 0)
        docs_failed = counts["documents_failed"] - denied
        docs_total = counts["documents_retrieved"] + docs_failed
        if structure:
            source.health, source.health_reason = "broken", f"struttura della pagina cambiata: {structure}"
        elif counts["robots_forbidden"] and counts["requests"] <= counts["robots_forbidden"] + 1 and seen == 0:
            source.health, source.health_reason = "robots_denied", "robots.txt vieta la scansione"
        elif status == "failed":
            reasons = sorted({e.get("reason", "?") for e in spider.crawl_errors})[:5]
            source.health, source.health_reason = "broken", "scansione fallita: " + ", ".join(reasons or ["?"])
        elif source.consecutive_empty_runs >= EMPTY_RUNS_BROKEN:
            source.health = "broken"
            source.health_reason = f"nessun avviso letto per {source.consecutive_empty_runs} esecuzioni consecutive"
        elif not listing_ok:
            source.health, source.health_reason = "degraded", f"{spider.blocking_errors} errori di scansione"
        elif docs_total and docs_failed * 2 > docs_total:
            source.health = "degraded"
            source.health_reason = f"{docs_failed} documenti su {docs_total} non scaricati"
        else:
            source.health, source.health_reason = "ok", None
        if listing_ok and status != "failed":
            source.last_success_at = now
            # The window up to until_date was read completely (a sampled crawl was not): next run
            # starts there minus the overlap.
            if getattr(spider, "sample", None) is None:
                cursor = spider.until_date
                if source.last_published_seen is None or cursor > source.last_published_seen:
                    source.last_published_seen = cursor
