"""The run record of a pipeline run: its status from its stages', its summary, and the records a dead
run left behind."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import RunRecord
from db.session import session_scope
from observatory.pipeline.model import PipelineReport

logger = logging.getLogger(__name__)


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


def finish(engine: Engine, report: PipelineReport) -> None:
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
    logger.info("pipeline %s finished: %s (%s)", report.run_id, report.status, compact(summary["stages"]))


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


def compact(counts: Mapping[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in counts.items() if not isinstance(v, dict | list)) or "-"
