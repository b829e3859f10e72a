"""The nightly schedule on a controlled clock: DST, misfire and catch-up policy, the job store, firing."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, select

from db.models import RunRecord
from db.session import session_scope
from kernel.errors import ConfigurationError
from kernel.settings import get_settings, load_settings
from observatory import lock as pipeline_lock
from observatory import pipeline
from observatory.scheduler import (
    CATCH_UP_JOB_ID,
    HOUSEKEEPING_JOB_ID,
    NIGHTLY_JOB_ID,
    RETRY_JOB_ID,
    build_scheduler,
    fire_times,
    last_due,
    nightly_job,
    nightly_trigger,
    plan_catch_up,
    plan_lock_retry,
    prune_run_records,
    scheduled_jobs,
)

ROME = ZoneInfo("Europe/Rome")
DEFAULT_CRON = "30 3 * * *"


def _fires(cron: str, start: dt.datetime, end: dt.datetime, tz: str = "Europe/Rome") -> list[dt.datetime]:
    trigger = nightly_trigger(cron, tz) if cron == DEFAULT_CRON else _raw(cron, tz)
    return list(itertools.takewhile(lambda when: when < end, fire_times(trigger, start)))


def _raw(cron: str, tz: str):  # the trigger without our DST refusal, to show what it protects from
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(cron, timezone=ZoneInfo(tz))


def test_default_cron_is_the_documented_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OBSERVATORY_NIGHTLY_CRON", raising=False)
    assert load_settings().nightly_cron == DEFAULT_CRON


@pytest.mark.parametrize(
    ("label", "start"),
    [("october fall back", dt.datetime(2026, 10, 23, tzinfo=ROME)), ("march spring forward", dt.datetime(2026, 3, 27, tzinfo=ROME))],
)
def test_default_time_fires_exactly_once_per_night_across_dst(label: str, start: dt.datetime) -> None:
    fires = _fires(DEFAULT_CRON, start, start + dt.timedelta(days=5))
    local = [f.astimezone(ROME) for f in fires]
    assert [d.date() for d in local] == [(start + dt.timedelta(days=i)).date() for i in range(5)], label
    assert {(d.hour, d.minute) for d in local} == {(3, 30)}
    # Consecutive runs are 23, 24 or 25 hours apart in UTC: never twice a night, never a night skipped.
    gaps = {(b - a).total_seconds() / 3600 for a, b in zip(fires, fires[1:], strict=False)}
    assert gaps <= {23.0, 24.0, 25.0}


def test_a_0230_daily_job_would_fire_twice_in_october_and_is_refused() -> None:
    october = _fires("30 2 * * *", dt.datetime(2026, 10, 25, tzinfo=ROME), dt.datetime(2026, 10, 26, tzinfo=ROME))
    assert len(october) == 2  # what the refusal protects from (APScheduler's documented behaviour)
    with pytest.raises(ConfigurationError, match="02:30.*daylight-saving"):
        nightly_trigger("30 2 * * *", "Europe/Rome")
    with pytest.raises(ConfigurationError, match="02:00"):
        nightly_trigger("0 * * * *", "Europe/Rome")


def test_the_same_time_in_utc_is_accepted_and_bad_crons_are_clear_errors() -> None:
    assert nightly_trigger("30 2 * * *", "UTC") is not None
    assert nightly_trigger("0 1 * * *", "Europe/Rome") is not None
    with pytest.raises(ConfigurationError, match="5-field cron"):
        nightly_trigger("every night", "Europe/Rome")
    with pytest.raises(ConfigurationError, match="unknown time zone"):
        nightly_trigger(DEFAULT_CRON, "Europe/Nowhere")


def test_last_due() -> None:
    trigger = nightly_trigger(DEFAULT_CRON, "Europe/Rome")
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=ROME)
    assert last_due(trigger, now) == dt.datetime(2026, 11, 23, 3, 30, tzinfo=ROME)
    early = dt.datetime(2026, 11, 23, 3, 0, tzinfo=ROME)
    assert last_due(trigger, early) == dt.datetime(2026, 11, 22, 3, 30, tzinfo=ROME)


def _pipeline_record(engine: Engine, started: dt.datetime, *, trigger: str = "schedule", status: str = "ok", scope="all") -> None:
    with session_scope(engine) as session:
        session.add(
            RunRecord(stage="pipeline", trigger=trigger, status=status, started_at=started, finished_at=started, counts={"scope": scope})
        )


def test_catch_up_policy(engine: Engine) -> None:
    trigger = nightly_trigger(DEFAULT_CRON, "Europe/Rome")
    grace = dt.timedelta(hours=12)
    due = dt.datetime(2026, 11, 23, 3, 30, tzinfo=ROME)
    with session_scope(engine) as session:
        # Down since before last night: one catch-up for the latest due time (not one per night).
        assert plan_catch_up(session, trigger, due + dt.timedelta(hours=2), grace) == due
        # Beyond the grace time: the next night is near, nothing now.
        assert plan_catch_up(session, trigger, due + dt.timedelta(hours=13), grace) is None
    # Several nights missed: still the one latest due time.
    _pipeline_record(engine, due - dt.timedelta(days=3))
    with session_scope(engine) as session:
        assert plan_catch_up(session, trigger, due + dt.timedelta(minutes=40), grace) == due
    # A manual run of two sources does not stand in for the night ...
    _pipeline_record(engine, due + dt.timedelta(minutes=5), trigger="cli", scope=["anac_pvl", "ted"])
    with session_scope(engine) as session:
        assert plan_catch_up(session, trigger, due + dt.timedelta(minutes=40), grace) == due
    # ... an interrupted run is caught up ...
    _pipeline_record(engine, due + dt.timedelta(minutes=6), status="interrupted")
    with session_scope(engine) as session:
        assert plan_catch_up(session, trigger, due + dt.timedelta(minutes=40), grace) == due
    # ... and once the night's run happened, a restart catches nothing up.
    _pipeline_record(engine, due + dt.timedelta(seconds=1))
    with session_scope(engine) as session:
        assert plan_catch_up(session, trigger, due + dt.timedelta(minutes=40), grace) is None


class DeclareOnlyScheduler(BackgroundScheduler):
    """Writes its jobs to the store on start but never runs one: for tests of what gets declared."""

    def _process_jobs(self):  # noqa: ANN202 - APScheduler internals
        return None


@pytest.fixture
def scheduler_env(settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The nightly job of these tests crawls a source code no spider has: the crawl is quick and fails.
    monkeypatch.setenv("OBSERVATORY_NIGHTLY_SOURCES", "no_such_source")
    get_settings.cache_clear()
    pipeline.clear_stop()
    return settings_env


def test_jobs_in_the_store_have_explicit_ids_and_policy_and_a_restart_adds_no_copy(engine: Engine, scheduler_env: Path) -> None:
    settings = get_settings()
    now = dt.datetime(2026, 11, 23, 18, 0, tzinfo=ROME)  # last due 03:30, beyond 12 h grace: no catch-up
    for _ in range(2):  # start, stop, start again on the same job store
        scheduler = build_scheduler(settings, engine, scheduler_class=DeclareOnlyScheduler, now=now)
        scheduler.start()
        jobs = {job.id: job for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=False)
    assert set(jobs) == {NIGHTLY_JOB_ID, HOUSEKEEPING_JOB_ID}
    nightly = jobs[NIGHTLY_JOB_ID]
    assert nightly.coalesce is True and nightly.max_instances == 1
    assert nightly.misfire_grace_time == settings.misfire_grace_hours * 3600 >= 3600
    assert nightly.func_ref == "observatory.scheduler.jobs:nightly_job"
    assert str(nightly.trigger.timezone) == "Europe/Rome"
    stored = scheduled_jobs(engine)
    assert sorted(j["id"] for j in stored) == sorted([NIGHTLY_JOB_ID, HOUSEKEEPING_JOB_ID])


def test_catch_up_job_is_declared_once_when_a_night_was_missed(engine: Engine, scheduler_env: Path) -> None:
    settings = get_settings()
    now = dt.datetime(2026, 11, 23, 7, 0, tzinfo=ROME)
    for _ in range(2):  # two restarts before it ran: still one catch-up job
        scheduler = build_scheduler(settings, engine, scheduler_class=DeclareOnlyScheduler, now=now)
        scheduler.start()
        ids = sorted(job.id for job in scheduler.get_jobs())
        scheduler.shutdown(wait=False)
    assert ids == sorted([NIGHTLY_JOB_ID, HOUSEKEEPING_JOB_ID, CATCH_UP_JOB_ID])
    _pipeline_record(engine, now)  # the catch-up ran (or someone ran the pipeline by hand)
    scheduler = build_scheduler(settings, engine, scheduler_class=DeclareOnlyScheduler, now=now + dt.timedelta(minutes=5))
    scheduler.start()
    assert CATCH_UP_JOB_ID not in {job.id for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)


def _wait_for_pipeline(engine: Engine, trigger: str, seconds: float = 60) -> RunRecord | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            record = session.scalars(
                select(RunRecord).where(RunRecord.stage == "pipeline", RunRecord.trigger == trigger, RunRecord.finished_at.is_not(None))
            ).first()
            if record is not None:
                session.expunge(record)
                return record
        time.sleep(0.2)
    return None


def test_running_scheduler_fires_the_nightly_job_at_0330_rome(engine: Engine, scheduler_env: Path) -> None:
    settings = get_settings()
    # The night before was run, so only the 03:30 job itself can produce a "schedule" run.
    _pipeline_record(engine, dt.datetime(2026, 11, 23, 3, 30, 5, tzinfo=ROME), trigger="catch-up")
    start = dt.datetime(2026, 11, 24, 3, 29, 57, tzinfo=ROME)
    with time_machine.travel(start, tick=True):
        scheduler = build_scheduler(settings, engine, scheduler_class=BackgroundScheduler)
        scheduler.start()
        try:
            record = _wait_for_pipeline(engine, "schedule")
        finally:
            scheduler.shutdown(wait=True)
    assert record is not None, "the nightly job did not fire"
    fired = record.started_at.astimezone(ROME)
    assert (fired.date(), fired.hour, fired.minute) == (dt.date(2026, 11, 24), 3, 30)
    assert record.counts["scope"] == ["no_such_source"]


def test_prune_run_records_removes_whole_old_trees(engine: Engine) -> None:
    old = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    new = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        parent = RunRecord(stage="pipeline", status="ok", started_at=old, counts={}, errors=[])
        session.add(parent)
        session.flush()
        stage = RunRecord(stage="crawl", parent_id=parent.id, status="ok", started_at=old, counts={}, errors=[])
        session.add(stage)
        session.flush()
        session.add(RunRecord(stage="crawl", parent_id=stage.id, source_code="x", status="ok", started_at=old, counts={}, errors=[]))
        session.add(RunRecord(stage="pipeline", status="ok", started_at=new, counts={}, errors=[]))
    with session_scope(engine) as session:
        assert prune_run_records(session, older_than=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)) == 3
    with session_scope(engine) as session:
        left = session.scalars(select(RunRecord)).all()
        assert [(r.stage, r.started_at) for r in left] == [("pipeline", new)]


def test_a_run_killed_with_the_scheduler_is_caught_up_after_restart(engine: Engine, scheduler_env: Path) -> None:
    due = dt.datetime(2026, 11, 23, 3, 30, tzinfo=ROME)
    # kill -9 during last night's run: its record still says running, and nobody holds the lock.
    _pipeline_record(engine, due + dt.timedelta(seconds=2), status="running")
    scheduler = build_scheduler(get_settings(), engine, scheduler_class=DeclareOnlyScheduler, now=due + dt.timedelta(hours=1))
    scheduler.start()
    ids = {job.id for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert CATCH_UP_JOB_ID in ids
    with session_scope(engine) as session:
        assert session.scalars(select(RunRecord.status)).all() == ["interrupted"]


def test_lock_retry_stays_within_the_grace_time() -> None:
    due = dt.datetime(2026, 11, 23, 3, 30, tzinfo=ROME)
    retry, grace = dt.timedelta(minutes=20), dt.timedelta(hours=12)
    assert plan_lock_retry(due, due, retry=retry, grace=grace) == due + retry
    assert plan_lock_retry(due, due + dt.timedelta(hours=11, minutes=40), retry=retry, grace=grace) == due + grace
    assert plan_lock_retry(due, due + dt.timedelta(hours=11, minutes=41), retry=retry, grace=grace) is None


def _pipeline_runs(engine: Engine) -> list[str | None]:
    with session_scope(engine) as session:
        return list(session.scalars(select(RunRecord.trigger).where(RunRecord.stage == "pipeline").order_by(RunRecord.id)))


def _refused_at_0330(engine: Engine) -> tuple[BackgroundScheduler, dict[str, str]]:
    """A manual `observatory run` holds the lock when the nightly job fires: the job's retry kwargs."""
    settings = get_settings()
    scheduler = build_scheduler(settings, engine, scheduler_class=DeclareOnlyScheduler,
                                now=dt.datetime.now(ROME).replace(hour=3, minute=30) + dt.timedelta(days=1))
    scheduler.start()
    with pipeline_lock.acquire(engine):
        nightly_job("schedule")
    assert _pipeline_runs(engine) == []  # refused: nothing ran ...
    retry = scheduler.get_job(RETRY_JOB_ID)  # ... and a retry is declared, carrying the due time
    assert retry is not None and retry.kwargs["trigger"] == "retry"
    wait = retry.next_run_time - dt.datetime.fromisoformat(retry.kwargs["due"])
    minutes = settings.lock_retry_minutes
    assert dt.timedelta(minutes=minutes - 1) < wait <= dt.timedelta(minutes=minutes + 1)
    return scheduler, dict(retry.kwargs)


def test_a_run_refused_by_a_partial_manual_run_is_retried(engine: Engine, scheduler_env: Path) -> None:
    scheduler, kwargs = _refused_at_0330(engine)
    try:
        due = dt.datetime.fromisoformat(kwargs["due"])
        _pipeline_record(engine, due - dt.timedelta(minutes=5), trigger="cli", scope=["one_source"])
        nightly_job(**kwargs)
        assert _pipeline_runs(engine) == ["cli", "retry"]
    finally:
        scheduler.shutdown(wait=False)


def test_the_retry_is_dropped_when_a_full_manual_run_covered_the_night(engine: Engine, scheduler_env: Path) -> None:
    scheduler, kwargs = _refused_at_0330(engine)
    try:
        due = dt.datetime.fromisoformat(kwargs["due"])
        _pipeline_record(engine, due - dt.timedelta(minutes=5), trigger="cli", scope="all")
        with session_scope(engine) as session:  # it was still running at the due time
            session.execute(RunRecord.__table__.update().values(finished_at=due + dt.timedelta(minutes=30)))
        nightly_job(**kwargs)
        assert _pipeline_runs(engine) == ["cli"]
    finally:
        scheduler.shutdown(wait=False)


def test_a_0230_job_on_days_without_a_dst_change_is_accepted() -> None:
    # European DST changes fall on Sundays: 02:30 on weekdays only never meets one ...
    assert nightly_trigger("30 2 * * 1-5", "Europe/Rome") is not None
    # ... nor on the 1st of the month (the last Sunday of March/October is never the 1st).
    assert nightly_trigger("30 2 1 * *", "Europe/Rome") is not None
    # Sundays do meet them: 0 and 7 are Sunday as in crontab(5) (APScheduler alone reads 0 as Monday).
    for sunday in ("0", "7", "sun", "5-0", "6,7"):
        with pytest.raises(ConfigurationError, match="02:30"):
            nightly_trigger(f"30 2 * * {sunday}", "Europe/Rome")


@pytest.mark.parametrize(("weekday", "days"), [
    ("0", {"Sunday"}), ("7", {"Sunday"}), ("1-5", {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}),
    ("fri-mon", {"Friday", "Saturday", "Sunday", "Monday"}), ("*/3", {"Sunday", "Wednesday", "Saturday"}),
    ("*", {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}),
])
def test_weekdays_mean_what_crontab_says(weekday: str, days: set[str]) -> None:
    trigger = nightly_trigger(f"30 3 * * {weekday}", "Europe/Rome")
    fired = {when.strftime("%A") for when in itertools.islice(fire_times(trigger, dt.datetime(2026, 11, 23, tzinfo=ROME)), 14)}
    assert fired == days


def test_a_bad_weekday_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="5-field cron"):
        nightly_trigger("30 3 * * funday", "Europe/Rome")
