"""Observatories (the National one and one per region), and the outbox of alert deliveries.

Exactly-once delivery: a finding is attached to a delivery of an Observatory at most once
(`alert_delivery_finding` is unique on observatory + finding), the delivery has a stable
Message-ID, and the sender records the state before and after talking to the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, TimestampMixin, check_in

DELIVERY_STATES = ("pending", "sending", "sent", "failed")


class Observatory(TimestampMixin, Base):
    __tablename__ = "observatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # "NAZ", "PIE", "LOM", ...
    name: Mapped[str] = mapped_column(String(255))
    istat_region: Mapped[str | None] = mapped_column(String(2), unique=True)  # null for the National one
    is_national: Mapped[bool] = mapped_column(Boolean, default=False)
    recipients: Mapped[list[Any]] = mapped_column(default=list)


class AlertDelivery(TimestampMixin, Base):
    __tablename__ = "alert_delivery"
    __table_args__ = (CheckConstraint(check_in("state", DELIVERY_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observatory_id: Mapped[int | None] = mapped_column(ForeignKey("observatory.id"), index=True)
    alert_type: Mapped[str] = mapped_column(String(64))  # finding-digest, source-broken
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    # The rendered message (RFC 5322 text) once built, so a retry resends the very same bytes.
    message: Mapped[str | None] = mapped_column(Text)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)

    observatory = relationship("Observatory")


class AlertDeliveryFinding(Base):
    __tablename__ = "alert_delivery_finding"
    __table_args__ = (UniqueConstraint("observatory_id", "finding_id"),)

    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("alert_delivery.id", ondelete="CASCADE"), primary_key=True
    )
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True)
    observatory_id: Mapped[int] = mapped_column(ForeignKey("observatory.id"))
