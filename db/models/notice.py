"""Notices (avvisi, bandi, rettifiche, esiti) and their lots.

A notice row is one *version* of one notice of one source. When a source republishes a notice with
changed content, a new row is written with `version + 1`, `previous_version_id` pointing to the old
row, and the old row stops being current. A rettifica (a separate notice that corrects another) is
linked through `corrects_id`; notices of the same procedure share `procedure_key` (PVL idAppalto,
TED procedure id). A notice found by two sources is one tender: the later one points to the first
through `canonical_id` (matched on CIG, else authority + title + deadline).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, TimestampMixin, utcnow

Money = Numeric(16, 2)


class Notice(TimestampMixin, Base):
    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("source_id", "source_notice_id", "version"),
        Index("ix_notice_current", "source_id", "source_notice_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    source_notice_id: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    content_hash: Mapped[str] = mapped_column(String(64))

    notice_type: Mapped[str | None] = mapped_column(String(64))  # bando, avviso, rettifica, esito, ...
    procedure_key: Mapped[str | None] = mapped_column(String(255), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    canonical_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))

    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    procedure: Mapped[str | None] = mapped_column(String(255))  # procedura aperta, negoziata, affidamento diretto
    award_criterion: Mapped[str | None] = mapped_column(String(32))  # oepv, lowest_price (as the feed says)
    cpv: Mapped[str | None] = mapped_column(String(10), index=True)
    cpv_label: Mapped[str | None] = mapped_column(Text)
    cig: Mapped[str | None] = mapped_column(String(10), index=True)  # main CIG, when the notice has one
    amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    published_on: Mapped[dt.date | None] = mapped_column(index=True)
    deadline_at: Mapped[dt.datetime | None]
    url: Mapped[str | None] = mapped_column(String(2048))
    documents_url: Mapped[str | None] = mapped_column(String(2048))

    authority_id: Mapped[int | None] = mapped_column(ForeignKey("contracting_authority.id"), index=True)
    # Place of performance or buyer place as the feed gives it (fallback for routing).
    place_nuts: Mapped[str | None] = mapped_column(String(5))
    place_istat_comune: Mapped[str | None] = mapped_column(String(6))
    place_istat_region: Mapped[str | None] = mapped_column(String(2))

    in_scope: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    scope_reason: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the source's record, for audit
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    source = relationship("Source")
    authority = relationship("ContractingAuthority")
    lots = relationship("Lot", back_populates="notice", cascade="all, delete-orphan")
    # Ordered: evidence lists built from it feed finding fingerprints, which must not depend on the
    # order PostgreSQL happens to return rows in (a re-run would supersede every finding).
    documents = relationship("Document", back_populates="notice", cascade="all, delete-orphan", order_by="Document.id")


class Lot(TimestampMixin, Base):
    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("notice_id", "lot_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    lot_key: Mapped[str] = mapped_column(String(64))  # lot number or the CIG when there is no number
    cig: Mapped[str | None] = mapped_column(String(10), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    cpv: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    award_criterion: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # feed-specific extras (weights, BT-xx flags)

    notice = relationship("Notice", back_populates="lots")
