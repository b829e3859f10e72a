"""`observatory schedule`: one APScheduler 3 BlockingScheduler that runs the nightly pipeline.

- Jobs live in an SQLAlchemyJobStore in the project database (table `apscheduler_jobs`), declared at
  every start with explicit ids and `replace_existing=True` (a restart never adds a copy); job
  functions are module-level and referenced as "module:function" text, as persistent stores need.
- `coalesce=True`, `max_instances=1`, and a misfire grace time of hours (settings), not the 1 s default.
- Time zone Europe/Rome (settings). Standard crontab(5) weekdays (0 = Sunday; APScheduler alone reads 0
  as Monday). A daily job between 02:00 and 02:59 runs twice on the October
  change and at 03:xx in March, so a cron that fires inside a DST change is refused; the default
  03:30 is outside it.
- Catch-up: re-declaring a job at start-up recomputes its next run from *now*, which would silently
  drop a night missed while the scheduler was down. So the scheduler decides from the run records
  instead: if the last due run time is within the grace time and no full pipeline run started after
  it, one catch-up run is added (one, however many nights were missed).
- Lock refusal: a scheduled run refused because another run holds the pipeline lock (a manual
  `observatory run` at 03:30) is retried every `lock_retry_minutes` until the grace time ends; the
  retry is dropped when the run that held the lock was a full one (the night is covered).
- One scheduler per job store: the "scheduler" database lock is held while it runs (APScheduler's
  FAQ: a job store cannot be shared). The pipeline itself takes the "nightly" lock on every run.
- SIGTERM/SIGINT: the running stage finishes, the remaining stages are skipped, the process exits 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, column, delete, inspect, select, table
from sqlalchemy.orm import Session

from db.models import RunRecord
from db.session import session_scope
from observatory import lock as pipeline_lock
from observatory.errors import ConfigurationError, PipelineLockedError
from observatory.settings import Settings, get_settings

logger = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"
NIGHTLY_JOB_ID = "nightly-pipeline"
CATCH_UP_JOB_ID = "nightly-catch-up"
RETRY_JOB_ID = "nightly-retry-after-lock"
HOUSEKEEPING_JOB_ID = "prune-run-records"
SCHEDULER_LOCK = "scheduler"
RUN_RECORDS_KEPT_DAYS = 400  # a year of nights plus margin: enough for "when did this source last work"
# Statuses of a full run that count as "the night's run happened" (an interrupted one is caught up).
DONE_STATUSES = ("running", "ok", "partial", "failed")


# ---------------------------------------------------------------------------------------------------
# Job functions: module-level, referenced by text in the persistent job store.
# ---------------------------------------------------------------------------------------------------


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
            "observatory.scheduler:nightly_job", "date", run_date=retry_at, id=RETRY_JOB_ID,
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


# The scheduler of this process, for jobs that schedule a follow-up (the lock retry). Job functions
# are referenced by text in the job store, so they cannot receive it as an argument.
_ACTIVE_SCHEDULER: BaseScheduler | None = None


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


# ---------------------------------------------------------------------------------------------------
# The trigger and its DST check
# ---------------------------------------------------------------------------------------------------


def nightly_trigger(cron: str, timezone: str) -> CronTrigger:
    """The nightly CronTrigger, refusing an invalid expression or one that fires inside a DST change."""
    try:
        tz = ZoneInfo(timezone)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError
        raise ConfigurationError(f"OBSERVATORY_TIMEZONE: unknown time zone {timezone!r}") from None
    try:
        trigger = crontab_trigger(cron, tz)
    except ValueError as exc:
        raise ConfigurationError(
            f"OBSERVATORY_NIGHTLY_CRON {cron!r} is not a 5-field cron expression "
            f"(minute hour day month weekday): {exc}"
        ) from None
    hazards = dst_hazards(cron, tz)
    if hazards:
        raise ConfigurationError(
            f"OBSERVATORY_NIGHTLY_CRON {cron!r} fires at {', '.join(hazards)} {timezone}, inside a "
            "daylight-saving change: that time is repeated in October (two runs) or skipped in March. "
            "Choose a time outside 02:00-02:59, e.g. '30 3 * * *'"
        )
    return trigger


_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_trigger(cron: str, tz: dt.tzinfo) -> CronTrigger:
    """A CronTrigger from a standard 5-field crontab line.

    APScheduler 3 numbers weekdays from Monday = 0, so its `from_crontab("30 3 * * 0")` fires on
    Mondays; crontab(5) says 0 (and 7) is Sunday. Numeric weekdays are therefore rewritten as names
    before APScheduler reads them, so the line means what an operator who knows cron expects.
    """
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, weekday = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=standard_weekdays(weekday),
                       timezone=tz)


def standard_weekdays(field: str) -> str:
    """crontab(5) weekdays ("1-5", "0,6", "*/2", "sun") as APScheduler day names ("mon,tue,...")."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            first, last = span.split("-", 1)
            low, high = _cron_day(first), _cron_day(last)
        else:
            low = _cron_day(span)
            high = 6 if step_text else low  # "1/2": from Monday, every other day
        if high < low:
            high += 7  # "fri-mon" wraps over the week's end
        if step < 1:
            raise ValueError(f"weekday step must be positive in {field!r}")
        days.update(day % 7 for day in range(low, high + 1, step))
    return ",".join(_CRON_DAYS[day] for day in sorted(days))


def _cron_day(token: str) -> int:
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)  # 7 is Sunday too (folded by % 7)
    if token[:3] in _CRON_DAYS:
        return _CRON_DAYS.index(token[:3])
    raise ValueError(f"unknown weekday {token!r}")


def _wall_times_on(probe: CronTrigger, day: dt.date) -> set[tuple[int, int]]:
    """The (hour, minute) pairs a cron fires at on one calendar day. `probe` is the cron in UTC, where
    wall-clock times have no DST, so its fire times are the cron's wall times; day of month, month
    and day of week are honoured (a Monday-only 02:30 never meets a Sunday DST change)."""
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    end = start + dt.timedelta(days=1)
    seen: set[tuple[int, int]] = set()
    when = probe.get_next_fire_time(None, start)
    while when is not None and when < end:
        seen.add((when.hour, when.minute))
        when = probe.get_next_fire_time(when, when + dt.timedelta(minutes=1))
    return seen


def dst_hazards(cron: str, tz: ZoneInfo, *, years: int = 2) -> list[str]:
    """Local times this cron fires at, on a DST-change day, that do not exist (spring) or exist twice
    (autumn) in `tz`."""
    probe = crontab_trigger(cron, dt.UTC)
    hazards: set[tuple[int, int]] = set()
    day = dt.date(2026, 1, 1)
    for _ in range(366 * years):
        offset_at_start = dt.datetime.combine(day, dt.time(0), tz).utcoffset()
        offset_at_end = dt.datetime.combine(day, dt.time(23, 59), tz).utcoffset()
        if offset_at_start != offset_at_end:  # a transition day: test each firing time of that day
            for hour, minute in _wall_times_on(probe, day):
                local = dt.datetime.combine(day, dt.time(hour, minute), tz)
                if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
                    hazards.add((hour, minute))
        day += dt.timedelta(days=1)
    return [f"{h:02d}:{m:02d}" for h, m in sorted(hazards)]


def fire_times(trigger: CronTrigger, start: dt.datetime) -> Iterator[dt.datetime]:
    """Successive fire times from `start`. The step is taken in UTC: wall-clock arithmetic on the
    second 02:30 of an October night (fold=1) would land before it and never move on."""
    when = trigger.get_next_fire_time(None, start)
    while when is not None:
        yield when
        when = trigger.get_next_fire_time(when, when.astimezone(dt.UTC) + dt.timedelta(seconds=1))


def last_due(trigger: CronTrigger, now: dt.datetime, *, lookback: dt.timedelta = dt.timedelta(days=32)) -> dt.datetime | None:
    """The latest fire time of `trigger` at or before `now` (None when it never fired in `lookback`)."""
    due = None
    for when in fire_times(trigger, now - lookback):
        if when > now:
            break
        due = when
    return due


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


# ---------------------------------------------------------------------------------------------------
# The scheduler
# ---------------------------------------------------------------------------------------------------


def build_scheduler(
    settings: Settings,
    engine: Engine,
    *,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
    now: dt.datetime | None = None,
) -> BaseScheduler:
    """A scheduler with the nightly job, the housekeeping job and, when due, one catch-up, declared."""
    tz = ZoneInfo(settings.timezone)
    trigger = nightly_trigger(settings.nightly_cron, settings.timezone)
    grace = dt.timedelta(hours=settings.misfire_grace_hours)
    now = now or dt.datetime.now(tz)
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
        # One worker: the pipeline runs its crawls as subprocesses side by side itself.
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(grace.total_seconds())},
        timezone=tz,
    )
    scheduler.add_job(
        "observatory.scheduler:nightly_job",
        trigger,
        id=NIGHTLY_JOB_ID,
        name="nightly pipeline (crawl, extract, rules, alerts)",
        kwargs={"trigger": "schedule"},
        replace_existing=True,
    )
    scheduler.add_job(
        "observatory.scheduler:prune_run_records_job",
        CronTrigger(day_of_week="sun", hour=5, minute=15, timezone=tz),
        id=HOUSEKEEPING_JOB_ID,
        name="prune run records older than a year",
        replace_existing=True,
    )
    _close_dead_runs(engine, settings)
    with session_scope(engine) as session:
        missed = plan_catch_up(session, trigger, now, grace)
    _drop_job_row(engine, CATCH_UP_JOB_ID)  # a catch-up left by an earlier start is re-decided now
    if missed is not None:
        logger.warning("nightly run due at %s did not run: one catch-up run now", missed.isoformat())
        scheduler.add_job(
            "observatory.scheduler:nightly_job",
            "date",
            run_date=now,
            id=CATCH_UP_JOB_ID,
            name=f"catch-up of the run due at {missed.isoformat()}",
            kwargs={"trigger": "catch-up"},
            replace_existing=True,
        )
    scheduler.add_listener(_on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_EXECUTED)
    scheduler.add_listener(lambda _event: _log_jobs(scheduler), EVENT_SCHEDULER_STARTED)
    global _ACTIVE_SCHEDULER  # noqa: PLW0603 - one scheduler per process (see run_scheduler's lock)
    _ACTIVE_SCHEDULER = scheduler
    return scheduler


def _close_dead_runs(engine: Engine, settings: Settings) -> None:
    """A run killed with the scheduler (kill -9, power loss) left its records 'running': when no one
    holds the pipeline lock they are dead, and marking them interrupted lets the catch-up redo the night."""
    from observatory.pipeline import close_orphaned_runs

    try:
        with pipeline_lock.acquire(engine, stale_after=dt.timedelta(seconds=settings.lock_stale_seconds)):
            with session_scope(engine) as session:
                closed = close_orphaned_runs(session)
    except PipelineLockedError:
        return  # a pipeline is running right now (e.g. `observatory run`): its records are alive
    if closed:
        logger.warning("%d run record(s) of a run that died with the previous scheduler marked interrupted", closed)


def _log_jobs(scheduler: BaseScheduler) -> None:
    jobs = "; ".join(
        f"{job.id} next {job.next_run_time.isoformat() if job.next_run_time else 'paused'}" for job in scheduler.get_jobs()
    )
    logger.info("scheduler running with jobs: %s", jobs)


def _drop_job_row(engine: Engine, job_id: str) -> None:
    if not inspect(engine).has_table(JOBSTORE_TABLE):
        return
    jobs = table(JOBSTORE_TABLE, column("id"))
    with engine.begin() as conn:
        conn.execute(delete(jobs).where(jobs.c.id == job_id))


def _on_job_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_ERROR:
        logger.error("job %s failed: %r", event.job_id, event.exception)
    elif event.code == EVENT_JOB_MISSED:
        logger.warning(
            "job %s missed its run at %s (scheduler busy or down past the grace time)",
            event.job_id,
            event.scheduled_run_time,
        )
    else:
        logger.info("job %s done (scheduled %s)", event.job_id, event.scheduled_run_time)


def scheduled_jobs(engine: Engine) -> list[dict[str, object]]:
    """The jobs in the store with their next run time (UTC), read without starting a scheduler."""
    if not inspect(engine).has_table(JOBSTORE_TABLE):
        return []
    jobs = table(JOBSTORE_TABLE, column("id"), column("next_run_time"))
    with engine.connect() as conn:
        rows = conn.execute(select(jobs.c.id, jobs.c.next_run_time).order_by(jobs.c.next_run_time)).all()
    return [
        {
            "id": job_id,
            "next_run_at": dt.datetime.fromtimestamp(float(ts), dt.UTC).isoformat() if ts is not None else None,
        }
        for job_id, ts in rows
    ]


def run_scheduler(settings: Settings, engine: Engine) -> None:
    """Run until SIGTERM/SIGINT: hold the scheduler lock, declare the jobs, block in the scheduler."""
    from observatory.app import require_schema
    from observatory.pipeline import clear_stop, request_stop

    require_schema(engine)
    trigger = nightly_trigger(settings.nightly_cron, settings.timezone)  # fail before taking any lock
    try:
        guard = pipeline_lock.acquire(
            engine, SCHEDULER_LOCK, stale_after=dt.timedelta(seconds=settings.lock_stale_seconds)
        )
    except PipelineLockedError as exc:
        raise PipelineLockedError(f"another `observatory schedule` is running on this database ({exc})") from None
    try:
        clear_stop()
        scheduler = build_scheduler(settings, engine)

        def stop(signum: int, _frame: object) -> None:
            logger.warning("%s received: finishing the current stage, then stopping", signal.Signals(signum).name)
            request_stop()
            # shutdown(wait=True) waits for the running job: not inside the signal handler.
            threading.Thread(target=_shutdown, args=(scheduler,), name="scheduler-shutdown").start()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        next_run = trigger.get_next_fire_time(None, dt.datetime.now(ZoneInfo(settings.timezone)))
        logger.info(
            "scheduler started: nightly cron %r (%s), next run %s",
            settings.nightly_cron,
            settings.timezone,
            next_run.isoformat() if next_run else "never",
        )
        try:
            scheduler.start()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("scheduler stopped")
    finally:
        guard.release()


def _shutdown(scheduler: BaseScheduler) -> None:
    try:
        scheduler.shutdown(wait=True)
    except Exception:  # noqa: BLE001 - already stopped
        logger.debug("scheduler shutdown", exc_info=True)


__all__ = [
    "CATCH_UP_JOB_ID",
    "NIGHTLY_JOB_ID",
    "RETRY_JOB_ID",
    "build_scheduler",
    "dst_hazards",
    "last_due",
    "nightly_job",
    "night_covered",
    "nightly_trigger",
    "plan_catch_up",
    "plan_lock_retry",
    "run_scheduler",
    "scheduled_jobs",
]
