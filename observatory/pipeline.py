"""The nightly pipeline: crawl -> extract -> rules -> alerts, under the database lock.

Every run writes one `run_record` (stage "pipeline") and one child record per stage with its start,
end, counts and errors; crawl subprocesses write their own records (one per source) under the crawl
stage's record. A stage that raises is recorded as failed with its reason and the next stage still
runs: extraction works on whatever documents were retrieved, the rules on whatever was extracted,
and alerts also deliver what earlier nights left pending. A stop request (SIGTERM) is honoured
between stages: the running stage finishes, the rest are recorded as skipped, the run as interrupted.

Stage implementations live in their own packages and are imported lazily: while one is not
installed, its stage is recorded as skipped ("not available") instead of failing the run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import RunRecord
from db.session import session_scope
from observatory import lock as pipeline_lock
from observatory.health import refresh_source_health
from observatory.settings import Settings

logger = logging.getLogger(__name__)

STAGE_ORDER = ("crawl", "extract", "rules", "alerts")
TRIGGERS = ("cli", "schedule", "catch-up", "retry", "demo", "test")

# Set by the SIGTERM handler of `observatory run` / `observatory schedule`; checked between stages.
_stop_requested = threading.Event()


def request_stop() -> None:
    _stop_requested.set()


def clear_stop() -> None:
    _stop_requested.clear()


def stop_requested() -> bool:
    return _stop_requested.is_set()


def install_stop_handler(signals: tuple[int, ...] = (signal.SIGTERM,)) -> Callable[[], None]:
    """Make SIGTERM request a stop between stages (instead of killing mid-write); returns the undo."""

    def handler(signum: int, _frame: object) -> None:
        logger.warning("%s received: the running stage finishes, the rest are skipped", signal.Signals(signum).name)
        request_stop()

    previous = {sig: signal.signal(sig, handler) for sig in signals}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore


class StageUnavailable(Exception):
    """The package implementing a stage is not installed (yet): the stage is skipped, not failed."""


@dataclass
class StageResult:
    """What a stage function returns; an exception instead means the stage failed."""

    status: str = "ok"  # ok, partial (some sources or items failed), failed, skipped
    counts: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None


@dataclass
class StageContext:
    settings: Settings
    engine: Engine
    pipeline_id: int
    run_id: int  # this stage's run_record id (parent of the crawl subprocesses' records)
    sources: tuple[str, ...] | None
    crawl_options: Mapping[str, Any]
    progress: ProgressFactory | None
    trigger: str = "cli"


# A progress factory makes a callback `(done, total) -> None` for a named long step (the CLI draws bars).
ProgressFactory = Callable[[str], Callable[[int, int], None]]
StageFunction = Callable[[StageContext], StageResult]


@dataclass
class StageReport:
    name: str
    run_id: int | None
    status: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counts: dict[str, Any]
    errors: list[dict[str, Any]]
    note: str | None = None

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


@dataclass
class PipelineReport:
    run_id: int
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    sources: tuple[str, ...] | None
    stages: list[StageReport]
    lock_note: str | None = None

    def stage(self, name: str) -> StageReport | None:
        return next((s for s in self.stages if s.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for item in [data, *data["stages"]]:
            for key in ("started_at", "finished_at"):
                if item[key] is not None:
                    item[key] = item[key].isoformat()
        data["sources"] = list(self.sources) if self.sources is not None else None
        return data


# ---------------------------------------------------------------------------------------------------
# Stages. Each imports its implementation lazily and turns the implementation's summary into counts.
# ---------------------------------------------------------------------------------------------------


def _import(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise StageUnavailable(f"not available: {module} is not installed") from None
        raise
    try:
        return getattr(mod, name)
    except AttributeError:
        raise StageUnavailable(f"not available: {module}.{name} does not exist") from None


def _plain(value: Any) -> Any:
    """A summary object (dataclass, mapping, counter) as JSON-ready data for run_record.counts."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _sum_numbers(items: Iterable[Mapping[str, Any]]) -> dict[str, int | float]:
    total: dict[str, int | float] = {}
    for counts in items:
        for key, value in (counts or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
    return total


def crawl_stage(ctx: StageContext) -> StageResult:
    run_crawls = _import("crawlers.runner", "run_crawls")
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
        counts: dict[str, Any] = _sum_numbers(c.counts for c in children)
        changed = refresh_source_health(session, codes)
        if later:
            refresh_post_award = _import("observatory.authorities.refresh", "refresh_post_award")
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
    from observatory.authorities.refresh import POST_AWARD_SOURCES

    spider_class = _import("crawlers.runner", "spider_class")
    extra = getattr(getattr(spider_class(code), "policy", None), "extra", None) or {}
    return code in POST_AWARD_SOURCES or extra.get("run_after") == "notices"


def _all_source_codes() -> list[str]:
    list_sources = _import("crawlers.runner", "available_sources")
    return sorted(list_sources())


def extract_stage(ctx: StageContext) -> StageResult:
    run_pending = _import("extract.runner", "run_pending")
    progress = ctx.progress("extract") if ctx.progress else None
    settings = ctx.settings
    counts = _plain(run_pending(ctx.engine, settings.document_store, progress=progress, workers=settings.extract_workers,
                                timeout_s=settings.extract_timeout_seconds, memory_mb=settings.extract_memory_mb))
    # A document that cannot be read is recorded on its row with the reason (status shows them);
    # the stage itself is ok unless it raised.
    return StageResult(counts=counts if isinstance(counts, dict) else {"result": counts})


def rules_stage(ctx: StageContext) -> StageResult:
    run_rules = _import("rules.engine", "run_rules")
    run_tariff_rules = _import("rules.tariff_engine", "run_tariff_rules")
    with session_scope(ctx.engine) as session:
        summary = run_rules(session)
    counts = summary.counts() if callable(getattr(summary, "counts", None)) else _plain(summary)
    counts = counts if isinstance(counts, dict) else {"result": counts}
    # The R-ACC rules on the accreditation tariffs (stored by the bulletin spiders and by imports), in their
    # own unit of work: a failure there leaves the notices' findings written.
    with session_scope(ctx.engine) as session:
        counts.update(run_tariff_rules(session).counts())
    return StageResult(counts=counts)


def alerts_stage(ctx: StageContext) -> StageResult:
    queue_digests = _import("alerts.service", "queue_digests")
    send_pending = _import("alerts.service", "send_pending")
    queue_source_health = _import("alerts.service", "queue_source_health")
    from observatory.app import get_directory

    directory = get_directory(ctx.settings)
    queue_watch = _import("alerts.service", "queue_watch")
    with session_scope(ctx.engine) as session:  # one unit of work: findings -> outbox
        digests = queue_digests(session, directory, ctx.settings)
        health_alerts = queue_source_health(session, ctx.settings)
        watch_alerts = queue_watch(session, directory, ctx.settings)
    sent = _plain(send_pending(ctx.engine, ctx.settings))
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


# ---------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------


def run_nightly(
    settings: Settings,
    *,
    trigger: str,
    sources: Sequence[str] | None = None,
    crawl_options: Mapping[str, Any] | None = None,
    progress: ProgressFactory | None = None,
    stages: Sequence[tuple[str, StageFunction]] | None = None,
    engine: Engine | None = None,
) -> PipelineReport:
    """Run the stages in order under the pipeline lock; raises PipelineLockedError if another run holds it.

    `sources` limits the crawl to those source codes (None: every source); `crawl_options` go to the
    crawl runner (`from_date`, `until_date`, `force`, `parallel`); `stages` replaces the stage list
    (tests use it to inject a failing stage).
    """
    from observatory.app import get_engine, require_schema

    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}; expected one of {', '.join(TRIGGERS)}")
    engine = engine or get_engine(settings)
    require_schema(engine)
    scope = tuple(sources) if sources is not None else None
    handle = pipeline_lock.acquire(engine, stale_after=dt.timedelta(seconds=settings.lock_stale_seconds))
    try:
        with session_scope(engine) as session:
            orphans = close_orphaned_runs(session)
            parent = RunRecord(
                stage="pipeline",
                trigger=trigger,
                status="running",
                counts={"scope": list(scope) if scope is not None else "all"},
                errors=[],
                note=handle.recovered_from,
            )
            session.add(parent)
            session.flush()
            report = PipelineReport(
                run_id=parent.id,
                trigger=trigger,
                status="running",
                started_at=parent.started_at,
                finished_at=None,
                sources=scope,
                stages=[],
                lock_note=handle.recovered_from,
            )
        if orphans:
            logger.warning("pipeline %s: %d run record(s) of a dead run marked interrupted", report.run_id, orphans)
        logger.info("pipeline %s started trigger=%s sources=%s", report.run_id, trigger, ",".join(scope or ["all"]))
        for name, function in stages or STAGES:
            if stop_requested():
                report.stages.append(_record_skipped(engine, report.run_id, name, "stop requested (SIGTERM)"))
                continue
            report.stages.append(
                _run_stage(engine, report, name, function, settings, scope, crawl_options or {}, progress)
            )
        _finish(engine, report)
    finally:
        handle.release()
    return report


def _run_stage(
    engine: Engine,
    report: PipelineReport,
    name: str,
    function: StageFunction,
    settings: Settings,
    scope: tuple[str, ...] | None,
    crawl_options: Mapping[str, Any],
    progress: ProgressFactory | None,
) -> StageReport:
    with session_scope(engine) as session:
        record = RunRecord(parent_id=report.run_id, stage=name, trigger=report.trigger, status="running", counts={}, errors=[])
        session.add(record)
        session.flush()
        run_id, started_at = record.id, record.started_at
    logger.info("stage %s started", name, extra={"run": run_id})
    clock = time.monotonic()
    ctx = StageContext(settings, engine, report.run_id, run_id, scope, crawl_options, progress, report.trigger)
    try:
        result = function(ctx)
    except StageUnavailable as exc:
        result = StageResult(status="skipped", note=str(exc))
    except Exception as exc:  # noqa: BLE001 - a failing stage is recorded, the next stage runs
        logger.exception("stage %s failed", name, extra={"run": run_id})
        result = StageResult(
            status="failed",
            errors=[{"reason": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=8)}],
        )
    finished_at = utcnow()
    with session_scope(engine) as session:
        session.execute(
            update(RunRecord)
            .where(RunRecord.id == run_id)
            .values(
                status=result.status,
                finished_at=finished_at,
                counts=_plain(result.counts),
                errors=_plain(result.errors),
                note=result.note,
            )
        )
    logger.info(
        "stage %s %s in %.1fs counts=%s errors=%d%s",
        name,
        result.status,
        time.monotonic() - clock,
        _compact(result.counts),
        len(result.errors),
        f" note={result.note}" if result.note else "",
        extra={"run": run_id},
    )
    return StageReport(name, run_id, result.status, started_at, finished_at, _plain(result.counts), _plain(result.errors), result.note)


def _record_skipped(engine: Engine, parent_id: int, name: str, note: str) -> StageReport:
    now = utcnow()
    with session_scope(engine) as session:
        record = RunRecord(
            parent_id=parent_id, stage=name, status="skipped", started_at=now, finished_at=now, counts={}, errors=[], note=note
        )
        session.add(record)
        session.flush()
        run_id = record.id
    logger.warning("stage %s skipped: %s", name, note, extra={"run": run_id})
    return StageReport(name, run_id, "skipped", now, now, {}, [], note)


def pipeline_status(stage_statuses: Sequence[str], *, stopped: bool) -> str:
    """The run's status from its stages': interrupted if stopped, failed if nothing ran well, else ok/partial."""
    if stopped:
        return "interrupted"
    ran = [s for s in stage_statuses if s != "skipped"]
    if not ran:
        return "skipped"
    if all(s == "failed" for s in ran):
        return "failed"
    if any(s in ("failed", "partial") for s in ran):
        return "partial"
    return "ok"


def _finish(engine: Engine, report: PipelineReport) -> None:
    stopped = any(s.status == "skipped" and s.note and "stop requested" in s.note for s in report.stages)
    report.status = pipeline_status([s.status for s in report.stages], stopped=stopped)
    report.finished_at = utcnow()
    summary: dict[str, Any] = {"scope": list(report.sources) if report.sources is not None else "all"}
    summary["stages"] = {s.name: s.status for s in report.stages}
    for stage in report.stages:
        for key, value in stage.counts.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                summary[f"{stage.name}.{key}"] = value
    # The parent keeps one line per error; tracebacks stay on the stage's own record.
    errors = [
        {"stage": s.name, **{k: v for k, v in e.items() if k != "traceback"}} for s in report.stages for e in s.errors
    ]
    with session_scope(engine) as session:
        session.execute(
            update(RunRecord)
            .where(RunRecord.id == report.run_id)
            .values(status=report.status, finished_at=report.finished_at, counts=summary, errors=errors)
        )
    logger.info("pipeline %s finished: %s (%s)", report.run_id, report.status, _compact(summary["stages"]))


def close_orphaned_runs(session: Session) -> int:
    """Mark 'running' records of earlier pipeline runs as interrupted: we hold the lock, so they are dead.

    Only pipeline records and their descendants are touched; a crawl started by hand outside the
    pipeline (`observatory crawl`) keeps its own record.
    """
    pipelines = list(
        session.scalars(select(RunRecord.id).where(RunRecord.stage == "pipeline", RunRecord.status == "running"))
    )
    ids = set(pipelines)
    frontier = list(pipelines)
    while frontier:
        children = list(session.scalars(select(RunRecord.id).where(RunRecord.parent_id.in_(frontier))))
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    if not ids:
        return 0
    return session.execute(
        update(RunRecord)
        .where(RunRecord.id.in_(ids), RunRecord.status == "running")
        .values(status="interrupted", finished_at=utcnow(), note="the process running it died (found at the next run)")
    ).rowcount


def _compact(counts: Mapping[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in counts.items() if not isinstance(v, dict | list)) or "-"
