"""The four stages of the nightly run. Each imports its implementation lazily (a stage whose package is
missing is skipped, not failed) and turns the implementation's summary into counts for its run record."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from db.models import RunRecord
from db.session import session_scope
from observatory.health import refresh_source_health
from observatory.pipeline.model import (
    StageContext,
    StageFunction,
    StageResult,
    import_stage,
    plain,
    sum_numbers,
)

logger = logging.getLogger(__name__)


def crawl_stage(ctx: StageContext) -> StageResult:
    run_crawls = import_stage("crawlers.runner", "run_crawls")
    codes = list(ctx.sources) if ctx.sources is not None else _all_source_codes()
    if not codes:
        return StageResult(status="skipped", note="no sources to crawl")
    options = dict(ctx.crawl_options)
    # Each crawl's own run record says what started it (schedule, catch-up, cli, demo).
    options["scrapy_settings"] = {"OBSERVATORY_TRIGGER": ctx.trigger, **(options.get("scrapy_settings") or {})}
    # Post-award sources (registry, execution, payments) join on the CIGs and authorities the
    # notice spiders store: they crawl second, then the registry places and links what they brought.
    later = [code for code in codes if _runs_after_notices(code)]
    first = [code for code in codes if code not in later]
    results = run_crawls(first, parent_run_id=ctx.run_id, **options) if first else []
    if later:
        results += run_crawls(later, parent_run_id=ctx.run_id, **options)
    errors: list[dict[str, Any]] = []
    outcomes: dict[str, str] = {}
    skipped: list[str] = []
    for result in results:  # crawlers.runner.CrawlResult
        outcomes[result.code] = result.status
        if result.status == "skipped":
            skipped.append(f"{result.code} ({result.reason})" if result.reason else result.code)
        elif result.status != "ok":
            errors.append({"source": result.code, "status": result.status, "reason": result.reason or "crawl failed"})
    with session_scope(ctx.engine) as session:
        children = session.scalars(select(RunRecord).where(RunRecord.parent_id == ctx.run_id)).all()
        counts: dict[str, Any] = sum_numbers(c.counts for c in children)
        changed = refresh_source_health(session, codes)
        if later:
            refresh_post_award = import_stage("authorities.refresh", "refresh_post_award")
            counts.update({f"post_award_{k}": v for k, v in refresh_post_award(session).items()})
    for code, state in changed.items():
        if state in ("broken", "degraded"):
            logger.warning("source %s is now %s", code, state, extra={"source": code})
    counts["sources"] = len(codes)
    for state in ("ok", "partial", "failed", "skipped"):
        counts[f"sources_{state}"] = sum(1 for s in outcomes.values() if s == state)
    ran = [s for s in outcomes.values() if s != "skipped"]
    if ran and all(s == "failed" for s in ran):
        status = "failed"
    elif errors:
        status = "partial"
    else:
        status = "ok"
    note = f"not crawled: {'; '.join(skipped)}" if skipped else None
    return StageResult(status=status, counts=counts, errors=errors, note=note)


def _runs_after_notices(code: str) -> bool:
    from authorities.refresh import POST_AWARD_SOURCES

    spider_class = import_stage("crawlers.runner", "spider_class")
    extra = getattr(getattr(spider_class(code), "policy", None), "extra", None) or {}
    return code in POST_AWARD_SOURCES or extra.get("run_after") == "notices"


def _all_source_codes() -> list[str]:
    list_sources = import_stage("crawlers.runner", "available_sources")
    return sorted(list_sources())


def extract_stage(ctx: StageContext) -> StageResult:
    run_pending = import_stage("extract.runner", "run_pending")
    progress = ctx.progress("extract") if ctx.progress else None
    settings = ctx.settings
    counts = plain(run_pending(ctx.engine, settings.document_store, progress=progress, workers=settings.extract_workers,
                                timeout_s=settings.extract_timeout_seconds, memory_mb=settings.extract_memory_mb))
    # A document that cannot be read is recorded on its row with the reason (status shows them);
    # the stage itself is ok unless it raised.
    return StageResult(counts=counts if isinstance(counts, dict) else {"result": counts})


def rules_stage(ctx: StageContext) -> StageResult:
    run_rules = import_stage("rules.engine", "run_rules")
    from observatory.app import rules_config

    run_tariff_rules = import_stage("rules.tariff_engine", "run_tariff_rules")
    config = rules_config(ctx.settings)
    with session_scope(ctx.engine) as session:
        summary = run_rules(session, config=config)
    counts = summary.counts() if callable(getattr(summary, "counts", None)) else plain(summary)
    counts = counts if isinstance(counts, dict) else {"result": counts}
    # The R-ACC rules on the accreditation tariffs (stored by the bulletin spiders and by imports), in their
    # own unit of work: a failure there leaves the notices' findings written.
    with session_scope(ctx.engine) as session:
        counts.update(run_tariff_rules(session, config=config).counts())
    return StageResult(counts=counts)


def alerts_stage(ctx: StageContext) -> StageResult:
    queue_digests = import_stage("alerts.service", "queue_digests")
    send_pending = import_stage("alerts.service", "send_pending")
    queue_source_health = import_stage("alerts.service", "queue_source_health")
    from observatory.app import get_directory

    directory = get_directory(ctx.settings)
    queue_watch = import_stage("alerts.service", "queue_watch")
    with session_scope(ctx.engine) as session:  # one unit of work: findings -> outbox
        digests = queue_digests(session, directory, ctx.settings)
        health_alerts = queue_source_health(session, ctx.settings)
        watch_alerts = queue_watch(session, directory, ctx.settings)
    sent = plain(send_pending(ctx.engine, ctx.settings))
    counts: dict[str, Any] = {"digests_queued": digests, "health_alerts_queued": health_alerts,
                              "watch_alerts_queued": watch_alerts}
    if isinstance(sent, dict):
        counts.update({f"emails_{k}": v for k, v in sent.items()})
    undelivered = sum(int(counts.get(f"emails_{k}", 0) or 0) for k in ("retry", "failed", "deferred"))
    errors = [{"reason": f"{undelivered} e-mail(s) not delivered; see the outbox in `observatory status`"}] if undelivered else []
    return StageResult(status="partial" if undelivered else "ok", counts=counts, errors=errors)


STAGES: tuple[tuple[str, StageFunction], ...] = (
    ("crawl", crawl_stage),
    ("extract", extract_stage),
    ("rules", rules_stage),
    ("alerts", alerts_stage),
)
