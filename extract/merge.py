"""Merge the documents of a notice into `NoticeTerms`.

For every field the value comes from the most authoritative document that states it
(disciplinare over bando over capitolato over determina over the rest); feed data fills what the
documents leave silent. A different value in another document is kept in `conflicts`, so an
analyst sees it. CIG and CPV lists are the union of all sources.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Document, Extraction, Notice, NoticeTerms
from extract import EXTRACTOR_VERSION
from extract.fields import FIELD_NAMES

KIND_PRIORITY = {"disciplinare": 0, "bando": 1, "capitolato": 2, "determina": 3, "other": 4}
UNION_FIELDS = ("cig", "cpv")


def _latest_extraction(session: Session, document: Document) -> Extraction | None:
    rows = session.scalars(
        select(Extraction).where(Extraction.document_id == document.id).order_by(Extraction.created_at.desc(), Extraction.id.desc())
    ).all()
    for row in rows:
        if row.extractor_version == EXTRACTOR_VERSION:
            return row
    return rows[0] if rows else None


def _with_document(evidence: list[dict[str, Any]], document_id: int | None) -> list[dict[str, Any]]:
    return [dict(item, document_id=document_id) for item in evidence or []]


def _feed_values(notice: Notice) -> dict[str, Any]:
    """What the feed said about the notice, in the field shapes of the documents."""
    cigs = [c for c in [notice.cig, *(lot.cig for lot in notice.lots)] if c]
    criterion = notice.award_criterion or next((lot.award_criterion for lot in notice.lots if lot.award_criterion), None)
    values: dict[str, Any] = {
        "cig": list(dict.fromkeys(cigs)) or None,
        "cpv": [notice.cpv] if notice.cpv else None,
        "base_amount": float(notice.amount) if notice.amount is not None else None,
        "award_criterion": criterion if criterion in ("oepv", "lowest_price") else None,
        "deadline": notice.deadline_at.isoformat() if isinstance(notice.deadline_at, dt.datetime) else None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _same_code(code: str, codes: list[str]) -> bool:
    """A CPV with or without its check digit ("33190000" and "33190000-8") is one code."""
    return any(c.split("-")[0] == code.split("-")[0] for c in codes)


def merge_notice(session: Session, notice_id: int) -> NoticeTerms:
    """Write (or rewrite) the NoticeTerms row of one notice from its documents' extractions."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise LookupError(f"notice {notice_id} does not exist")
    documents = sorted(notice.documents, key=lambda d: d.id)
    read: list[tuple[int, Document, Extraction]] = []
    for document in documents:
        if document.extraction_status != "extracted":
            continue
        extraction = _latest_extraction(session, document)
        if extraction is not None:
            read.append((KIND_PRIORITY.get(extraction.document_kind or "other", 4), document, extraction))
    read.sort(key=lambda item: (item[0], item[1].id))

    fields: dict[str, Any] = {}
    conflicts: dict[str, Any] = {}
    feed = _feed_values(notice)
    for name in FIELD_NAMES:
        stated = [
            (document, extraction, extraction.fields.get(name) or {})
            for _, document, extraction in read
            if (extraction.fields.get(name) or {}).get("value") is not None
        ]
        if name in UNION_FIELDS:
            values: list[str] = []
            evidence: list[dict[str, Any]] = []
            for document, _, item in stated:
                values.extend(v for v in item["value"] if not _same_code(v, values))
                evidence.extend(_with_document(item.get("evidence"), document.id))
            for value in feed.get(name, []):
                if not _same_code(value, values):
                    values.append(value)
                    evidence.append({"page": None, "text": f"{name} {value} (dati del feed)", "source": "feed", "document_id": None})
            fields[name] = {"value": values or None, "evidence": evidence if values else []}
            continue
        if stated:
            document, extraction, item = stated[0]
            fields[name] = {"value": item["value"], "evidence": _with_document(item.get("evidence"), document.id)}
            others = [
                {"document_id": d.id, "kind": e.document_kind, "value": i["value"]}
                for d, e, i in stated[1:]
                if i["value"] != item["value"]
            ]
            if name in feed and feed[name] != item["value"]:
                others.append({"document_id": None, "kind": "feed", "value": feed[name]})
            if others:
                conflicts[name] = {
                    "chosen": {"document_id": document.id, "kind": extraction.document_kind, "value": item["value"]},
                    "others": others,
                }
        elif name in feed:
            fields[name] = {
                "value": feed[name],
                "evidence": [{"page": None, "text": f"{name}: {feed[name]} (dati del feed)", "source": "feed", "document_id": None}],
            }
        else:
            fields[name] = {"value": None, "evidence": []}

    terms = session.get(NoticeTerms, notice_id)
    if terms is None:
        terms = NoticeTerms(notice_id=notice_id)
        session.add(terms)
    total = len(documents)
    read_count = sum(1 for d in documents if d.retrieval_status == "retrieved" and d.extraction_status == "extracted")
    terms.fields = fields
    terms.conflicts = conflicts
    terms.documents_total = total
    terms.documents_read = read_count
    terms.all_documents_read = total > 0 and read_count == total
    terms.merged_at = dt.datetime.now(dt.UTC)
    unread = [f"{d.id} ({d.retrieval_status}/{d.extraction_status}: {d.extraction_reason or d.retrieval_reason or ''})" for d in documents
              if not (d.retrieval_status == "retrieved" and d.extraction_status == "extracted")]
    terms.notes = ("documenti non letti: " + "; ".join(unread)) if unread else None
    session.flush()
    return terms
