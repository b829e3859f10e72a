"""Sources: one row per spider (national feed, regional portal, platform family, prefectures, payments)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, TimestampMixin, check_in

SOURCE_KINDS = ("national", "regional", "platform", "prefecture", "payments", "execution", "other")
HEALTH_STATES = ("unknown", "ok", "degraded", "broken", "robots_denied", "disabled")


class Source(TimestampMixin, Base):
    __tablename__ = "source"
    __table_args__ = (
        CheckConstraint(check_in("kind", SOURCE_KINDS), name="kind"),
        CheckConstraint(check_in("health", HEALTH_STATES), name="health"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # the spider name
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="other")
    base_url: Mapped[str | None] = mapped_column(String(1024))
    # Crawl policy as declared by the spider: robots handling, visit window, user agent, contact.
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    health: Mapped[str] = mapped_column(String(16), default="unknown")
    health_reason: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[dt.datetime | None]
    # Newest publication date seen in a successful crawl: the default `from_date` of the next one.
    last_published_seen: Mapped[dt.date | None]
    consecutive_empty_runs: Mapped[int] = mapped_column(default=0)
