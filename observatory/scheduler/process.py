"""`observatory schedule`: one APScheduler 3 BlockingScheduler that runs the nightly pipeline (the process:
the job store, the jobs declared at start, the locks and signals; the jobs are in `jobs`, the trigger in `clock`).

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

from db.session import session_scope
from kernel.errors import PipelineLockedError
from kernel.settings import Settings
from observatory import lock as pipeline_lock
from observatory.scheduler.clock import nightly_trigger
from observatory.scheduler.jobs import NIGHTLY_JOB, PRUNE_JOB, plan_catch_up, set_active_scheduler

logger = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"
NIGHTLY_JOB_ID = "nightly-pipeline"
CATCH_UP_JOB_ID = "nightly-catch-up"
HOUSEKEEPING_JOB_ID = "prune-run-records"
SCHEDULER_LOCK = "scheduler"


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
        NIGHTLY_JOB,
        trigger,
        id=NIGHTLY_JOB_ID,
        name="nightly pipeline (crawl, extract, rules, alerts)",
        kwargs={"trigger": "schedule"},
        replace_existing=True,
    )
    scheduler.add_job(
        PRUNE_JOB,
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
            NIGHTLY_JOB,
            "date",
            run_date=now,
            id=CATCH_UP_JOB_ID,
            name=f"catch-up of the run due at {missed.isoformat()}",
            kwargs={"trigger": "catch-up"},
            replace_existing=True,
        )
    scheduler.add_listener(_on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_EXECUTED)
    scheduler.add_listener(lambda _event: _log_jobs(scheduler), EVENT_SCHEDULER_STARTED)
    set_active_scheduler(scheduler)
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
