"""Store tariff records (upsert on the natural key) and read them back for `accreditation list/show`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accreditation.records import TariffRecord
from db.models import Tariff, TariffFinding

COLUMNS = ("region", "service_type", "service_label", "variant", "care_setting", "act_kind", "act_number", "act_date",
           "act_title", "act_url", "valid_from", "valid_to", "amount", "unit", "health_share", "social_share",
           "increase_pct", "increase_since", "labour_share_pct", "staff", "hourly_costs", "other_costs",
           "revision_clause", "sources", "note")


@dataclass
class StoreReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _db_value(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(round(value, 3)))
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def store_records(session: Session, records: list[TariffRecord], *, origin: str) -> StoreReport:
    """Insert new tariffs, update changed ones (same natural key), in the caller's transaction."""
    report = StoreReport()
    keys = [r.natural_key for r in records]
    existing = {t.natural_key: t for t in session.scalars(select(Tariff).where(Tariff.natural_key.in_(keys)))}
    for record in records:
        values = {name: _db_value(getattr(record, name)) for name in COLUMNS}
        row = existing.get(record.natural_key)
        if row is None:
            row = Tariff(natural_key=record.natural_key, origin=origin, **values)
            session.add(row)
            existing[record.natural_key] = row
            report.created += 1
        elif all(_same(getattr(row, k), v) for k, v in values.items()):
            report.unchanged += 1
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.origin = origin
            report.updated += 1
        session.flush()
        report.ids.append(row.id)
    return report


def list_tariffs(session: Session, *, region: str | None = None, service_type: str | None = None) -> list[Tariff]:
    query = select(Tariff).order_by(Tariff.region, Tariff.service_type, Tariff.variant, Tariff.valid_from, Tariff.id)
    if region:
        query = query.where(Tariff.region == region)
    if service_type:
        query = query.where(Tariff.service_type == service_type)
    return list(session.scalars(query))


def current_findings(session: Session, tariff_id: int) -> list[TariffFinding]:
    return list(session.scalars(select(TariffFinding).where(TariffFinding.tariff_id == tariff_id,
                                                            TariffFinding.is_current.is_(True))
                                .order_by(TariffFinding.rule_code)))


def in_force(tariff: Tariff, on: dt.date) -> bool:
    return (tariff.valid_from is None or tariff.valid_from <= on) and (tariff.valid_to is None or on <= tariff.valid_to)
