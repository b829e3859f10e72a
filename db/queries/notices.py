"""Notices: idempotent recording with versions, lots and document rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Document, Lot, Notice
from db.queries.hashing import stable_hash
from db.queries.upsert import dialect_insert

# Fields whose change makes a new version of a notice (the rest is bookkeeping).
CONTENT_FIELDS = (
    "notice_type", "procedure_key", "title", "description", "procedure", "award_criterion", "cpv",
    "cpv_label", "cig", "amount", "currency", "published_on", "deadline_at", "url", "documents_url",
    "place_nuts", "place_istat_comune", "place_istat_region",
)


@dataclass
class NoticeData:
    """What a crawler knows of one notice; only `source_notice_id` and `title` are required."""

    source_notice_id: str
    title: str
    notice_type: str | None = None
    procedure_key: str | None = None
    description: str | None = None
    procedure: str | None = None
    award_criterion: str | None = None
    cpv: str | None = None
    cpv_label: str | None = None
    cig: str | None = None
    amount: Decimal | None = None
    currency: str = "EUR"
    published_on: dt.date | None = None
    deadline_at: dt.datetime | None = None
    url: str | None = None
    documents_url: str | None = None
    authority_id: int | None = None
    place_nuts: str | None = None
    place_istat_comune: str | None = None
    place_istat_region: str | None = None
    in_scope: bool = False
    scope_reason: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def content(self) -> dict[str, Any]:
        content = {name: getattr(self, name) for name in CONTENT_FIELDS}
        content["authority_id"] = self.authority_id
        return content


@dataclass(frozen=True)
class RecordedNotice:
    notice: Notice
    status: str  # "new", "changed" or "unchanged"


def current_notice(session: Session, source_id: int, source_notice_id: str) -> Notice | None:
    return session.scalars(
        select(Notice).where(
            Notice.source_id == source_id,
            Notice.source_notice_id == source_notice_id,
            Notice.is_current.is_(True),
        )
    ).one_or_none()


def record_notice(session: Session, source_id: int, data: NoticeData) -> RecordedNotice:
    """Write a notice once: unchanged content touches `last_seen_at`; changed content adds a version."""
    content_hash = stable_hash(data.content())
    now = utcnow()
    existing = current_notice(session, source_id, data.source_notice_id)
    if existing is not None and existing.content_hash == content_hash:
        existing.last_seen_at = now
        # Scope can be widened by configuration without the content changing.
        existing.in_scope, existing.scope_reason = data.in_scope, data.scope_reason
        return RecordedNotice(existing, "unchanged")

    version = 1 if existing is None else existing.version + 1
    values: dict[str, Any] = {
        **data.content(),
        "source_id": source_id,
        "source_notice_id": data.source_notice_id,
        "version": version,
        "is_current": True,
        "previous_version_id": existing.id if existing else None,
        "content_hash": content_hash,
        "in_scope": data.in_scope,
        "scope_reason": data.scope_reason,
        "raw": data.raw,
        "first_seen_at": existing.first_seen_at if existing else now,
        "last_seen_at": now,
        "created_at": now,
        "updated_at": now,
    }
    if existing is not None:
        session.execute(update(Notice).where(Notice.id == existing.id).values(is_current=False))
    # ON CONFLICT DO NOTHING: a concurrent writer that recorded the same version first wins.
    stmt = dialect_insert(session, Notice.__table__).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["source_id", "source_notice_id", "version"])
    session.execute(stmt)
    if existing is not None:
        session.refresh(existing)
    notice = session.scalars(
        select(Notice)
        .where(
            Notice.source_id == source_id,
            Notice.source_notice_id == data.source_notice_id,
            Notice.version == version,
        )
        .execution_options(populate_existing=True)
    ).one()
    return RecordedNotice(notice, "new" if existing is None else "changed")


def upsert_lot(session: Session, notice_id: int, lot_key: str, **fields: Any) -> None:
    values = {"notice_id": notice_id, "lot_key": lot_key, **fields}
    now = utcnow()
    stmt = dialect_insert(session, Lot.__table__).values(**values, created_at=now, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["notice_id", "lot_key"],
        set_={**{k: stmt.excluded[k] for k in fields}, "updated_at": now},
    )
    session.execute(stmt)


def upsert_document(session: Session, notice_id: int, url: str, **fields: Any) -> Document:
    """Create the document row of a notice once; later calls update only the fields they give."""
    now = utcnow()
    stmt = dialect_insert(session, Document.__table__).values(
        notice_id=notice_id, url=url, created_at=now, updated_at=now, **fields
    )
    if fields:
        stmt = stmt.on_conflict_do_update(
            index_elements=["notice_id", "url"],
            set_={**{k: stmt.excluded[k] for k in fields}, "updated_at": now},
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["notice_id", "url"])
    session.execute(stmt)
    return session.scalars(
        select(Document)
        .where(Document.notice_id == notice_id, Document.url == url)
        .execution_options(populate_existing=True)
    ).one()
