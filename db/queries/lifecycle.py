"""The lifecycle of a notice: call, versions, rettifiche, the same tender in other sources, award and
execution (joined on CIG). For `observatory rules explain` and the digests.

    lifecycle = notice_lifecycle(session, notice_id)
    for event in lifecycle.events:           # oldest first; undated events last
        print(event.on, event.label)         # Italian label, e.g. "Aggiudicazione (anac_bdncp): ..."

Execution figures are per source and never merged: two sources disagreeing on the awarded amount
give two award events and an entry in `lifecycle.conflicts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import ContractExecution, Lot, Notice

KIND_LABELS = {
    "call": "Pubblicazione",
    "version": "Nuova versione dell'avviso",
    "rettifica": "Rettifica",
    "other_source": "Stesso appalto su altra fonte",
    "award": "Aggiudicazione",
    "start": "Avvio dell'esecuzione",
    "variant": "Variante",
    "revision": "Revisione prezzi",
    "suspension": "Sospensione",
    "progress": "Stato di avanzamento",
    "milestone": "Stato di avanzamento",
    "end": "Fine dell'esecuzione",
    "expected_end": "Termine contrattuale previsto",
}


@dataclass
class LifecycleEvent:
    kind: str
    on: dt.date | None
    label: str  # Italian, for digests and `rules explain`
    source: str | None = None
    cig: str | None = None
    notice_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Lifecycle:
    notice_id: int
    cigs: list[str]
    events: list[LifecycleEvent]
    conflicts: list[dict[str, Any]]
    executions: list[ContractExecution]

    @property
    def awarded(self) -> bool:
        return any(e.kind == "award" for e in self.events)


def _money(value: Decimal | None) -> str:
    if value is None:
        return "importo non indicato"
    text = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"€ {text}"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _notice_event(kind: str, notice: Notice, extra: str = "") -> LifecycleEvent:
    source = notice.source.code if notice.source is not None else None
    label = f"{KIND_LABELS[kind]} ({source}): {notice.title}" + (f" — {extra}" if extra else "")
    return LifecycleEvent(kind, notice.published_on, label, source, notice.cig, notice.id,
                          {"url": notice.url, "version": notice.version, "notice_type": notice.notice_type})


def notice_cigs(session: Session, notice: Notice) -> list[str]:
    cigs = {notice.cig} if notice.cig else set()
    cigs |= set(session.scalars(select(Lot.cig).where(Lot.notice_id == notice.id, Lot.cig.is_not(None))))
    return sorted(c.upper() for c in cigs if c)


def notice_lifecycle(session: Session, notice_id: int) -> Lifecycle:
    """Everything known about one notice's tender, in date order. Raises LookupError if no such notice."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise LookupError(f"no notice with id {notice_id}")
    root = session.get(Notice, notice.canonical_id) if notice.canonical_id else notice
    events: list[LifecycleEvent] = [_notice_event("call", root)]
    if root.deadline_at is not None:
        events[0].details["deadline"] = root.deadline_at.isoformat()

    versions = session.scalars(select(Notice).where(
        Notice.source_id == root.source_id, Notice.source_notice_id == root.source_notice_id,
        Notice.id != root.id).order_by(Notice.version))
    for version in versions:
        event = _notice_event("version", version, f"versione {version.version}")
        event.on = event.on or (version.first_seen_at.date() if version.first_seen_at else None)
        events.append(event)

    related = list(session.scalars(select(Notice).where(
        or_(Notice.corrects_id == root.id, Notice.canonical_id == root.id), Notice.id != root.id,
        Notice.is_current.is_(True)).order_by(Notice.id)))
    for other in related:
        kind = "rettifica" if other.corrects_id == root.id else "other_source"
        events.append(_notice_event(kind, other))

    cigs = sorted(set(notice_cigs(session, root)) | {c for n in related for c in notice_cigs(session, n)})
    executions = list(session.scalars(select(ContractExecution).where(ContractExecution.cig.in_(cigs))
                                      .order_by(ContractExecution.cig, ContractExecution.source))) if cigs else []
    conflicts: list[dict[str, Any]] = []
    for row in executions:
        events.extend(_execution_events(row))
        for conflict in (row.data or {}).get("conflicts") or []:
            entry = {"cig": row.cig, **conflict}
            if entry not in conflicts:
                conflicts.append(entry)
    events.sort(key=lambda e: (e.on is None, e.on or dt.date.min))
    return Lifecycle(notice_id=root.id, cigs=cigs, events=events, conflicts=conflicts, executions=executions)


def _execution_events(row: ContractExecution) -> list[LifecycleEvent]:
    events: list[LifecycleEvent] = []
    data = row.data or {}
    if row.awarded_on or row.awarded_amount is not None:
        parts = [_money(row.awarded_amount)]
        if row.discount_pct is not None:
            parts.append(f"ribasso {row.discount_pct:.2f}%".replace(".", ","))
        if row.award_criterion:
            parts.append({"oepv": "offerta economicamente più vantaggiosa",
                          "lowest_price": "prezzo più basso"}.get(row.award_criterion, row.award_criterion))
        if row.offers_count is not None:
            parts.append(f"{row.offers_count} offerte")
        events.append(LifecycleEvent("award", row.awarded_on, f"{KIND_LABELS['award']} ({row.source}, CIG {row.cig}): "
                                     + ", ".join(parts), row.source, row.cig,
                                     details={"amount": str(row.awarded_amount) if row.awarded_amount is not None else None,
                                              "suppliers": data.get("suppliers")}))
    if row.start_on:
        events.append(LifecycleEvent("start", row.start_on, f"{KIND_LABELS['start']} ({row.source}, CIG {row.cig})",
                                     row.source, row.cig))
    for event in row.events or []:
        kind = event.get("kind")
        if kind in ("start", "end") or kind not in KIND_LABELS:
            continue
        text = f"{KIND_LABELS[kind]} ({row.source}, CIG {row.cig})"
        if event.get("reason"):
            text += f": {event['reason']}"
        if event.get("title"):
            text += f": {event['title']}"
        if kind == "suspension" and event.get("resumed_on"):
            text += f" (ripresa il {event['resumed_on']})"
        events.append(LifecycleEvent(kind, _date(event.get("date")), text, row.source, row.cig, details=dict(event)))
    if row.end_on:
        # OCDS gives the contract period (the agreed term); BDNCP avvio-contratto the expected term until
        # fine-contratto gives the actual end.
        expected = bool(data.get("end_is_expected")) or row.source == "anac_ocds"
        kind = "expected_end" if expected else "end"
        events.append(LifecycleEvent(kind, row.end_on, f"{KIND_LABELS[kind]} ({row.source}, CIG {row.cig})",
                                     row.source, row.cig))
    return events
