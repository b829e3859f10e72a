"""What a rule sees of one notice: its metadata, merged fields with evidence, documents read or not,
lots, contract execution and the authority's payment record. Built from the database (engine) or from
the JSON given to `observatory rules check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rules.notice_input import iso_date, validate

_MISSING: Any = object()
# Tuples for isinstance in code that runs per field and notice: `int | float` would build a union each time.
_NUMBERS = (int, float, Decimal)
_TEXT_OR_LIST = (str, list)
# What a finding keeps of each evidence item: the document (and the archive member), page, sentence, and
# where a value came from when no document holds it ("source": "feed").
EVIDENCE_KEYS = ("document_id", "page", "text", "member", "ocr", "source")


@dataclass(frozen=True)
class FieldValue:
    value: Any
    evidence: list[dict[str, Any]]


@dataclass
class ExecutionRecord:
    cig: str | None = None
    source: str | None = None
    award_criterion: str | None = None
    discount_pct: float | None = None
    awarded_amount: float | None = None
    offers_count: int | None = None
    awarded_on: dt.date | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PaymentRecord:
    period: str
    itp_days: float | None = None
    overdue_debt: float | None = None
    creditors_overdue: int | None = None
    sign_convention: str = ""
    source: str = ""
    source_url: str | None = None
    note: str | None = None


# Slots: the rules read the context's attributes many times per notice, and with its thirty attributes an
# instance dictionary falls outside Python's fast attribute access (3 % of the benchmark's instructions).
@dataclass(slots=True)
class NoticeContext:
    title: str = ""
    notice_id: int | None = None
    description: str | None = None
    published_on: dt.date | None = None
    cpv: str | None = None
    procedure: str | None = None
    award_criterion: str | None = None  # as the feed says; the documents' field wins
    amount: float | None = None
    region: str | None = None
    authority_name: str | None = None
    authority_fiscal_code: str | None = None
    authority_legal_nature: str | None = None
    all_documents_read: bool = False
    documents_total: int = 0
    documents_read: int = 0
    # Documents not read: [{"document_id", "url", "why"}] (Italian "why": not retrieved, scan not read, ...)
    unread: list[dict[str, Any]] = field(default_factory=list)
    # Documents read in full: [{"document_id", "url"}] — the evidence behind "the clause is missing".
    read_documents: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    lots: list[dict[str, Any]] = field(default_factory=list)
    executions: list[ExecutionRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)
    document_urls: dict[int, str] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)
    scope: Any = None  # rules.scope.Scope, set by the engine before the rules run
    # Fields parsed once when the context is built (26 rules read the same few fields, see
    # bench/rules_throughput.py); `fields` is not read again afterwards. Found fields only: name -> value,
    # and name -> evidence as stored.
    _values: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _sources: dict[str, list[Any]] = field(default_factory=dict, repr=False, compare=False)
    _numbers: dict[str, float | None] = field(default_factory=dict, repr=False, compare=False)
    _evidence: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict, repr=False, compare=False)
    _criterion: tuple[str | None, list[dict[str, Any]]] | None = field(default=None, init=False, repr=False,
                                                                       compare=False)
    _unread_reason: str | None = field(default=None, init=False, repr=False, compare=False)
    _cpvs: list[str] | None = field(default=None, init=False, repr=False, compare=False)  # rules.scope.notice_cpvs
    _ccnls: list[Any] | None = field(default=None, init=False, repr=False, compare=False)  # rules.common.ctx_ccnls

    def __post_init__(self) -> None:
        values, sources = self._values, self._sources
        for name, raw in self.fields.items():
            if isinstance(raw, dict) and "value" in raw:
                value, evidence = raw["value"], raw.get("evidence") or []
            else:  # a bare value (hand-written notices)
                value, evidence = raw, []
            if value is None or (isinstance(value, _TEXT_OR_LIST) and not value):
                continue  # not found by the extractor (null, "" or [])
            values[name] = value
            sources[name] = evidence

    # --- fields ---------------------------------------------------------------------------------
    def field(self, name: str) -> FieldValue | None:
        """The merged field, or None when the extractor did not find it (value null or absent).
        Its `evidence` is as stored; `evidence(name)` gives it in the shape findings keep."""
        if name not in self._values:
            return None
        return FieldValue(self._values[name], self._sources[name])

    def value(self, name: str) -> Any:
        """The field's value, None when the extractor did not find it."""
        return self._values.get(name)

    def number(self, name: str) -> float | None:
        number = self._numbers.get(name, _MISSING)
        if number is _MISSING:
            number = self._numbers[name] = to_float(self.value(name))
        return number  # type: ignore[no-any-return]

    def evidence(self, *names: str) -> list[dict[str, Any]]:
        """The evidence of these fields (document, page, sentence, url), each item tagged with its field.
        Shared between verdicts: callers never mutate it."""
        cached = self._evidence.get(names)
        if cached is not None:
            return cached
        # Loops rather than comprehensions here and in _evidence_item: this runs a dozen times per notice,
        # and on Python 3.11 each comprehension is a function call of its own.
        items: list[dict[str, Any]] = []
        if len(names) == 1:
            name = names[0]
            for raw in self._sources.get(name, ()):
                if isinstance(raw, dict):
                    items.append(self._evidence_item(raw, name))
        else:  # built from the single fields' lists (cached too: several rules cite the same field)
            cache = self._evidence
            for name in names:
                single = cache.get((name,))
                items += self.evidence(name) if single is None else single
        self._evidence[names] = items
        return items

    def _evidence_item(self, item: dict[str, Any], name: str) -> dict[str, Any]:
        # One dict per item, keys in the order findings always had (EVIDENCE_KEYS, url, field).
        out = {}
        for key in EVIDENCE_KEYS:
            value = item.get(key)
            if value is not None:
                out[key] = value
        if "url" in item:
            out["url"] = item["url"]
        elif (document_id := item.get("document_id")) in self.document_urls:
            out["url"] = self.document_urls[document_id]
        out["field"] = name
        return out

    # --- documents read -------------------------------------------------------------------------
    def unread_reason(self) -> str:
        """Italian: why a missing clause cannot be called missing (worked out once: several rules ask)."""
        if self._unread_reason is None:
            self._unread_reason = self._why_unread()
        return self._unread_reason

    def _why_unread(self) -> str:
        if self.documents_total == 0:
            return "nessun documento di gara disponibile: l'assenza della clausola non è accertabile"
        text = (f"letti {self.documents_read} documenti su {self.documents_total}: "
                "l'assenza della clausola non è accertabile")
        details = [f"{u.get('url') or u.get('document_id')} {u['why']}" for u in self.unread[:3] if u.get("why")]
        if details:
            text += " (" + "; ".join(details) + ")"
        return text

    @property
    def award_criterion_value(self) -> tuple[str | None, list[dict[str, Any]]]:
        """The criterion from the documents, else the feed's, else the lots' (with its evidence). Worked out
        once: three rules ask."""
        if self._criterion is None:
            self._criterion = self._find_criterion()
        return self._criterion

    def _find_criterion(self) -> tuple[str | None, list[dict[str, Any]]]:
        found = self._values.get("award_criterion", _MISSING)
        if found is not _MISSING:
            return str(found), self.evidence("award_criterion")
        if self.award_criterion:
            return self.award_criterion, [{"text": f"criterio dal feed: {self.award_criterion}", "field": "notice"}]
        for lot in self.lots:
            if lot.get("award_criterion"):
                return lot["award_criterion"], [{"text": f"criterio del lotto {lot.get('cig') or ''}".strip(),
                                                 "field": "lot"}]
        return None, []

    @property
    def base_amount(self) -> float | None:
        return self.number("base_amount") or self.amount


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _NUMBERS):
        return float(value)
    if isinstance(value, dict):
        for key in ("amount", "value", "days", "pct"):
            if key in value:
                return to_float(value[key])
        return None
    text = str(value).replace("€", "").replace("%", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def context_from_json(payload: Any, region: Callable[[str], str | None] | None = None) -> NoticeContext:
    """`{"notice": {...}, "fields": {...}}` (fields as `extract-file --json` prints them) -> context. The file is
    validated first (rules.notice_input): unknown keys, wrong types, dates not in ISO form, and (given
    `region`, which turns a region as written into its ISTAT code) an unknown region are one-line errors."""
    payload = validate(payload, region)
    notice = payload["notice"]
    fields = payload["fields"]
    authority = notice.get("authority")
    if isinstance(authority, str):
        authority = {"name": authority}
    authority = authority or {}
    documents = notice.get("documents") or []
    documents_total = int(notice.get("documents_total") or len(documents))
    all_read = bool(notice.get("all_documents_read", bool(documents) and all(d.get("read") for d in documents)))
    executions = [
        ExecutionRecord(
            cig=e.get("cig"), source=e.get("source"), award_criterion=e.get("award_criterion"),
            discount_pct=to_float(e.get("discount_pct")), awarded_amount=to_float(e.get("awarded_amount")),
            offers_count=e.get("offers_count"), awarded_on=iso_date(e.get("awarded_on"), "execution.awarded_on"),
            start_on=iso_date(e.get("start_on"), "execution.start_on"), end_on=iso_date(e.get("end_on"), "execution.end_on"),
            events=list(e.get("events") or []),
        )
        for e in (notice.get("execution") or payload.get("execution") or [])
    ]
    payments = [
        PaymentRecord(
            period=str(p.get("period")), itp_days=to_float(p.get("itp_days")), overdue_debt=to_float(p.get("overdue_debt")),
            creditors_overdue=p.get("creditors_overdue"), sign_convention=p.get("sign_convention") or "",
            source=p.get("source") or "", source_url=p.get("source_url"), note=p.get("note"),
        )
        for p in (notice.get("payments") or payload.get("payments") or [])
    ]
    return NoticeContext(
        notice_id=notice.get("id"),
        title=notice.get("title") or "",
        description=notice.get("description"),
        published_on=iso_date(notice.get("published_on") or notice.get("publication_date"), "notice.published_on"),
        cpv=notice.get("cpv"),
        procedure=notice.get("procedure"),
        award_criterion=notice.get("award_criterion"),
        amount=to_float(notice.get("amount")),
        region=notice.get("region"),
        authority_name=authority.get("name"),
        authority_fiscal_code=authority.get("fiscal_code"),
        authority_legal_nature=authority.get("legal_nature"),
        all_documents_read=all_read,
        documents_total=documents_total or (1 if all_read else 0),
        documents_read=int(notice.get("documents_read") or sum(1 for d in documents if d.get("read"))
                           or (documents_total if all_read else 0) or (1 if all_read else 0)),
        unread=[{"url": d.get("url"), "why": d.get("why") or "non letto"} for d in documents if not d.get("read")],
        read_documents=[{"url": d.get("url")} for d in documents if d.get("read")],
        fields=fields,
        lots=list(notice.get("lots") or payload.get("lots") or []),
        executions=executions,
        payments=payments,
        today=iso_date(notice.get("today"), "notice.today") or dt.date.today(),
    )
