"""Run records (one per pipeline run and one per stage/source) and the pipeline lock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in, utcnow

RUN_STAGES = ("pipeline", "crawl", "extract", "rules", "alerts", "other")
RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted", "skipped")


class RunRecord(Base):
    __tablename__ = "run_record"
    __table_args__ = (
        CheckConstraint(check_in("stage", RUN_STAGES), name="stage"),
        CheckConstraint(check_in("status", RUN_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("run_record.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    source_code: Mapped[str | None] = mapped_column(String(64), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    # e.g. {"notices_new": 3, "notices_changed": 1, "documents_retrieved": 5, "documents_failed": 1}
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # [{"reason": "...", "url": "...", "notice": ..., "document": ...}]
    errors: Mapped[list[Any]] = mapped_column(default=list)
    trigger: Mapped[str | None] = mapped_column(String(32))  # cli, schedule, catch-up, retry, demo
    note: Mapped[str | None] = mapped_column(Text)


class PipelineLock(Base):
    """The SQLite lock row (PostgreSQL uses an advisory lock and records the holder here too)."""

    __tablename__ = "pipeline_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))  # hostname:pid:token
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
