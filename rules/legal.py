"""Legal data as files with source and validity dates: Ministry labour-cost tables, the CCNL registry
(kernel/ccnl.py, shared with extraction), profile-to-level mapping, thresholds by law version, CAS reference prices.

Nothing here is a literal in code: every figure comes from `rules/data/` (shipped) or from the
tables an analyst imported with `observatory tables import` (data directory `tables/`), and each
carries whether it is verified or estimated, so that a verdict built on an estimate can say so.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kernel.ccnl import REGISTRY_FILE, CcnlEntry, load_ccnl_registry
from kernel.ccnl import match_ccnl as _match_ccnl
from kernel.errors import ReferenceDataError
from rules import format as fmt
from rules.errors import LegalDataError

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVELS = ("A1", "A2", "B1", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "F1", "F2")
EXTRA_LEVELS = ("D1-EDU",)  # "D1 educatori + ETDR" column of the 2025 tables
CONTRACT_TYPES = ("permanent", "fixed_term")
STATUSES = ("verified", "estimated")
DATA_STATUSES = ("verified", "partly", "unverified", "estimated")
STEP_ID = re.compile(r"^\d{4}-\d{2}$")
# Level labels of other CCNLs (UNEBA "4S", Multiservizi "2", ...): the T151 list is checked exactly.
OTHER_LEVEL = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,9}$")
MEMO_SIZE = 100_000  # entries of LegalData's look-up memo
_MISSING: Any = object()


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
class ProfileLevel:
    pattern: re.Pattern[str]
    level: str
    status: str
    from_2026: str | None = None


class LegalData:
    """The loaded, validated legal data; look-ups by date."""

    def __init__(
        self,
        decrees: dict[str, Decree],
        ccnl: list[CcnlEntry],
        profiles: list[ProfileLevel],
        thresholds: dict[str, list[dict[str, Any]]],
        cas: list[dict[str, Any]],
    ) -> None:
        self.decrees = decrees
        self.ccnl = ccnl
        self.profiles = profiles
        self.thresholds = thresholds
        self.cas = cas
        self._ccnl_matches: dict[str, CcnlEntry | None] = {}
        # (ccnl) -> sorted [(valid_from, decree id, step id)] across decrees: the table in force on a date.
        self._timeline: dict[str, list[tuple[dt.date, str, str]]] = {}
        for decree in decrees.values():
            for step in decree.steps:
                self._timeline.setdefault(decree.ccnl, []).append((step.valid_from, decree.id, step.id))
        for steps in self._timeline.values():
            steps.sort()
        # Look-ups by date, memoised: the data never change once loaded, and a run asks the same questions
        # (a few hundred publication dates a year) for every notice and rule. The answers are shared:
        # callers never mutate them. Keyed by (kind of look-up, arguments...).
        self._by_date: dict[tuple[Any, ...], Any] = {}

    def _remember(self, key: tuple[Any, ...], value: Any) -> Any:
        if len(self._by_date) >= MEMO_SIZE:  # a long-lived process: start over rather than grow without bound
            self._by_date.clear()
        self._by_date[key] = value
        return value

    # --- Ministry tables -------------------------------------------------------------------
    def step_at(self, date: dt.date, ccnl: str = "T151", decree: str | None = None) -> tuple[Decree, Step] | None:
        """The table step in force on `date` (optionally only among the steps of one decree)."""
        key = ("step", date, ccnl, decree)
        found = self._by_date.get(key, _MISSING)
        if found is _MISSING:
            found = self._remember(key, self._step_at(date, ccnl, decree))
        return found  # type: ignore[no-any-return]

    def _step_at(self, date: dt.date, ccnl: str, decree: str | None) -> tuple[Decree, Step] | None:
        timeline = [t for t in self._timeline.get(ccnl, []) if decree is None or t[1] == decree]
        index = bisect_right([t[0] for t in timeline], date) - 1
        if index < 0:
            return None
        _, decree_id, step_id = timeline[index]
        found = self.decrees[decree_id]
        return found, found.step(step_id)

    def has_tables(self, ccnl: str) -> bool:
        return bool(self._timeline.get(ccnl))

    def steps_between(self, start: dt.date, end: dt.date, ccnl: str = "T151") -> list[tuple[Decree, Step]]:
        """Steps that start strictly after `start` and on or before `end` (increases during a contract)."""
        key = ("between", start, end, ccnl)
        found = self._by_date.get(key, _MISSING)
        if found is _MISSING:
            found = self._remember(key, [
                (self.decrees[d], self.decrees[d].step(s))
                for valid_from, d, s in self._timeline.get(ccnl, [])
                if start < valid_from <= end
            ])
        return found  # type: ignore[no-any-return]

    def figure(self, decree: Decree, step: Step, level: str, contract_type: str = "permanent") -> TableFigure | None:
        return decree.figures.get((step.id, level, contract_type))

    def hourly_cost(
        self, level: str, date: dt.date, *, ccnl: str = "T151", decree: str | None = None,
        contract_type: str = "permanent",
    ) -> TableFigure | None:
        found = self.step_at(date, ccnl, decree)
        if found is None:
            return None
        return self.figure(found[0], found[1], level, contract_type)

    # --- thresholds --------------------------------------------------------------------------
    def threshold(self, topic: str, date: dt.date) -> dict[str, Any] | None:
        """The law version of `topic` in force on `date` (None before the first version)."""
        key = ("threshold", topic, date)
        found = self._by_date.get(key, _MISSING)
        if found is _MISSING:
            found = self._remember(key, _in_force(self.thresholds.get(topic, []), date))
        return found  # type: ignore[no-any-return]

    # --- CCNL registry and profiles ----------------------------------------------------------
    def match_ccnl(self, text: str) -> CcnlEntry | None:
        """The first registry entry whose patterns match the CCNL named (memoised: names repeat a lot)."""
        try:
            return self._ccnl_matches[text]
        except KeyError:
            pass
        found = _match_ccnl(self.ccnl, text)
        if len(self._ccnl_matches) < MEMO_SIZE:
            self._ccnl_matches[text] = found
        return found

    def level_for_profile(self, profile: str, date: dt.date | None = None) -> ProfileLevel | None:
        lowered = profile.lower()
        for entry in self.profiles:
            if entry.pattern.search(lowered):
                return entry
        return None

    # --- CAS ------------------------------------------------------------------------------------
    def cas_capitolato(self, date: dt.date) -> dict[str, Any] | None:
        key = ("cas", date)
        found = self._by_date.get(key, _MISSING)
        if found is _MISSING:
            found = self._remember(key, _in_force(self.cas, date))
        return found  # type: ignore[no-any-return]


def _in_force(versions: list[dict[str, Any]], date: dt.date) -> dict[str, Any] | None:
    """The version valid on `date` (valid_from and valid_to inclusive, valid_to None = still in force)."""
    for version in versions:
        if version["valid_from"] <= date and (version["valid_to"] is None or date <= version["valid_to"]):
            return version
    return None


# ------------------------------------------------------------------------------------------------
# Loading and validation
# ------------------------------------------------------------------------------------------------
def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LegalDataError(f"legal data file missing: {path}") from None
    except yaml.YAMLError as exc:
        raise LegalDataError(f"{path}: not valid YAML: {exc}") from None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LegalDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _require(mapping: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
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
    _require(raw, ("id", "ccnl", "title", "issued_on", "source", "steps"), where)
    steps = []
    for item in raw["steps"]:
        _require(item, ("id", "valid_from"), f"{where} step")
        if not STEP_ID.match(str(item["id"])):
            raise LegalDataError(f"{where}: step id {item['id']!r} must be YYYY-MM")
        steps.append(Step(str(item["id"]), _date(item["valid_from"], where), str(item.get("event") or "")))
    if [s.valid_from for s in steps] != sorted({s.valid_from for s in steps}):
        raise LegalDataError(f"{where}: steps must have distinct, increasing valid_from dates")
    return Decree(str(raw["id"]), str(raw["ccnl"]), str(raw["title"]), _date(raw["issued_on"], where),
                  str(raw["source"]), steps)


def _versions(raw: Any, topic: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise LegalDataError(f"thresholds.yaml: {topic} must be a non-empty list of versions")
    versions = []
    for item in raw:
        where = f"thresholds.yaml {topic}/{item.get('id')}"
        _require(item, ("id", "valid_from", "legal_basis", "status", "source"), where)
        if item["status"] not in DATA_STATUSES:
            raise LegalDataError(f"{where}: status must be one of {DATA_STATUSES}")
        version = dict(item)
        version["valid_from"] = _date(item["valid_from"], where)
        version["valid_to"] = _date(item["valid_to"], where) if item.get("valid_to") else None
        versions.append(version)
    versions.sort(key=lambda v: v["valid_from"])
    for before, after in zip(versions, versions[1:], strict=False):
        if before["valid_to"] is None or before["valid_to"] >= after["valid_from"]:
            raise LegalDataError(f"thresholds.yaml {topic}: versions {before['id']} and {after['id']} overlap")
    return versions


def load_legal_data(data_dir: Path = DATA_DIR, tables_dir: Path | None = None,
                    profiles_override: list[dict[str, Any]] | None = None,
                    ccnl_file: Path = REGISTRY_FILE) -> LegalData:
    """Load and validate every legal data file; imported official tables replace shipped ones."""
    decrees: dict[str, Decree] = {}
    meta = _yaml(data_dir / "labour_costs" / "decrees.yaml")
    for raw in meta.get("decrees") or []:
        decree = parse_decree(raw, f"decrees.yaml {raw.get('id')}")
        decree.figures = read_table_rows(data_dir / "labour_costs" / str(raw.get("file")), decree)
        decrees[decree.id] = decree
    if tables_dir is not None and tables_dir.is_dir():
        for meta_path in sorted(tables_dir.glob("*.yaml")):
            raw = _yaml(meta_path)
            decree = parse_decree(raw, meta_path.name)
            decree.figures = read_table_rows(meta_path.with_suffix(".csv"), decree)
            decree.imported_from = str(raw.get("imported_from") or meta_path)
            decrees[decree.id] = decree
    if not decrees:
        raise LegalDataError("no labour-cost decree found in decrees.yaml")

    try:  # the CCNL registry is reference data shared with extraction (kernel/ccnl.py)
        ccnl = load_ccnl_registry(ccnl_file)
    except ReferenceDataError as exc:
        raise LegalDataError(str(exc)) from None

    profiles = []
    for item in profiles_override or _yaml(data_dir / "profiles.yaml").get("profiles") or []:
        where = f"profiles {item.get('pattern')}"
        _require(item, ("pattern", "level", "status"), where)
        for level in (item["level"], item.get("from_2026")):
            if level is not None and level not in LEVELS:
                raise LegalDataError(f"{where}: unknown level {level!r}")
        try:
            pattern = re.compile(item["pattern"])
        except re.error as exc:
            raise LegalDataError(f"{where}: bad regular expression: {exc}") from None
        profiles.append(ProfileLevel(pattern, item["level"], item["status"], item.get("from_2026")))

    thresholds_raw = _yaml(data_dir / "thresholds.yaml")
    thresholds = {topic: _versions(raw, topic) for topic, raw in thresholds_raw.items()}
    for topic in ("revision", "award", "direct_award", "eu", "payment"):
        if topic not in thresholds:
            raise LegalDataError(f"thresholds.yaml: topic {topic!r} missing")

    cas = []
    for item in _yaml(data_dir / "cas_prices.yaml").get("capitolati") or []:
        where = f"cas_prices.yaml {item.get('id')}"
        _require(item, ("id", "title", "valid_from", "prices", "labour_table"), where)
        version = dict(item)
        version["valid_from"] = _date(item["valid_from"], where)
        version["valid_to"] = _date(item["valid_to"], where) if item.get("valid_to") else None
        for price in item["prices"]:
            _require(price, ("centre_type", "price", "status", "source"), where)
            if price["status"] not in STATUSES:
                raise LegalDataError(f"{where}: price status must be verified or estimated")
        if item["labour_table"] not in decrees:
            raise LegalDataError(f"{where}: labour_table {item['labour_table']!r} is not a known decree")
        cas.append(version)
    return LegalData(decrees, ccnl, profiles, thresholds, cas)


@lru_cache(maxsize=8)
def cached_legal_data(tables_dir: str | None = None) -> LegalData:
    return load_legal_data(DATA_DIR, Path(tables_dir) if tables_dir else None)
