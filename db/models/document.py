"""Tender documents, their extractions, and the merged terms of a notice.

Retrieval and extraction are tracked separately: "not retrieved" (with its reason) must never read
as "absent", and a rule may call a missing clause a violation only when every document of the
notice was retrieved *and* read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, TimestampMixin, check_in, utcnow

# "skipped": not downloaded on purpose (the notice is outside the scope); fetched if it comes into scope.
RETRIEVAL_STATES = ("pending", "retrieved", "failed", "skipped")
# Reasons for failed retrieval (free text is allowed after a colon: "http_error: 502").
RETRIEVAL_REASONS = (
    "robots_denied", "forbidden", "captcha", "not_found", "timeout", "too_large", "unsupported", "http_error",
    "network_error",
)
EXTRACTION_STATES = ("pending", "extracted", "failed", "skipped")


class Document(TimestampMixin, Base):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("notice_id", "url"),
        CheckConstraint(check_in("retrieval_status", RETRIEVAL_STATES), name="retrieval_status"),
        CheckConstraint(check_in("extraction_status", EXTRACTION_STATES), name="extraction_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(Text)  # link text or file name as the portal shows it
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    media_type: Mapped[str | None] = mapped_column(String(255))  # sniffed from the bytes, not the name
    size: Mapped[int | None] = mapped_column(BigInteger)
    stored_path: Mapped[str | None] = mapped_column(String(1024))  # relative to the document store
    retrieval_status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    retrieval_reason: Mapped[str | None] = mapped_column(Text)
    retrieval_attempts: Mapped[int] = mapped_column(default=0)
    retrieved_at: Mapped[dt.datetime | None]
    extraction_status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    extraction_reason: Mapped[str | None] = mapped_column(Text)

    notice = relationship("Notice", back_populates="documents")
    extractions = relationship("Extraction", back_populates="document", cascade="all, delete-orphan")


class Extraction(Base):
    """What one extractor version read from one document: the `extract-file --json` structure."""

    __tablename__ = "extraction"
    __table_args__ = (UniqueConstraint("document_id", "extractor_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    extractor_version: Mapped[str] = mapped_column(String(32))
    document_kind: Mapped[str | None] = mapped_column(String(32))  # disciplinare, bando, capitolato, ...
    pages: Mapped[int | None]
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    # {NAME: {"value": ..., "evidence": [{"page": N, "text": "..."}]}}
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    document = relationship("Document", back_populates="extractions")


class NoticeTerms(Base):
    """The merged fields of a notice (disciplinare over bando over capitolato, feed data where silent)."""

    __tablename__ = "notice_terms"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True)
    # Same shape as Extraction.fields; each evidence item also names its document.
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    conflicts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    all_documents_read: Mapped[bool] = mapped_column(Boolean, default=False)
    documents_total: Mapped[int] = mapped_column(default=0)
    documents_read: Mapped[int] = mapped_column(default=0)
    merged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)
