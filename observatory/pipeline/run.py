"""Running the stages in order under the database lock, each with its own run record."""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, update

from db.base import utcnow
from db.models import RunRecord
from db.session import session_scope
from kernel.settings import Settings
from observatory import lock as pipeline_lock
from observatory.pipeline.control import stop_requested
from observatory.pipeline.model import (
    TRIGGERS,
    PipelineReport,
    ProgressFactory,
    StageContext,
    StageFunction,
    StageReport,
    StageResult,
    StageUnavailable,
    plain,
)
from observatory.pipeline.record import close_orphaned_runs, compact, finish
from observatory.pipeline.stages import STAGES

logger = logging.getLogger(__name__)


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
        finish(engine, report)
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
                counts=plain(result.counts),
                errors=plain(result.errors),
                note=result.note,
            )
        )
    logger.info(
        "stage %s %s in %.1fs counts=%s errors=%d%s",
        name,
        result.status,
        time.monotonic() - clock,
        compact(result.counts),
        len(result.errors),
        f" note={result.note}" if result.note else "",
        extra={"run": run_id},
    )
    return StageReport(name, run_id, result.status, started_at, finished_at, plain(result.counts), plain(result.errors), result.note)


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
