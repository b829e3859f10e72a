"""Post-award data: payment timeliness per authority and period, and contract execution per CIG."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, TimestampMixin


class PaymentIndicator(TimestampMixin, Base):
    """Indicatore di tempestività dei pagamenti (ITP) and overdue debt stock for one period."""

    __tablename__ = "payment_indicator"
    __table_args__ = (UniqueConstraint("authority_id", "period", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("contracting_authority.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))  # "2025", "2025-Q3"
    itp_days: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # negative = paid early
    overdue_debt: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    creditors_overdue: Mapped[int | None]
    # Only the national payment platform (PCC) publishes these: invoices received and paid in the
    # period (cumulated from the start of the year) and the weighted days from receipt to payment.
    invoices_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    paid_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    days_to_pay: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # "days beyond the due date, weighted by amount; negative = early" (DPCM 22/9/2014 art. 9)
    sign_convention: Mapped[str] = mapped_column(String(255))
    # Which figure the page publishes: "dpcm_weighted_delay" (the legal ITP) or "average_days_to_pay"
    # (a plain average from invoice receipt, which some authorities publish instead), or "unknown".
    definition: Mapped[str] = mapped_column(String(32), default="dpcm_weighted_delay")
    # "published": a figure was read; "missing": the period is absent from the page; "unreadable":
    # the page has it only in a form we cannot read (a scan OCR cannot read). Rules use only "published" rows.
    status: Mapped[str] = mapped_column(String(16), default="published")
    source: Mapped[str] = mapped_column(String(64))
    source_url: Mapped[str | None] = mapped_column(String(2048))
    note: Mapped[str | None] = mapped_column(Text)  # where the figure was read (OCR of a scan says so), or why not


class ContractExecution(TimestampMixin, Base):
    """Award and execution of one CIG from ANAC's BDNCP datasets (one row per CIG and source)."""

    __tablename__ = "contract_execution"
    __table_args__ = (UniqueConstraint("cig", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cig: Mapped[str] = mapped_column(String(10), index=True)
    source: Mapped[str] = mapped_column(String(64))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("contracting_authority.id"), index=True)
    award_criterion: Mapped[str | None] = mapped_column(String(32))
    discount_pct: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    awarded_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    offers_count: Mapped[int | None]
    awarded_on: Mapped[dt.date | None]
    start_on: Mapped[dt.date | None]
    end_on: Mapped[dt.date | None]
    # [{"kind": "variant"|"suspension"|"revision", "date": "...", "amount": ..., "reason": "..."}]
    events: Mapped[list[Any]] = mapped_column(default=list)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
