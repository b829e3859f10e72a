"""`observatory schedule` as a real process: one catch-up after downtime, SIGTERM, restart without a
double run, and a second scheduler on the same database refused."""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import RunRecord
from db.session import session_scope

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


class Scheduler:
    """A running `observatory schedule` whose stderr lines are collected as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "observatory", "schedule"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, text: str, seconds: float = 90) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not logged; got:\n{''.join(self.seen)}")

    def stop(self, seconds: float = 90) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=seconds)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def _pipelines(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [
            (r.trigger, r.status)
            for r in session.scalars(select(RunRecord).where(RunRecord.stage == "pipeline").order_by(RunRecord.id))
        ]


def _wait_finished_pipeline(engine: Engine, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            done = session.scalar(
                select(func.count()).select_from(RunRecord).where(RunRecord.stage == "pipeline", RunRecord.finished_at.is_not(None))
            )
        if done:
            return
        time.sleep(0.3)
    raise AssertionError("the catch-up run did not finish")


def test_catch_up_once_sigterm_and_restart_without_double_run(engine: Engine, database_url: str, tmp_path: Path) -> None:
    due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # the night's run was due while we were down
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OBSERVATORY_DATA_DIR": str(tmp_path / "var"),
        "OBSERVATORY_OUTBOX": str(tmp_path / "outbox"),
        "OBSERVATORY_MAIL_BACKEND": "file",
        "OBSERVATORY_TIMEZONE": "UTC",
        "OBSERVATORY_NIGHTLY_CRON": f"{due.minute} {due.hour} * * *",
        "OBSERVATORY_NIGHTLY_SOURCES": "no_such_source",  # the crawl fails fast; the schedule is under test
    }
    first = Scheduler(env)
    try:
        first.wait_for("nightly-catch-up next")
        _wait_finished_pipeline(engine)
        # A second scheduler on the same job store is refused while the first runs.
        second = subprocess.run(
            [sys.executable, "-m", "observatory", "schedule"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 2 and "another `observatory schedule` is running" in second.stderr
    finally:
        code = first.stop()
    assert code == 0
    first.wait_for("scheduler stopped", seconds=10)
    assert _pipelines(engine) == [("catch-up", "partial")]

    restarted = Scheduler(env)
    try:
        line = restarted.wait_for("scheduler running with jobs")
        assert "nightly-pipeline next" in line and "nightly-catch-up" not in line
    finally:
        assert restarted.stop() == 0
    assert _pipelines(engine) == [("catch-up", "partial")]  # no double run after the restart


def test_observatory_run_stops_after_the_running_stage_on_sigterm(
    engine: Engine, database_url: str, tmp_path: Path, corpus_dir: Path
) -> None:
    from replay.sites import replay_server

    with replay_server(corpus_dir) as server:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "OBSERVATORY_DATA_DIR": str(tmp_path / "var"),
            "OBSERVATORY_OUTBOX": str(tmp_path / "outbox"),
            "SOURCE_BASE_URL_TED": server.url("ted"),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "observatory", "run", "--source", "ted", "--force", "--from-date", "2019-01-01"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert proc.stderr is not None
        for line in proc.stderr:  # wait until the crawl stage is under way, then stop it as systemd would
            if "crawl ted: starting" in line:
                proc.send_signal(signal.SIGTERM)
                break
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err[-2000:]
    assert "interrupted" in out
    with session_scope(engine) as session:
        run = session.scalars(select(RunRecord).where(RunRecord.stage == "pipeline")).one()
        stages = {r.stage: (r.status, r.note) for r in session.scalars(select(RunRecord).where(RunRecord.parent_id == run.id))}
    assert run.status == "interrupted"
    assert stages["crawl"][0] == "ok"  # the running stage was allowed to finish
    assert {stages[s] for s in ("extract", "rules", "alerts")} == {("skipped", "stop requested (SIGTERM)")}
