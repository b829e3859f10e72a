"""The pipeline lock across real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import Engine, insert, select

from db.base import utcnow
from db.models import PipelineLock
from kernel.errors import PipelineLockedError
from observatory import lock

HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from db.session import make_engine
    from observatory import lock
    handle = lock.acquire(make_engine(sys.argv[1]), heartbeat_seconds=0.2)
    print("held", flush=True)
    time.sleep(600)
    """
)


def _start_holder(database_url: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, database_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline() if proc.stdout else ""
    if line.strip() != "held":
        proc.kill()
        raise AssertionError(f"holder did not take the lock: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc


def _acquire_eventually(engine: Engine, attempts: int = 100) -> lock.PipelineLockHandle:
    """The server notices a dead client's connection asynchronously: retry briefly, then fail."""
    for _ in range(attempts):
        try:
            return lock.acquire(engine)
        except PipelineLockedError:
            time.sleep(0.1)
    return lock.acquire(engine)


def test_lock_held_by_another_process_refuses_then_is_recovered_after_kill(engine: Engine, database_url: str) -> None:
    proc = _start_holder(database_url)
    try:
        with pytest.raises(PipelineLockedError, match="another pipeline run holds the lock"):
            lock.acquire(engine)
        holder = lock.current_holder(engine)
        assert holder is not None and holder.pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
    handle = _acquire_eventually(engine)
    try:
        assert lock.read_holder(engine).pid == handle.pid
        if engine.dialect.name == "sqlite":
            assert handle.recovered_from and f"process {proc.pid}" in handle.recovered_from
    finally:
        handle.release()
    assert lock.read_holder(engine) is None


def test_second_acquire_in_same_process_is_refused_until_release(engine: Engine) -> None:
    first = lock.acquire(engine)
    with pytest.raises(PipelineLockedError):
        lock.acquire(engine)
    first.release()
    second = lock.acquire(engine)
    second.release()


def test_different_lock_names_do_not_block_each_other(engine: Engine) -> None:
    with lock.acquire(engine, "nightly"), lock.acquire(engine, "scheduler"):
        assert lock.read_holder(engine, "scheduler") is not None


def _insert_foreign_holder(engine: Engine, heartbeat_age: dt.timedelta) -> None:
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(PipelineLock).values(
                name="nightly",
                holder="other-host:4242:abcd",
                hostname="other-host",
                pid=4242,
                acquired_at=now - heartbeat_age - dt.timedelta(minutes=1),
                heartbeat_at=now - heartbeat_age,
            )
        )


def test_sqlite_row_of_another_machine_with_fresh_heartbeat_holds(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("on PostgreSQL the advisory lock, not the row, decides")
    _insert_foreign_holder(engine, dt.timedelta(seconds=5))
    with pytest.raises(PipelineLockedError, match="other-host pid 4242"):
        lock.acquire(engine, stale_after=dt.timedelta(minutes=15))


def test_stale_heartbeat_of_another_machine_is_recovered(engine: Engine, backend: str) -> None:
    _insert_foreign_holder(engine, dt.timedelta(hours=2))
    handle = lock.acquire(engine, stale_after=dt.timedelta(minutes=15))
    try:
        assert handle.recovered_from is not None
        with engine.connect() as conn:
            holder = conn.execute(select(PipelineLock.holder)).scalar_one()
        assert holder == handle.holder_id
    finally:
        handle.release()


def test_heartbeat_moves_while_held(engine: Engine) -> None:
    handle = lock.acquire(engine, heartbeat_seconds=0.05)
    try:
        first = lock.read_holder(engine).heartbeat_at
        for _ in range(100):
            time.sleep(0.05)
            if lock.read_holder(engine).heartbeat_at > first:
                break
        assert lock.read_holder(engine).heartbeat_at > first
    finally:
        handle.release()


def test_stale_reason_rules() -> None:
    now = utcnow()
    dead = lock.Holder("here", 999_999_999, now, now)
    alive = lock.Holder("here", __import__("os").getpid(), now, now)
    remote_old = lock.Holder("there", 1, now, now - dt.timedelta(hours=1))
    remote_fresh = lock.Holder("there", 1, now, now)
    stale = dt.timedelta(minutes=15)
    assert lock.stale_reason(dead, now=now, stale_after=stale, hostname="here")
    assert lock.stale_reason(alive, now=now, stale_after=stale, hostname="here") is None
    assert lock.stale_reason(remote_old, now=now, stale_after=stale, hostname="here")
    assert lock.stale_reason(remote_fresh, now=now, stale_after=stale, hostname="here") is None


def test_status_does_not_report_a_dead_holder_as_running(engine: Engine, database_url: str) -> None:
    proc = _start_holder(database_url)
    try:
        assert lock.current_holder(engine).pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
    for _ in range(100):  # PostgreSQL frees the advisory lock when it notices the closed connection
        if lock.current_holder(engine) is None:
            break
        time.sleep(0.1)
    assert lock.current_holder(engine) is None
    if engine.dialect.name == "sqlite":
        assert lock.read_holder(engine).pid == proc.pid  # the row stays until the next run recovers it
