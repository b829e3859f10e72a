"""The legal data files read and validated: the shapes they hold (table steps and figures, decrees, profile
levels, calibrated options) and one reader per file. `rules.legal` puts them together in `LegalData`."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rules import format as fmt
from rules.errors import LegalDataError

LEVELS = ("A1", "A2", "B1", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "F1", "F2")
EXTRA_LEVELS = ("D1-EDU",)  # "D1 educatori + ETDR" column of the 2025 tables
CONTRACT_TYPES = ("permanent", "fixed_term")
STATUSES = ("verified", "estimated")
DATA_STATUSES = ("verified", "partly", "unverified", "estimated")
STEP_ID = re.compile(r"^\d{4}-\d{2}$")
# Level labels of other CCNLs (UNEBA "4S", Multiservizi "2", ...): the T151 list is checked exactly.
OTHER_LEVEL = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,9}$")

@dataclass(frozen=True)
class Step:
    id: str
    valid_from: dt.date
    event: str = ""


def decree_label(decree_id: str) -> str:
    """'DD30-2024' -> 'DD 30/2024' (other ids unchanged)."""
    match = re.fullmatch(r"DD(\d+)-(\d{4})", decree_id)
    return f"DD {match.group(1)}/{match.group(2)}" if match else decree_id


@dataclass(frozen=True)
class TableFigure:
    """One hourly cost of one table: the figure a verdict relies on, with its provenance."""

    decree: str
    step: str
    valid_from: dt.date
    level: str
    contract_type: str
    hourly_cost: float
    status: str
    source: str

    @property
    def estimated(self) -> bool:
        return self.status != "verified"

    @property
    def label(self) -> str:
        """'DD 30/2024, ottobre 2025' as the message shows it."""
        return f"{decree_label(self.decree)}, {fmt.month(self.valid_from)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "decree": self.decree, "step": self.step, "level": self.level, "contract_type": self.contract_type,
            "hourly_cost": self.hourly_cost, "status": self.status, "source": self.source,
        }


@dataclass
class Decree:
    id: str
    ccnl: str
    title: str
    issued_on: dt.date
    source: str
    steps: list[Step]
    figures: dict[tuple[str, str, str], TableFigure] = field(default_factory=dict, repr=False)
    imported_from: str | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


@dataclass(frozen=True)
class Calibration:
    """One calibrated option of a rule (calibration.yaml): the default value and where it comes from."""

    value: Any
    source: str


@dataclass(frozen=True)
class ProfileLevel:
    pattern: re.Pattern[str]
    level: str
    status: str
    # The level from a later date (educators of early-childhood services: D1, then D2 from 1/1/2026).
    later_level: str | None = None
    later_from: dt.date | None = None

    def level_on(self, date: dt.date) -> str:
        if self.later_level and self.later_from and date >= self.later_from:
            return self.later_level
        return self.level


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LegalDataError(f"legal data file missing: {path}") from None
    except yaml.YAMLError as exc:
        raise LegalDataError(f"{path}: not valid YAML: {exc}") from None


def parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LegalDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def require(mapping: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if mapping.get(k) in (None, "")]
    if missing:
        raise LegalDataError(f"{where}: missing {', '.join(missing)}")


def read_table_rows(path: Path, decree: Decree, *, default_status: str | None = None,
                    default_source: str | None = None) -> dict[tuple[str, str, str], TableFigure]:
    """Read and validate a labour-cost CSV (columns step, level, hourly_cost[, contract_type, status, source])."""
    figures: dict[tuple[str, str, str], TableFigure] = {}
    step_ids = {s.id for s in decree.steps}
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise LegalDataError(f"labour-cost table missing: {path}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = set(reader.fieldnames or ())
        for column in ("step", "level", "hourly_cost"):
            if column not in header:
                raise LegalDataError(f"{path.name}: column {column!r} missing (have {sorted(header)})")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name} line {line}"
            step, level = (row.get("step") or "").strip(), (row.get("level") or "").strip().upper()
            contract_type = (row.get("contract_type") or "permanent").strip()
            status = (row.get("status") or default_status or "").strip()
            source = (row.get("source") or default_source or "").strip()
            if step not in step_ids:
                raise LegalDataError(f"{where}: step {step!r} is not a step of {decree.id} ({sorted(step_ids)})")
            if decree.ccnl == "T151" and level not in LEVELS + EXTRA_LEVELS:
                raise LegalDataError(f"{where}: unknown level {level!r}")
            if not OTHER_LEVEL.match(level):
                raise LegalDataError(f"{where}: level {level!r} is not a level label")
            if contract_type not in CONTRACT_TYPES:
                raise LegalDataError(f"{where}: contract_type must be one of {CONTRACT_TYPES}")
            if status not in STATUSES:
                raise LegalDataError(f"{where}: status must be verified or estimated, got {status!r}")
            if not source:
                raise LegalDataError(f"{where}: every figure needs its source")
            raw = (row.get("hourly_cost") or "").strip().replace("€", "").strip()
            if "," in raw:  # Italian format "23,65" or "1.234,56"
                raw = raw.replace(".", "").replace(",", ".")
            try:
                cost = float(raw)
            except ValueError:
                raise LegalDataError(f"{where}: hourly_cost {row.get('hourly_cost')!r} is not a number") from None
            if not 5 <= cost <= 200:
                raise LegalDataError(f"{where}: hourly_cost {cost} is outside any plausible range (5-200 €/h)")
            key = (step, level, contract_type)
            if key in figures:
                raise LegalDataError(f"{where}: duplicate row for {step} {level} {contract_type}")
            figures[key] = TableFigure(decree.id, step, decree.step(step).valid_from, level, contract_type, cost,
                                       status, source)
    wanted = LEVELS if decree.ccnl == "T151" else sorted({lv for (_, lv, _) in figures})
    for step in decree.steps:
        missing = [lv for lv in wanted if (step.id, lv, "permanent") not in figures]
        if missing:
            raise LegalDataError(f"{path.name}: step {step.id} lacks permanent-staff costs for {', '.join(missing)}")
    return figures


def parse_decree(raw: dict[str, Any], where: str) -> Decree:
    require(raw, ("id", "ccnl", "title", "issued_on", "source", "steps"), where)
    steps = []
    for item in raw["steps"]:
        require(item, ("id", "valid_from"), f"{where} step")
        if not STEP_ID.match(str(item["id"])):
            raise LegalDataError(f"{where}: step id {item['id']!r} must be YYYY-MM")
        steps.append(Step(str(item["id"]), parse_date(item["valid_from"], where), str(item.get("event") or "")))
    if [s.valid_from for s in steps] != sorted({s.valid_from for s in steps}):
        raise LegalDataError(f"{where}: steps must have distinct, increasing valid_from dates")
    return Decree(str(raw["id"]), str(raw["ccnl"]), str(raw["title"]), parse_date(raw["issued_on"], where),
                  str(raw["source"]), steps)


def parse_versions(raw: Any, topic: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise LegalDataError(f"thresholds.yaml: {topic} must be a non-empty list of versions")
    versions = []
    for item in raw:
        where = f"thresholds.yaml {topic}/{item.get('id')}"
        require(item, ("id", "valid_from", "legal_basis", "status", "source"), where)
        if item["status"] not in DATA_STATUSES:
            raise LegalDataError(f"{where}: status must be one of {DATA_STATUSES}")
        version = dict(item)
        version["valid_from"] = parse_date(item["valid_from"], where)
        version["valid_to"] = parse_date(item["valid_to"], where) if item.get("valid_to") else None
        versions.append(version)
    versions.sort(key=lambda v: v["valid_from"])
    for before, after in zip(versions, versions[1:], strict=False):
        if before["valid_to"] is None or before["valid_to"] >= after["valid_from"]:
            raise LegalDataError(f"thresholds.yaml {topic}: versions {before['id']} and {after['id']} overlap")
    return versions



def parse_profiles(items: list[dict[str, Any]]) -> list[ProfileLevel]:
    """profiles.yaml (or the configuration's `profiles:`): profile pattern -> usual level."""
    profiles = []
    for item in items:
        where = f"profiles {item.get('pattern')}"
        require(item, ("pattern", "level", "status"), where)
        if "from_2026" in item:
            raise LegalDataError(f"{where}: from_2026 is now later_level with its date later_from (YYYY-MM-DD)")
        for level in (item["level"], item.get("later_level")):
            if level is not None and level not in LEVELS:
                raise LegalDataError(f"{where}: unknown level {level!r}")
        if bool(item.get("later_level")) != bool(item.get("later_from")):
            raise LegalDataError(f"{where}: later_level and later_from go together")
        later_from = parse_date(item["later_from"], where) if item.get("later_from") else None
        try:
            pattern = re.compile(item["pattern"])
        except re.error as exc:
            raise LegalDataError(f"{where}: bad regular expression: {exc}") from None
        profiles.append(ProfileLevel(pattern, item["level"], item["status"], item.get("later_level"), later_from))
    return profiles


def parse_cas(items: list[dict[str, Any]], decrees: dict[str, Decree]) -> list[dict[str, Any]]:
    """cas_prices.yaml: the capitolati with their reference prices, each labour table a known decree."""
    cas = []
    for item in items:
        where = f"cas_prices.yaml {item.get('id')}"
        require(item, ("id", "title", "valid_from", "prices", "labour_table"), where)
        version = dict(item)
        version["valid_from"] = parse_date(item["valid_from"], where)
        version["valid_to"] = parse_date(item["valid_to"], where) if item.get("valid_to") else None
        for price in item["prices"]:
            require(price, ("centre_type", "price", "status", "source"), where)
            if price["status"] not in STATUSES:
                raise LegalDataError(f"{where}: price status must be verified or estimated")
        if item["labour_table"] not in decrees:
            raise LegalDataError(f"{where}: labour_table {item['labour_table']!r} is not a known decree")
        cas.append(version)
    return cas


def parse_calibration(raw: Any) -> dict[str, dict[str, Calibration]]:
    """calibration.yaml: {RULE: {option: {value, source}}}, each value a number, a boolean or a string."""
    if not isinstance(raw, dict):
        raise LegalDataError("calibration.yaml: must map rule codes to their options")
    out: dict[str, dict[str, Calibration]] = {}
    for code, options in raw.items():
        if not isinstance(options, dict) or not options:
            raise LegalDataError(f"calibration.yaml {code}: must map option names to {{value, source}}")
        for key, item in options.items():
            where = f"calibration.yaml {code}.{key}"
            if not isinstance(item, dict):
                raise LegalDataError(f"{where}: must be {{value, source}}")
            require(item, ("value", "source"), where)
            if isinstance(item["value"], dict | list):
                raise LegalDataError(f"{where}: value must be a number, a boolean or a string")
            out.setdefault(str(code), {})[str(key)] = Calibration(item["value"], str(item["source"]))
    return out
