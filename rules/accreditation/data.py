"""The R-ACC legal data (`rules/data/accreditation.yaml`), validated on load: renewal date and cost increase,
staff-floor level, hourly-cost tolerance, the LEA health share, the revision-clause acts, the watch words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rules.errors import LegalDataError
from rules.legal import DATA_DIR, LEVELS

STATUSES = ("verified", "unverified")


@dataclass(frozen=True)
class AccreditationData:
    renewal_date: dt.date
    renewal_increase_pct: float
    renewal_status: str
    renewal_source: str
    renewal_basis: str
    floor_level: str
    floor_basis: str
    hourly_tolerance_pct: float
    lea_min_pct: float
    lea_tolerance_pct: float
    lea_settings: tuple[str, ...]
    lea_service_types: tuple[str, ...]
    lea_status: str
    lea_source: str
    lea_basis: str
    revision_act_kinds: tuple[str, ...]
    revision_basis: str
    tariff_words: tuple[str, ...]
    service_words: tuple[str, ...]


def _get(raw: dict[str, Any], path: str) -> Any:
    node: Any = raw
    for part in path.split("."):
        if not isinstance(node, dict) or node.get(part) in (None, ""):
            raise LegalDataError(f"accreditation.yaml: {path} missing")
        node = node[part]
    return node


def _status(raw: dict[str, Any], path: str) -> str:
    value = _get(raw, path)
    if value not in STATUSES:
        raise LegalDataError(f"accreditation.yaml: {path} must be one of {STATUSES}")
    return str(value)


def parse(raw: Any) -> AccreditationData:
    if not isinstance(raw, dict):
        raise LegalDataError("accreditation.yaml must be a mapping")
    date = _get(raw, "renewal.date")
    if not isinstance(date, dt.date):
        raise LegalDataError("accreditation.yaml: renewal.date must be a date (YYYY-MM-DD)")
    level = str(_get(raw, "staff_floor.level"))
    if level not in LEVELS:
        raise LegalDataError(f"accreditation.yaml: staff_floor.level {level!r} is not a CCNL level")
    return AccreditationData(
        renewal_date=date, renewal_increase_pct=float(_get(raw, "renewal.cost_increase_pct")),
        renewal_status=_status(raw, "renewal.status"), renewal_source=str(_get(raw, "renewal.source")),
        renewal_basis=str(_get(raw, "renewal.legal_basis")),
        floor_level=level, floor_basis=str(_get(raw, "staff_floor.legal_basis")),
        hourly_tolerance_pct=float(_get(raw, "hourly_cost_tolerance_pct")),
        lea_min_pct=float(_get(raw, "lea_health_share.min_pct")),
        lea_tolerance_pct=float(_get(raw, "lea_health_share.tolerance_pct")),
        lea_settings=tuple(_get(raw, "lea_health_share.settings")),
        lea_service_types=tuple(_get(raw, "lea_health_share.service_types")),
        lea_status=_status(raw, "lea_health_share.status"), lea_source=str(_get(raw, "lea_health_share.source")),
        lea_basis=str(_get(raw, "lea_health_share.legal_basis")),
        revision_act_kinds=tuple(str(k).lower() for k in _get(raw, "revision.act_kinds")),
        revision_basis=str(_get(raw, "revision.legal_basis")),
        tariff_words=tuple(str(w).lower() for w in _get(raw, "watch.tariff_words")),
        service_words=tuple(str(w).lower() for w in _get(raw, "watch.service_words")),
    )


@lru_cache(maxsize=4)
def load(path: Path = DATA_DIR / "accreditation.yaml") -> AccreditationData:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LegalDataError(f"legal data file missing: {path}") from None
    return parse(raw)
