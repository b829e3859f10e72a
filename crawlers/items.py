"""Items the spiders yield. Spiders only yield requests and these items; pipelines write the database.

Every spider, national or regional, yields `NoticeItem`s with the same fields; the store pipeline
turns them into authority, notice (with versions), lot and document rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Title of the row recording a documents *page* that could not be read (not a file to download).
DOCUMENTS_PAGE_TITLE = "pagina documenti"


@dataclass
class AuthorityRef:
    """The contracting authority as the source gives it; ISTAT codes where known."""

    name: str
    fiscal_code: str | None = None
    legal_nature: str | None = None
    ausa_code: str | None = None
    istat_comune: str | None = None
    istat_province: str | None = None
    istat_region: str | None = None
    nuts: str | None = None
    place_source: str | None = None
    is_national: bool = False


@dataclass
class LotItem:
    lot_key: str
    cig: str | None = None
    title: str | None = None
    cpv: str | None = None
    amount: Decimal | None = None
    award_criterion: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class DocumentRef:
    """A document link of a notice. `status`/`reason` are set when it cannot be fetched at all
    (robots-denied host, unsupported scheme): the row then records why, never reads as absent."""

    url: str
    title: str | None = None
    status: str | None = None
    reason: str | None = None


@dataclass
class DocumentRetry:
    """Retry the failed documents of a stored notice that this crawl's window no longer covers
    (yielded by BaseSpider.document_retries; only DocumentsPipeline acts on it)."""

    source: str
    notice_id: int
    source_notice_id: str
    in_scope: bool = True
    documents: list[DocumentRef] = field(default_factory=list)


@dataclass(repr=False)
class NoticeItem:
    source: str  # the spider name == Source.code
    source_notice_id: str
    title: str
    notice_type: str | None = None
    procedure_key: str | None = None
    corrects_source_notice_id: str | None = None  # a rettifica names the notice it corrects
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
    authority: AuthorityRef | None = None
    place_nuts: str | None = None
    place_istat_comune: str | None = None
    place_istat_region: str | None = None
    # Place names as the feed prints them; NormalisePipeline maps them to ISTAT codes (kernel.territory).
    place_province_name: str | None = None
    place_comune_name: str | None = None
    in_scope: bool | None = None  # None: the scope pipeline decides
    scope_reason: str | None = None
    lots: list[LotItem] = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    # Award/execution per CIG (OCDS awards and contracts): keys of db.models.ContractExecution
    # (cig, award_criterion, awarded_amount, offers_count, awarded_on, start_on, end_on, events, data).
    executions: list[dict[str, Any]] = field(default_factory=list)
    # Set by StorePipeline: the notice row this item was written to (DocumentsPipeline reads it).
    notice_id: int | None = None

    def __repr__(self) -> str:
        # Scrapy logs items on errors and drops: one short line, never the raw record.
        return f"NoticeItem({self.source}:{self.source_notice_id} {self.title[:60]!r})"
