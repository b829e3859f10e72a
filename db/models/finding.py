"""Findings: the verdict of one rule version on one notice, with its figures and evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, check_in, utcnow

RESULTS = ("violation", "compliant", "not_verifiable")
SEVERITIES = ("info", "warning", "critical")


class Finding(Base):
    __tablename__ = "finding"
    __table_args__ = (
        CheckConstraint(check_in("result", RESULTS), name="result"),
        CheckConstraint(check_in("severity", SEVERITIES), name="severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    rule_code: Mapped[str] = mapped_column(String(32), index=True)
    rule_version: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)  # Italian, for the digest
    reason: Mapped[str | None] = mapped_column(Text)  # why not verifiable / outside scope
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # [{"document_id", "url", "page", "text"}]
    # sha256 of (notice, rule code, rule version, result, figures, evidence): the same verdict on the
    # same evidence is the same finding; a re-run writes nothing new.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"))
    # True when the verdict relies on an estimated (not yet verified) table figure.
    uses_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    notice = relationship("Notice")
