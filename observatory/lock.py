"""The pipeline lock: two nightly pipelines never overlap, across processes and machines.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated connection.
The server releases it when that connection dies, so a killed process can never leave it behind.
The holder is also written to the `pipeline_lock` row, for `observatory status` and error messages.

SQLite: the `pipeline_lock` row *is* the lock. Inserting it takes the lock (primary key); a row left by
a killed process is recovered when its holder is provably dead (same host, pid no longer running) or
when its heartbeat, refreshed by a background thread while the lock is held, is older than
`stale_after` (holder on another machine, or a frozen process). Recovery is a compare-and-swap on the
old holder, so two processes recovering the same stale row cannot both win.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from db.base import utcnow
from db.models import PipelineLock
from kernel.errors import PipelineLockedError

logger = logging.getLogger(__name__)

NIGHTLY = "nightly"
HEARTBEAT_SECONDS = 30.0


@dataclass(frozen=True)
class Holder:
    hostname: str
    pid: int
    acquired_at: dt.datetime
    heartbeat_at: dt.datetime

    def describe(self) -> str:
        return (
            f"{self.hostname} pid {self.pid} since {self.acquired_at:%Y-%m-%d %H:%M:%S}Z "
            f"(heartbeat {self.heartbeat_at:%H:%M:%S}Z)"
        )


def pid_is_running(pid: int) -> bool:
    """True when a process with this pid exists on this machine (signal 0 checks without signalling)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def stale_reason(holder: Holder, *, now: dt.datetime, stale_after: dt.timedelta, hostname: str) -> str | None:
    """Why a recorded holder can be presumed dead, or None when it may still be running."""
    if holder.hostname == hostname and not pid_is_running(holder.pid):
        return f"process {holder.pid} on {hostname} is no longer running"
    if now - holder.heartbeat_at > stale_after:
        return f"no heartbeat since {holder.heartbeat_at:%Y-%m-%d %H:%M:%S}Z"
    return None


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, derived from the lock name."""
    return int.from_bytes(hashlib.sha256(f"observatory:{name}".encode()).digest()[:8], "big", signed=True)


def read_holder(engine: Engine, name: str = NIGHTLY) -> Holder | None:
    with engine.connect() as conn:
        row = conn.execute(select(PipelineLock).where(PipelineLock.name == name)).one_or_none()
    if row is None:
        return None
    return Holder(row.hostname, row.pid, row.acquired_at, row.heartbeat_at)


def current_holder(
    engine: Engine, name: str = NIGHTLY, *, stale_after: dt.timedelta = dt.timedelta(minutes=15)
) -> Holder | None:
    """The live holder, as `observatory status` reports it: on PostgreSQL only if the advisory lock is
    taken; on SQLite not a row left by a dead process (the next run recovers it)."""
    holder = read_holder(engine, name)
    if holder is None:
        return None
    if engine.dialect.name != "postgresql":
        dead = stale_reason(holder, now=utcnow(), stale_after=stale_after, hostname=socket.gethostname())
        return None if dead else holder
    with engine.connect() as conn:
        taken = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                "AND ((classid::bigint << 32) | objid::bigint) = :key"
            ),
            {"key": _advisory_key(name)},
        ).scalar_one()
    return holder if taken else None


class PipelineLockHandle:
    """A held lock: refreshes its heartbeat until released. Use `acquire()` as a context manager."""

    def __init__(
        self,
        engine: Engine,
        name: str = NIGHTLY,
        *,
        stale_after: dt.timedelta = dt.timedelta(minutes=15),
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.engine = engine
        self.name = name
        self.stale_after = stale_after
        self.heartbeat_seconds = heartbeat_seconds
        self.hostname = socket.gethostname()
        self.pid = os.getpid()
        self.holder_id = f"{self.hostname}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self._pg_conn: Connection | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.recovered_from: str | None = None  # why a stale holder was replaced, when one was
        self.held = False

    # -- acquire / release -------------------------------------------------------------------------
    def acquire(self) -> PipelineLockHandle:
        if self.engine.dialect.name == "postgresql":
            self._acquire_advisory()
        else:
            self._acquire_row()
        self._thread = threading.Thread(target=self._beat, name=f"lock-heartbeat-{self.name}", daemon=True)
        self._thread.start()
        self.held = True
        logger.info("pipeline lock %s acquired by %s", self.name, self.holder_id)
        return self

    def release(self) -> None:
        self.held = False
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    delete(PipelineLock).where(PipelineLock.name == self.name, PipelineLock.holder == self.holder_id)
                )
        finally:
            if self._pg_conn is not None:
                try:
                    self._pg_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _advisory_key(self.name)})
                finally:
                    self._pg_conn.close()
                    self._pg_conn = None
        logger.info("pipeline lock %s released by %s", self.name, self.holder_id)

    def __enter__(self) -> PipelineLockHandle:
        return self if self.held else self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- PostgreSQL --------------------------------------------------------------------------------
    def _acquire_advisory(self) -> None:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _advisory_key(self.name)}).scalar_one()
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            holder = read_holder(self.engine, self.name)
            raise PipelineLockedError(self._locked_message(holder))
        self._pg_conn = conn
        # We own the advisory lock, so any recorded holder is a leftover: overwrite it.
        try:
            with self.engine.begin() as tx:
                previous = tx.execute(select(PipelineLock.holder).where(PipelineLock.name == self.name)).scalar()
                if previous is not None:
                    self.recovered_from = f"lock row of {previous} left behind (advisory lock was free)"
                    tx.execute(delete(PipelineLock).where(PipelineLock.name == self.name))
                tx.execute(insert(PipelineLock).values(**self._row_values()))
        except Exception:
            self.release()
            raise

    # -- SQLite --------------------------------------------------------------------------------------
    def _acquire_row(self) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(PipelineLock).values(**self._row_values()))
            return
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            row = conn.execute(select(PipelineLock).where(PipelineLock.name == self.name)).one_or_none()
            if row is None:  # released between our insert and this read: try once more
                conn.execute(insert(PipelineLock).values(**self._row_values()))
                return
            holder = Holder(row.hostname, row.pid, row.acquired_at, row.heartbeat_at)
            reason = stale_reason(holder, now=utcnow(), stale_after=self.stale_after, hostname=self.hostname)
            if reason is None:
                raise PipelineLockedError(self._locked_message(holder))
            taken = conn.execute(
                update(PipelineLock)
                .where(PipelineLock.name == self.name, PipelineLock.holder == row.holder)
                .values(**self._row_values())
            ).rowcount
        if taken != 1:
            raise PipelineLockedError(f"pipeline lock {self.name!r}: another process recovered it first")
        self.recovered_from = f"stale lock of {row.holder} recovered: {reason}"
        logger.warning("pipeline lock %s: %s", self.name, self.recovered_from)

    # -- shared --------------------------------------------------------------------------------------
    def _row_values(self) -> dict[str, object]:
        now = utcnow()
        return {
            "name": self.name,
            "holder": self.holder_id,
            "hostname": self.hostname,
            "pid": self.pid,
            "acquired_at": now,
            "heartbeat_at": now,
        }

    def _locked_message(self, holder: Holder | None) -> str:
        who = holder.describe() if holder else "another process"
        return f"another pipeline run holds the lock {self.name!r}: {who}"

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        update(PipelineLock)
                        .where(PipelineLock.name == self.name, PipelineLock.holder == self.holder_id)
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:  # noqa: BLE001 - a missed beat is logged; the next one retries
                logger.warning("pipeline lock %s: heartbeat failed", self.name, exc_info=True)


def acquire(
    engine: Engine,
    name: str = NIGHTLY,
    *,
    stale_after: dt.timedelta = dt.timedelta(minutes=15),
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
) -> PipelineLockHandle:
    """Take the lock or raise PipelineLockedError naming the holder; release with `.release()` or `with`."""
    return PipelineLockHandle(
        engine, name, stale_after=stale_after, heartbeat_seconds=heartbeat_seconds
    ).acquire()
