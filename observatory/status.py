"""What `observatory status` reports: last runs, source health, document backlog, findings, outbox.

One function builds a plain dict (what `status --json` prints); the CLI renders the same dict as text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AlertDelivery, AlertDeliveryFinding, Document, Finding, Observatory, RunRecord
from db.session import session_scope
from kernel.settings import Settings
from observatory import lock as pipeline_lock
from observatory.health import source_health

ERRORS_SHOWN = 5


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _seconds(record: RunRecord) -> float | None:
    if record.finished_at and record.started_at:
        return round((record.finished_at - record.started_at).total_seconds(), 1)
    return None


def _reason_key(reason: str | None) -> str:
    """'http_error: 502' -> 'http_error'; the free text after the colon varies per document."""
    return (reason or "unknown").split(":", 1)[0].strip() or "unknown"


def _record(record: RunRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "stage": record.stage,
        "source": record.source_code,
        "trigger": record.trigger,
        "status": record.status,
        "started_at": _iso(record.started_at),
        "finished_at": _iso(record.finished_at),
        "seconds": _seconds(record),
        "counts": record.counts or {},
        "errors_total": len(record.errors or []),
        "errors": [_short_error(e) for e in (record.errors or [])[:ERRORS_SHOWN]],
        "note": record.note,
    }


def _short_error(error: Any) -> Any:
    if isinstance(error, dict):
        return {k: v for k, v in error.items() if k != "traceback"}
    return error


def last_runs(session: Session, limit: int) -> list[dict[str, Any]]:
    pipelines = session.scalars(
        select(RunRecord).where(RunRecord.stage == "pipeline").order_by(RunRecord.started_at.desc(), RunRecord.id.desc()).limit(limit)
    ).all()
    out = []
    for pipeline in pipelines:
        item = _record(pipeline)
        stages = session.scalars(select(RunRecord).where(RunRecord.parent_id == pipeline.id).order_by(RunRecord.id)).all()
        item["stages"] = []
        for stage in stages:
            entry = _record(stage)
            children = session.scalars(select(RunRecord).where(RunRecord.parent_id == stage.id).order_by(RunRecord.id)).all()
            if children:
                entry["sources"] = [_record(c) for c in children]
            item["stages"].append(entry)
        out.append(item)
    return out


def document_backlog(session: Session) -> dict[str, Any]:
    retrieval = dict(session.execute(select(Document.retrieval_status, func.count()).group_by(Document.retrieval_status)).all())
    failed_reasons = Counter(
        _reason_key(reason)
        for (reason,) in session.execute(select(Document.retrieval_reason).where(Document.retrieval_status == "failed"))
    )
    extraction = dict(
        session.execute(
            select(Document.extraction_status, func.count())
            .where(Document.retrieval_status == "retrieved")
            .group_by(Document.extraction_status)
        ).all()
    )
    extraction_reasons = Counter(
        _reason_key(reason)
        for (reason,) in session.execute(select(Document.extraction_reason).where(Document.extraction_status == "failed"))
    )
    return {
        "total": sum(retrieval.values()),
        "retrieval": {state: retrieval.get(state, 0) for state in ("pending", "retrieved", "failed", "skipped")},
        "retrieval_failed_by_reason": dict(_by_count(failed_reasons)),
        # Extraction counts only retrieved documents: the others have nothing to read yet.
        "extraction": {state: extraction.get(state, 0) for state in ("pending", "extracted", "failed", "skipped")},
        "extraction_failed_by_reason": dict(_by_count(extraction_reasons)),
    }


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def findings_summary(session: Session) -> dict[str, Any]:
    current = dict(
        session.execute(select(Finding.result, func.count()).where(Finding.is_current).group_by(Finding.result)).all()
    )
    delivered = select(AlertDeliveryFinding.finding_id)
    awaiting = dict(
        session.execute(
            select(Finding.result, func.count())
            .where(Finding.is_current, Finding.result != "compliant", Finding.id.not_in(delivered))
            .group_by(Finding.result)
        ).all()
    )
    by_rule = session.execute(
        select(Finding.rule_code, Finding.result, func.count())
        .where(Finding.is_current)
        .group_by(Finding.rule_code, Finding.result)
        .order_by(Finding.rule_code)
    ).all()
    rules: dict[str, dict[str, int]] = {}
    for rule, result, count in by_rule:
        rules.setdefault(rule, {})[result] = count
    return {
        "current": {r: current.get(r, 0) for r in ("violation", "not_verifiable", "compliant")},
        # Not yet attached to any digest: what the next alerts stage will consider sending.
        "awaiting_delivery": {r: awaiting.get(r, 0) for r in ("violation", "not_verifiable")},
        "by_rule": rules,
    }


def deliveries_by_observatory(session: Session, *, state: str | None = None) -> dict[str, int]:
    """Deliveries per observatory code ("admin" for the administrators' alerts), optionally in one state."""
    query = (
        select(Observatory.code, func.count())
        .select_from(AlertDelivery)
        .join(Observatory, AlertDelivery.observatory_id == Observatory.id, isouter=True)
        .group_by(Observatory.code)
    )
    if state is not None:
        query = query.where(AlertDelivery.state == state)
    counts: dict[str, int] = {}
    for code, count in session.execute(query):
        counts[code or "admin"] = counts.get(code or "admin", 0) + count
    return dict(sorted(counts.items()))


def outbox_summary(session: Session) -> dict[str, Any]:
    states = dict(session.execute(select(AlertDelivery.state, func.count()).group_by(AlertDelivery.state)).all())
    oldest_pending = session.scalar(
        select(func.min(AlertDelivery.created_at)).where(AlertDelivery.state.in_(("pending", "failed")))
    )
    failed = session.execute(
        select(AlertDelivery, Observatory.code)
        .join(Observatory, AlertDelivery.observatory_id == Observatory.id, isouter=True)
        .where(AlertDelivery.state.in_(("failed", "pending", "sending")))
        .order_by(AlertDelivery.id)
        .limit(20)
    ).all()
    sent_by_observatory = deliveries_by_observatory(session, state="sent")
    return {
        "by_state": {s: states.get(s, 0) for s in ("pending", "sending", "sent", "failed")},
        "oldest_undelivered_at": _iso(oldest_pending),
        "undelivered": [
            {
                "id": d.id,
                "observatory": code or "admin",
                "alert_type": d.alert_type,
                "state": d.state,
                "attempts": d.attempts,
                "last_error": d.last_error,
                "next_attempt_at": _iso(d.next_attempt_at),
                "subject": d.subject,
            }
            for d, code in failed
        ],
        "sent_by_observatory": sent_by_observatory,
    }


def schedule_summary(engine: Engine, settings: Settings) -> dict[str, Any]:
    from kernel.errors import ConfigurationError
    from observatory.scheduler import nightly_trigger, scheduled_jobs

    info: dict[str, Any] = {"cron": settings.nightly_cron, "timezone": settings.timezone}
    try:
        trigger = nightly_trigger(settings.nightly_cron, settings.timezone)
        upcoming = trigger.get_next_fire_time(None, dt.datetime.now(ZoneInfo(settings.timezone)))
        info["next_run_at"] = _iso(upcoming)
        info["problem"] = None
    except ConfigurationError as exc:
        info["next_run_at"] = None
        info["problem"] = str(exc)
    info["jobs"] = scheduled_jobs(engine)
    holder = pipeline_lock.current_holder(engine, "scheduler")
    info["scheduler_running"] = holder.describe() if holder else None
    return info


def collect_status(engine: Engine, settings: Settings, *, runs: int = 5) -> dict[str, Any]:
    holder = pipeline_lock.current_holder(engine)
    with session_scope(engine) as session:
        return {
            "generated_at": _iso(utcnow()),
            "database": engine.url.render_as_string(hide_password=True),
            "pipeline_running": holder.describe() if holder else None,
            "schedule": schedule_summary(engine, settings),
            "runs": last_runs(session, runs),
            "sources": [s.as_dict() for s in source_health(session)],
            "documents": document_backlog(session),
            "findings": findings_summary(session),
            "outbox": outbox_summary(session),
        }
