"""Tariff records: one tariff as an import file, a crawled act or the shipped seed gives it, validated.

YAML (`tariffs:` list) holds nested values; CSV holds one tariff per row with the lists written inline:

    staff         "OSS:C2:100/day; infermiere:D2:20/day"      profile:level:minutes/per (level may be empty)
    hourly_costs  "A1:19.70; OSS:C2:23.21"                     [profile:]level:€ per hour
    other_costs   "vitto e utenze:12.00; struttura:15.50"       item:€ per unit

Every figure needs a source and a status (verified = read in the act itself; secondary = a press or association
page; unverified; estimated). A row's `source` and `status` apply to each of its figures unless `sources`
(YAML) gives one per figure. Bad input is an `ImportFileError` naming the line and the field: nothing of a file
with an error is stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from accreditation import services
from accreditation.regions import region_code

UNITS = ("day", "hour", "access", "week", "month")
UNIT_WORDS = {"giorno": "day", "giornaliera": "day", "die": "day", "ora": "hour", "oraria": "hour",
              "accesso": "access", "settimana": "week", "mese": "month"}
STATUSES = ("verified", "secondary", "unverified", "estimated")
CARE_SETTINGS = ("lungoassistenza", "estensivo", "semiresidenziale", "residenziale", "domiciliare")
FIGURE_FIELDS = ("amount", "health_share", "social_share", "increase_pct", "labour_share_pct", "staff",
                 "hourly_costs", "other_costs", "revision_clause")
MAX_AMOUNT = {"day": 1000.0, "hour": 200.0, "access": 1000.0, "week": 5000.0, "month": 20000.0}


class ImportFileError(ValueError):
    """A tariff file or record that cannot be stored; the message names where and why."""


@dataclass
class TariffRecord:
    region: str
    service_type: str
    act_kind: str
    service_label: str | None = None
    variant: str = ""
    care_setting: str | None = None
    act_number: str | None = None
    act_date: dt.date | None = None
    act_title: str | None = None
    act_url: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    amount: float | None = None
    unit: str = "day"
    health_share: float | None = None
    social_share: float | None = None
    increase_pct: float | None = None
    increase_since: dt.date | None = None
    labour_share_pct: float | None = None
    staff: list[dict[str, Any]] = field(default_factory=list)
    hourly_costs: list[dict[str, Any]] = field(default_factory=list)
    other_costs: list[dict[str, Any]] = field(default_factory=list)
    revision_clause: bool | None = None
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str | None = None

    @property
    def natural_key(self) -> str:
        parts = (self.region, self.service_type, self.variant.lower(), self.act_kind.lower(), self.act_number or "",
                 self.act_date.isoformat() if self.act_date else "", self.valid_from.isoformat() if self.valid_from else "")
        return "|".join(parts)

    def figures_present(self) -> list[str]:
        return [name for name in FIGURE_FIELDS if getattr(self, name) not in (None, [], "")]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _number(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ImportFileError(f"{where}: {value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).replace("€", "").replace("%", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ImportFileError(f"{where}: {value!r} is not a number") from None


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    raise ImportFileError(f"{where}: {value!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _bool(value: Any, where: str) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "si", "sì", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ImportFileError(f"{where}: {value!r} is not true/false")


def _inline(value: Any, kind: str, where: str) -> list[dict[str, Any]]:
    """The CSV inline lists (see the module docstring); YAML lists pass through."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [dict(v) for v in value]
    out: list[dict[str, Any]] = []
    for part in str(value).split(";"):
        part = part.strip()
        if not part:
            continue
        bits = [b.strip() for b in part.rsplit(":", 2 if kind == "staff" else 1)] if kind != "hourly_costs" else \
            [b.strip() for b in part.split(":")]
        try:
            if kind == "staff":
                profile, level, amount = bits
                minutes, _, per = amount.partition("/")
                out.append({"profile": profile, "level": level or None, "minutes": _number(minutes, where),
                            "per": per.strip() or "day"})
            elif kind == "hourly_costs":
                *profile, level, cost = bits
                out.append({"profile": profile[0] if profile else None, "level": level,
                            "hourly_cost": _number(cost, where)})
            else:
                item, amount = bits
                out.append({"item": item, "amount": _number(amount, where)})
        except ValueError:
            raise ImportFileError(f"{where}: {kind} item {part!r} not understood (see the import format)") from None
    return out


def _unit(value: Any, where: str) -> str:
    text = (_text(value) or "day").lower()
    text = UNIT_WORDS.get(text, text)
    if text not in UNITS:
        raise ImportFileError(f"{where}: unit {value!r} must be one of {', '.join(UNITS)}")
    return text


def record_from_mapping(raw: dict[str, Any], where: str) -> TariffRecord:
    """Validate one tariff (YAML item, CSV row, crawled act) into a record."""
    if not isinstance(raw, dict):
        raise ImportFileError(f"{where}: a tariff must be a mapping of fields")
    region = region_code(raw.get("region"))
    if region is None:
        raise ImportFileError(f"{where}: region {raw.get('region')!r} is not a region (ISTAT code or name)")
    service = services.resolve(str(raw.get("service_type") or ""))
    if service is None:
        known = ", ".join(s.code for s in services.service_types())
        raise ImportFileError(f"{where}: service_type {raw.get('service_type')!r} is not in the list ({known})")
    act_kind = _text(raw.get("act_kind"))
    if not act_kind:
        raise ImportFileError(f"{where}: act_kind missing (DGR, DD, DA, accordo contrattuale, ...)")
    care = _text(raw.get("care_setting"))
    if care is not None and care.lower() not in CARE_SETTINGS:
        raise ImportFileError(f"{where}: care_setting {care!r} must be one of {', '.join(CARE_SETTINGS)}")
    record = TariffRecord(
        region=region, service_type=service.code, act_kind=act_kind, service_label=_text(raw.get("service_label")),
        variant=_text(raw.get("variant")) or "", care_setting=care.lower() if care else None,
        act_number=_text(raw.get("act_number")), act_date=_date(raw.get("act_date"), f"{where} act_date"),
        act_title=_text(raw.get("act_title")), act_url=_text(raw.get("act_url")),
        valid_from=_date(raw.get("valid_from"), f"{where} valid_from"),
        valid_to=_date(raw.get("valid_to"), f"{where} valid_to"),
        amount=_number(raw.get("amount"), f"{where} amount"), unit=_unit(raw.get("unit"), where),
        health_share=_number(raw.get("health_share"), f"{where} health_share"),
        social_share=_number(raw.get("social_share"), f"{where} social_share"),
        increase_pct=_number(raw.get("increase_pct"), f"{where} increase_pct"),
        increase_since=_date(raw.get("increase_since"), f"{where} increase_since"),
        labour_share_pct=_number(raw.get("labour_share_pct"), f"{where} labour_share_pct"),
        staff=_inline(raw.get("staff"), "staff", f"{where} staff"),
        hourly_costs=_inline(raw.get("hourly_costs"), "hourly_costs", f"{where} hourly_costs"),
        other_costs=_inline(raw.get("other_costs"), "other_costs", f"{where} other_costs"),
        revision_clause=_bool(raw.get("revision_clause"), f"{where} revision_clause"), note=_text(raw.get("note")),
    )
    _check_figures(record, where)
    record.sources = _sources(record, raw, where)
    return record


def _check_figures(record: TariffRecord, where: str) -> None:
    if record.amount is None and record.health_share is None and record.social_share is None \
            and record.increase_pct is None:
        raise ImportFileError(f"{where}: no figure (amount, health_share, social_share or increase_pct)")
    limit = MAX_AMOUNT[record.unit]
    for name in ("amount", "health_share", "social_share"):
        value = getattr(record, name)
        if value is not None and not 0 < value <= limit:
            raise ImportFileError(f"{where}: {name} {value} is outside any plausible range per {record.unit} (0-{limit:g} €)")
    if record.increase_pct is not None and not -50 <= record.increase_pct <= 200:
        raise ImportFileError(f"{where}: increase_pct {record.increase_pct} is not a plausible percentage")
    if record.labour_share_pct is not None and not 0 < record.labour_share_pct <= 100:
        raise ImportFileError(f"{where}: labour_share_pct must be between 0 and 100")
    if record.valid_from and record.valid_to and record.valid_to < record.valid_from:
        raise ImportFileError(f"{where}: valid_to {record.valid_to} is before valid_from {record.valid_from}")
    for row in record.staff:
        if row.get("per", "day") not in ("day", "week", "hour", "access", "month"):
            raise ImportFileError(f"{where}: staff minutes per {row.get('per')!r}: use day, week, hour or access")
        if not row.get("minutes") or row["minutes"] <= 0 or row["minutes"] > 10080:
            raise ImportFileError(f"{where}: staff minutes of {row.get('profile')!r} missing or implausible")
    for row in record.hourly_costs:
        if not row.get("hourly_cost") or not 5 <= row["hourly_cost"] <= 200:
            raise ImportFileError(f"{where}: hourly cost of {row.get('level')!r} outside 5-200 €/h")


def _sources(record: TariffRecord, raw: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """{figure: {"source", "status", "page", "text"}} for every figure present; a figure without both is an error."""
    given = raw.get("sources") or {}
    if not isinstance(given, dict):
        raise ImportFileError(f"{where}: sources must be a mapping figure -> {{source, status}}")
    default = {k: raw.get(k) for k in ("source", "status", "page", "text") if raw.get(k) not in (None, "")}
    out: dict[str, dict[str, Any]] = {}
    for name in record.figures_present():
        entry = {**default, **(given.get(name) or {})}
        entry = {k: v for k, v in entry.items() if v not in (None, "")}
        if not entry.get("source") and record.act_url:
            entry["source"] = record.act_url
        if not entry.get("source"):
            raise ImportFileError(f"{where}: {name} has no source (give `source`, or the act_url)")
        if entry.get("status") not in STATUSES:
            raise ImportFileError(f"{where}: {name} needs a status, one of {', '.join(STATUSES)} "
                                  f"(got {entry.get('status')!r})")
        out[name] = entry
    return out


def read_records(path: Path) -> list[TariffRecord]:
    """Every tariff of a CSV or YAML file; the first error stops the file (nothing stored)."""
    if not path.is_file():
        raise ImportFileError(f"tariff file not found: {path}")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ImportFileError(f"{path.name}: not valid YAML: {exc}") from None
        items = data.get("tariffs") if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            raise ImportFileError(f"{path.name}: expected a list under `tariffs:`")
        defaults = data.get("defaults") or {} if isinstance(data, dict) else {}
        return [record_from_mapping({**defaults, **item} if isinstance(item, dict) else item,
                                    f"{path.name} tariff {i}") for i, item in enumerate(items, start=1)]
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = {"region", "service_type", "act_kind"} - set(reader.fieldnames or ())
        if missing:
            raise ImportFileError(f"{path.name}: columns {', '.join(sorted(missing))} missing")
        records = [record_from_mapping(row, f"{path.name} line {line}") for line, row in enumerate(reader, start=2)]
        if not records:
            raise ImportFileError(f"{path.name}: no tariff rows")
        return records
    raise ImportFileError(f"{path.name}: give a .csv or .yaml file")
