"""The scheduler's jobs: module-level functions referenced by text ("module:function") in the persistent
job store, and the decisions they take from the run records (catch-up, retry after a lock refusal,
housekeeping)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from db.models import RunRecord
from db.session import session_scope
from kernel.errors import PipelineLockedError
from kernel.settings import get_settings
from observatory.scheduler.clock import last_due

logger = logging.getLogger(__name__)

NIGHTLY_JOB = "observatory.scheduler.jobs:nightly_job"
PRUNE_JOB = "observatory.scheduler.jobs:prune_run_records_job"
RETRY_JOB_ID = "nightly-retry-after-lock"
RUN_RECORDS_KEPT_DAYS = 400  # a year of nights plus margin: enough for "when did this source last work"
# Statuses of a full run that count as "the night's run happened" (an interrupted one is caught up).
DONE_STATUSES = ("running", "ok", "partial", "failed")

# The scheduler of this process, for jobs that schedule a follow-up (the lock retry). Job functions
# are referenced by text in the job store, so they cannot receive it as an argument.
_ACTIVE_SCHEDULER: BaseScheduler | None = None


def set_active_scheduler(scheduler: BaseScheduler | None) -> None:
    global _ACTIVE_SCHEDULER  # noqa: PLW0603 - one scheduler per process (see run_scheduler's lock)
    _ACTIVE_SCHEDULER = scheduler


def nightly_job(trigger: str = "schedule", due: str | None = None) -> None:
    """The nightly pipeline. `due` is the time this run stands for (ISO; default now): a retry after a
    lock refusal carries the original due time, so that it knows when the grace time ends."""
    from observatory.pipeline import run_nightly

    settings = get_settings()
    now = dt.datetime.now(ZoneInfo(settings.timezone))
    due_at = dt.datetime.fromisoformat(due) if due else now
    if trigger == "retry":
        with session_scope(_engine()) as session:
            if night_covered(session, due_at):
                logger.info("retry of the run due at %s dropped: a full run covered the night", due_at.isoformat())
                return
    try:
        report = run_nightly(settings, trigger=trigger, sources=list(settings.nightly_sources) or None)
    except PipelineLockedError as exc:
        retry_at = plan_lock_retry(due_at, now, retry=dt.timedelta(minutes=settings.lock_retry_minutes),
                                   grace=dt.timedelta(hours=settings.misfire_grace_hours))
        if retry_at is None or _ACTIVE_SCHEDULER is None:
            logger.warning("nightly run not started: %s; the grace time for the run due at %s is over",
                           exc, due_at.isoformat())
            return
        _ACTIVE_SCHEDULER.add_job(
            NIGHTLY_JOB, "date", run_date=retry_at, id=RETRY_JOB_ID,
            name=f"retry of the run due at {due_at.isoformat()} (pipeline lock held)",
            kwargs={"trigger": "retry", "due": due_at.isoformat()}, replace_existing=True,
        )
        logger.warning("nightly run not started: %s; retry at %s", exc, retry_at.isoformat())
        return
    logger.info("nightly run %s finished: %s", report.run_id, report.status)


def plan_lock_retry(due: dt.datetime, now: dt.datetime, *, retry: dt.timedelta, grace: dt.timedelta) -> dt.datetime | None:
    """When to try again a run refused by the pipeline lock, or None once past the grace time."""
    retry_at = now + retry
    return retry_at if retry_at - due <= grace else None


def night_covered(session: Session, due: dt.datetime) -> bool:
    """True when a full pipeline run (see _full_runs) started after `due` or was still running at
    `due`: the night's work is done or under way."""
    return any(_aware(started_at) >= due or finished_at is None or _aware(finished_at) >= due
               for started_at, finished_at in _full_runs(session))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def _engine() -> Engine:
    from observatory.app import get_engine

    return get_engine()


def prune_run_records_job(keep_days: int = RUN_RECORDS_KEPT_DAYS) -> None:
    from observatory.app import get_engine

    with session_scope(get_engine(get_settings())) as session:
        removed = prune_run_records(session, older_than=dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days))
    logger.info("housekeeping: %d run record(s) older than %d days removed", removed, keep_days)


def prune_run_records(session: Session, *, older_than: dt.datetime) -> int:
    """Delete run records of runs that started before `older_than`, whole trees at a time."""
    roots = set(
        session.scalars(select(RunRecord.id).where(RunRecord.parent_id.is_(None), RunRecord.started_at < older_than))
    )
    ids, frontier = set(roots), list(roots)
    while frontier:
        frontier = [i for i in session.scalars(select(RunRecord.id).where(RunRecord.parent_id.in_(frontier))) if i not in ids]
        ids.update(frontier)
    # Children first: their ids are larger than their parents'.
    for chunk in _chunks(sorted(ids, reverse=True), 500):
        session.execute(delete(RunRecord).where(RunRecord.id.in_(chunk)))
    return len(ids)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _full_runs(session: Session) -> Iterator[tuple[dt.datetime, dt.datetime | None]]:
    """(started_at, finished_at) of the recent nightly-equivalent pipeline runs, latest first: scheduled,
    caught up or retried ones, or a manual run of every source. A manual `observatory run --source X`
    does not stand in for the night; an interrupted run does not count (it is caught up)."""
    rows = session.execute(
        select(RunRecord.started_at, RunRecord.finished_at, RunRecord.trigger, RunRecord.counts)
        .where(RunRecord.stage == "pipeline", RunRecord.status.in_(DONE_STATUSES))
        .order_by(RunRecord.started_at.desc())
        .limit(50)
    )
    for started_at, finished_at, trigger, counts in rows:
        if trigger in ("schedule", "catch-up", "retry") or (counts or {}).get("scope", "all") == "all":
            yield started_at, finished_at


def last_full_run_start(session: Session) -> dt.datetime | None:
    """When the latest nightly-equivalent pipeline run started (see _full_runs)."""
    return next((started_at for started_at, _ in _full_runs(session)), None)


def plan_catch_up(session: Session, trigger: CronTrigger, now: dt.datetime, grace: dt.timedelta) -> dt.datetime | None:
    """The missed due time to catch up now, or None (nothing missed, already run, or beyond the grace)."""
    due = last_due(trigger, now)
    if due is None or now - due > grace:
        return None
    last = last_full_run_start(session)
    if last is not None and last >= due:
        return None
    return due
