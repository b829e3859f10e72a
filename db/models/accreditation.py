"""Accreditation tariffs (what a Region pays accredited providers), the R-ACC verdicts on them, and
the acts the legislation watch saw.

A tariff row is one amount (or one declared percentage update) for one service type, region and
variant, set by one act and valid over a period. Every figure carries its source and status in
`sources` ({field: {"source", "status", "page", "text"}}, status verified / secondary / unverified /
estimated): the R-ACC rules give a violation only on figures read in the act itself (`verified`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, TimestampMixin, check_in, utcnow
from db.models.finding import RESULTS, SEVERITIES

TARIFF_UNITS = ("day", "hour", "access", "week", "month")
FIGURE_STATUSES = ("verified", "secondary", "unverified", "estimated")


class Tariff(TimestampMixin, Base):
    __tablename__ = "tariff"
    __table_args__ = (
        UniqueConstraint("natural_key"),
        CheckConstraint(check_in("unit", TARIFF_UNITS), name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # region|service|variant|act kind|act number|act date|valid_from: the same tariff imported twice is one row.
    natural_key: Mapped[str] = mapped_column(String(512))
    region: Mapped[str] = mapped_column(String(2), index=True)  # ISTAT region code
    service_type: Mapped[str] = mapped_column(String(32), index=True)  # accreditation/data/service_types.yaml
    service_label: Mapped[str | None] = mapped_column(Text)  # as the act words it
    variant: Mapped[str] = mapped_column(String(255), default="")  # "livello di assistenza severo", ...
    care_setting: Mapped[str | None] = mapped_column(String(32))  # lungoassistenza, estensivo, ... (DPCM LEA art. 30)
    act_kind: Mapped[str] = mapped_column(String(32))  # DGR, DD, DA, accordo, contratto, ...
    act_number: Mapped[str | None] = mapped_column(String(64))
    act_date: Mapped[dt.date | None]
    act_title: Mapped[str | None] = mapped_column(Text)
    act_url: Mapped[str | None] = mapped_column(String(2048))
    valid_from: Mapped[dt.date | None] = mapped_column(index=True)
    valid_to: Mapped[dt.date | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # the whole remuneration per unit
    unit: Mapped[str] = mapped_column(String(16), default="day")
    health_share: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # quota sanitaria
    social_share: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # quota sociale / retta
    # An act that states a percentage update without the amounts (Lombardia +2.2 % from 1/1/2025).
    increase_pct: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    increase_since: Mapped[dt.date | None]  # the date of the tariff the percentage is counted on
    labour_share_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))  # share of labour, when printed
    # Staff standard: [{"profile", "level", "minutes", "per": "day"|"week"|"hour"|"access"}]
    staff: Mapped[list[Any]] = mapped_column(default=list)
    # Hourly costs the act assumed: [{"level", "profile", "hourly_cost"}]
    hourly_costs: Mapped[list[Any]] = mapped_column(default=list)
    # Other cost items of the build-up, per unit: [{"item", "amount"}] (building, meals, overheads...)
    other_costs: Mapped[list[Any]] = mapped_column(default=list)
    revision_clause: Mapped[bool | None] = mapped_column(Boolean)  # contratti/accordi: a price revision clause
    sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    origin: Mapped[str] = mapped_column(String(255))  # "import:<file>", "crawl:<spider>", "seed"
    note: Mapped[str | None] = mapped_column(Text)

    findings = relationship("TariffFinding", back_populates="tariff", cascade="all, delete-orphan")


class TariffFinding(Base):
    """The verdict of one R-ACC rule version on one tariff (same idempotence as `finding`)."""

    __tablename__ = "tariff_finding"
    __table_args__ = (
        CheckConstraint(check_in("result", RESULTS), name="result"),
        CheckConstraint(check_in("severity", SEVERITIES), name="severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariff.id", ondelete="CASCADE"), index=True)
    rule_code: Mapped[str] = mapped_column(String(32), index=True)
    rule_version: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("tariff_finding.id"))
    uses_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tariff = relationship("Tariff", back_populates="findings")


class AlertDeliveryTariffFinding(Base):
    """A tariff verdict carried by one Observatory's digest (at most once per Observatory)."""

    __tablename__ = "alert_delivery_tariff_finding"
    __table_args__ = (UniqueConstraint("observatory_id", "tariff_finding_id"),)

    delivery_id: Mapped[int] = mapped_column(ForeignKey("alert_delivery.id", ondelete="CASCADE"), primary_key=True)
    tariff_finding_id: Mapped[int] = mapped_column(ForeignKey("tariff_finding.id", ondelete="CASCADE"),
                                                   primary_key=True)
    observatory_id: Mapped[int] = mapped_column(ForeignKey("observatory.id"))


class WatchedAct(Base):
    """One act a watched legislative source published (Gazzetta Ufficiale, Normattiva, the Ministry of
    Labour's tables page, ANAC, a regional bulletin), with the watch topics its title matched."""

    __tablename__ = "watched_act"
    __table_args__ = (UniqueConstraint("watch_source", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_source: Mapped[str] = mapped_column(String(64), index=True)  # legislation/data/sources.yaml key
    key: Mapped[str] = mapped_column(String(512))  # the feed's guid, the act's URN or its URL
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2048))
    published_on: Mapped[dt.date | None] = mapped_column(index=True)
    region: Mapped[str | None] = mapped_column(String(2))  # a regional act: its region
    act_kind: Mapped[str | None] = mapped_column(String(64))
    act_number: Mapped[str | None] = mapped_column(String(64))
    act_date: Mapped[dt.date | None]
    # [{"topic", "label", "terms": [...]}]; empty = seen, not relevant
    topics: Mapped[list[Any]] = mapped_column(default=list)
    new_table: Mapped[bool] = mapped_column(Boolean, default=False)  # a new Ministry labour-cost table
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AlertDeliveryWatchedAct(Base):
    __tablename__ = "alert_delivery_watched_act"
    __table_args__ = (UniqueConstraint("observatory_id", "watched_act_id"),)

    delivery_id: Mapped[int] = mapped_column(ForeignKey("alert_delivery.id", ondelete="CASCADE"), primary_key=True)
    watched_act_id: Mapped[int] = mapped_column(ForeignKey("watched_act.id", ondelete="CASCADE"), primary_key=True)
    observatory_id: Mapped[int] = mapped_column(ForeignKey("observatory.id"))


__all__ = ["AlertDeliveryTariffFinding", "AlertDeliveryWatchedAct", "FIGURE_STATUSES", "TARIFF_UNITS", "Tariff",
           "TariffFinding", "WatchedAct"]
