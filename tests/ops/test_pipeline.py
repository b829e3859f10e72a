"""The pipeline's orchestration: run records, a failing stage, SIGTERM between stages, the lock."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import RunRecord
from db.session import session_scope
from kernel.errors import PipelineLockedError
from kernel.settings import get_settings
from observatory import lock, pipeline
from observatory.pipeline import StageContext, StageResult, pipeline_status, run_nightly


@pytest.fixture(autouse=True)
def _no_leftover_stop() -> None:
    pipeline.clear_stop()
    yield
    pipeline.clear_stop()


def _ok(counts: dict[str, int]):
    def stage(ctx: StageContext) -> StageResult:
        return StageResult(counts=counts)

    return stage


def _boom(ctx: StageContext) -> StageResult:
    raise RuntimeError("portal answered 500 to every page")


def _records(engine: Engine, parent_id: int) -> dict[str, RunRecord]:
    with session_scope(engine) as session:
        rows = session.scalars(select(RunRecord).where(RunRecord.parent_id == parent_id).order_by(RunRecord.id)).all()
        for row in rows:
            session.expunge(row)
    return {r.stage: r for r in rows}


def test_a_failing_stage_is_recorded_and_the_next_stages_still_run(engine: Engine, settings_env: Path) -> None:
    stages = [
        ("crawl", _ok({"notices_new": 3})),
        ("extract", _boom),
        ("rules", _ok({"findings_written": 2})),
        ("alerts", _ok({"emails_sent": 1})),
    ]
    report = run_nightly(get_settings(), trigger="test", stages=stages, engine=engine)
    assert [s.status for s in report.stages] == ["ok", "failed", "ok", "ok"]
    assert report.status == "partial"
    records = _records(engine, report.run_id)
    assert list(records) == ["crawl", "extract", "rules", "alerts"]
    assert records["extract"].status == "failed"
    assert "RuntimeError: portal answered 500" in records["extract"].errors[0]["reason"]
    assert records["rules"].counts == {"findings_written": 2}
    assert all(r.finished_at is not None and r.finished_at >= r.started_at for r in records.values())
    with session_scope(engine) as session:
        parent = session.get(RunRecord, report.run_id)
        assert parent.stage == "pipeline" and parent.trigger == "test" and parent.status == "partial"
        assert parent.counts["crawl.notices_new"] == 3 and parent.counts["alerts.emails_sent"] == 1
        assert parent.errors == [{"stage": "extract", "reason": "RuntimeError: portal answered 500 to every page"}]
    assert lock.read_holder(engine) is None  # released


def test_sigterm_stops_the_run_between_stages(engine: Engine, settings_env: Path) -> None:
    ran: list[str] = []

    def crawl(ctx: StageContext) -> StageResult:
        os.kill(os.getpid(), signal.SIGTERM)  # what systemd sends on stop, in the middle of a stage
        ran.append("crawl")
        return StageResult(counts={"notices_new": 1})

    def later(ctx: StageContext) -> StageResult:
        ran.append("later")
        return StageResult()

    restore = pipeline.install_stop_handler()
    try:
        report = run_nightly(
            get_settings(), trigger="test", engine=engine,
            stages=[("crawl", crawl), ("extract", later), ("rules", later), ("alerts", later)],
        )
    finally:
        restore()
    assert ran == ["crawl"]  # the running stage finished; nothing after it started
    assert report.status == "interrupted"
    assert [(s.name, s.status) for s in report.stages] == [
        ("crawl", "ok"), ("extract", "skipped"), ("rules", "skipped"), ("alerts", "skipped")
    ]
    records = _records(engine, report.run_id)
    assert records["rules"].note == "stop requested (SIGTERM)"


def test_a_second_pipeline_is_refused_while_the_lock_is_held(engine: Engine, settings_env: Path) -> None:
    with lock.acquire(engine):
        with pytest.raises(PipelineLockedError):
            run_nightly(get_settings(), trigger="test", stages=[("crawl", _ok({}))], engine=engine)
    with session_scope(engine) as session:
        assert session.scalars(select(RunRecord)).all() == []  # a refused run writes nothing


def test_records_left_running_by_a_dead_run_are_closed_by_the_next(engine: Engine, settings_env: Path) -> None:
    with session_scope(engine) as session:
        dead = RunRecord(stage="pipeline", trigger="schedule", status="running", counts={}, errors=[])
        session.add(dead)
        session.flush()
        stage = RunRecord(stage="crawl", parent_id=dead.id, status="running", counts={}, errors=[])
        session.add(stage)
        session.flush()
        session.add(RunRecord(stage="crawl", parent_id=stage.id, source_code="ted", status="running", counts={}, errors=[]))
        # A crawl started by hand outside any pipeline keeps running.
        session.add(RunRecord(stage="crawl", source_code="anac_pvl", status="running", counts={}, errors=[]))
    run_nightly(get_settings(), trigger="test", stages=[("crawl", _ok({}))], engine=engine)
    with session_scope(engine) as session:
        statuses = {(r.stage, r.source_code, r.parent_id is None): r.status for r in session.scalars(select(RunRecord))}
    assert statuses[("crawl", "ted", False)] == "interrupted"
    assert statuses[("crawl", None, False)] in ("interrupted", "ok")  # old stage interrupted, new one ok
    assert statuses[("crawl", "anac_pvl", True)] == "running"


def test_unavailable_stage_is_skipped_with_its_reason(engine: Engine, settings_env: Path) -> None:
    def missing(ctx: StageContext) -> StageResult:
        pipeline.import_stage("observatory.no_such_stage", "run")
        raise AssertionError("unreachable")

    report = run_nightly(get_settings(), trigger="test", stages=[("rules", missing)], engine=engine)
    assert report.stages[0].status == "skipped"
    assert report.stages[0].note == "not available: observatory.no_such_stage is not installed"
    assert report.status == "skipped"


@pytest.mark.parametrize(
    ("statuses", "stopped", "expected"),
    [
        (["ok", "ok", "ok", "ok"], False, "ok"),
        (["partial", "ok", "ok", "ok"], False, "partial"),
        (["failed", "ok", "ok", "ok"], False, "partial"),
        (["failed", "failed", "skipped", "failed"], False, "failed"),
        (["ok", "skipped", "skipped", "skipped"], True, "interrupted"),
        (["skipped"] * 4, False, "skipped"),
    ],
)
def test_pipeline_status(statuses: list[str], stopped: bool, expected: str) -> None:
    assert pipeline_status(statuses, stopped=stopped) == expected


def test_a_source_outside_its_visit_window_is_not_crawled_and_says_why(engine: Engine, settings_env: Path) -> None:
    noon = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)  # START Toscana allows 23:00-04:00 only
    report = run_nightly(
        get_settings(), trigger="test", engine=engine, sources=["start_toscana"], crawl_options={"now": noon},
        stages=[pipeline.STAGES[0]],
    )
    crawl = report.stages[0]
    assert crawl.status == "ok" and crawl.counts["sources_skipped"] == 1
    assert crawl.note.startswith("not crawled: start_toscana (outside visit window 23:00-04:00")
    assert _records(engine, crawl.run_id) == {}  # no crawl process was started
