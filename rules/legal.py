"""Legal data as files with source and validity dates: Ministry labour-cost tables, the CCNL registry
(kernel/ccnl.py, shared with extraction), profile-to-level mapping, thresholds by law version, CAS reference prices.

Nothing here is a literal in code: every figure comes from `rules/data/` (shipped) or from the
tables an analyst imported with `observatory tables import` (data directory `tables/`), and each
carries whether it is verified or estimated, so that a verdict built on an estimate can say so.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Any

from kernel.ccnl import REGISTRY_FILE, CcnlEntry, load_ccnl_registry
from kernel.ccnl import match_ccnl as _match_ccnl
from kernel.errors import ReferenceDataError
from rules.errors import LegalDataError
from rules.legal_files import (  # noqa: F401  (re-exported: the rules and the CLI read them from rules.legal)
    CONTRACT_TYPES,
    DATA_STATUSES,
    EXTRA_LEVELS,
    LEVELS,
    OTHER_LEVEL,
    STATUSES,
    STEP_ID,
    Calibration,
    Decree,
    ProfileLevel,
    Step,
    TableFigure,
    decree_label,
    parse_calibration,
    parse_cas,
    parse_decree,
    parse_profiles,
    parse_versions,
    read_table_rows,
    read_yaml,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MEMO_SIZE = 100_000  # entries of LegalData's look-up memo
# The law topics of thresholds.yaml the rules read (each a list of versions with validity dates).
THRESHOLD_TOPICS = ("revision", "award", "ccnl", "ccnl_secondary", "labour_cost", "social_clause", "anomaly",
                    "revision_indices", "direct_award", "eu", "payment")
_MISSING: Any = object()


class LegalData:
    """The loaded, validated legal data; look-ups by date."""

    def __init__(
        self,
        decrees: dict[str, Decree],
        ccnl: list[CcnlEntry],
        profiles: list[ProfileLevel],
        thresholds: dict[str, list[dict[str, Any]]],
        cas: list[dict[str, Any]],
        calibration: dict[str, dict[str, Calibration]] | None = None,
    ) -> None:
        self.decrees = decrees
        self.ccnl = ccnl
        self.profiles = profiles
        self.thresholds = thresholds
        self.cas = cas
        # Rule code -> option -> value with its source (calibration.yaml): the rules' default options.
        self.calibration = calibration or {}
        self._ccnl_matches: dict[str, CcnlEntry | None] = {}
        self._ccnl_codes = {e.code.upper(): e for e in ccnl if e.code}
        # (ccnl) -> sorted [(valid_from, decree id, step id)] across decrees: the table in force on a date.
        self._timeline: dict[str, list[tuple[dt.date, str, str]]] = {}
        # The same steps by the date from which they could be known: a step becomes usable only when its
        # decree is issued (DD 30/2024 was issued on 14/6/2024 with steps from 1/2/2024). A tender priced
        # before that date could only use the previous decree (RULES_AUDIT.md §3 #3).
        self._known: dict[str, list[tuple[dt.date, dt.date, str, str]]] = {}
        for decree in decrees.values():
            for step in decree.steps:
                self._timeline.setdefault(decree.ccnl, []).append((step.valid_from, decree.id, step.id))
                self._known.setdefault(decree.ccnl, []).append(
                    (max(step.valid_from, decree.issued_on), step.valid_from, decree.id, step.id))
        for steps in self._timeline.values():
            steps.sort()
        for known in self._known.values():
            known.sort()
        # Look-ups by date, memoised: the data never change once loaded, and a run asks the same questions
        # (a few hundred publication dates a year) for every notice and rule. The answers are shared:
        # callers never mutate them. Keyed by (kind of look-up, arguments...).
        self._by_date: dict[tuple[Any, ...], Any] = {}
        # (topic, date) -> (law version, or the not_verifiable verdict saying why none applies): rules.common
        self.laws: dict[tuple[str, dt.date], tuple[Any, Any]] = {}

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

    def step_known_at(self, date: dt.date, ccnl: str = "T151", decree: str | None = None) -> tuple[Decree, Step] | None:
        """The table an authority could use on `date`: the latest step whose decree was already issued and
        that was already valid. Before DD 30/2024 was issued (14/6/2024) this is DD 7/2020's last step, even
        though DD 30/2024's first step is valid retroactively from 1/2/2024 (that step still counts for the
        contract's execution: `step_at`)."""
        key = ("known", date, ccnl, decree)
        found = self._by_date.get(key, _MISSING)
        if found is _MISSING:
            usable = [t for t in self._known.get(ccnl, []) if t[0] <= date and (decree is None or t[2] == decree)]
            if usable:
                # Among the steps knowable on the date, the one valid latest (a decree issued later may
                # carry steps valid earlier than the previous decree's last one: not the case so far).
                _, _, decree_id, step_id = max(usable, key=lambda t: (t[1], t[0]))
                found = (self.decrees[decree_id], self.decrees[decree_id].step(step_id))
            else:
                found = None
            self._remember(key, found)
        return found  # type: ignore[no-any-return]

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

    def ccnl_by_code(self, code: str) -> CcnlEntry | None:
        """The registry entry of a CNEL code ("T151"), None when the registry does not know it."""
        return self._ccnl_codes.get(re.sub(r"\s+", "", code).upper())

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
def load_legal_data(data_dir: Path = DATA_DIR, tables_dir: Path | None = None,
                    profiles_override: list[dict[str, Any]] | None = None,
                    ccnl_file: Path = REGISTRY_FILE) -> LegalData:
    """Load and validate every legal data file; imported official tables replace shipped ones."""
    decrees: dict[str, Decree] = {}
    meta = read_yaml(data_dir / "labour_costs" / "decrees.yaml")
    for raw in meta.get("decrees") or []:
        decree = parse_decree(raw, f"decrees.yaml {raw.get('id')}")
        decree.figures = read_table_rows(data_dir / "labour_costs" / str(raw.get("file")), decree)
        decrees[decree.id] = decree
    if tables_dir is not None and tables_dir.is_dir():
        for meta_path in sorted(tables_dir.glob("*.yaml")):
            raw = read_yaml(meta_path)
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

    profiles = parse_profiles(profiles_override or read_yaml(data_dir / "profiles.yaml").get("profiles") or [])

    thresholds_raw = read_yaml(data_dir / "thresholds.yaml")
    thresholds = {topic: parse_versions(raw, topic) for topic, raw in thresholds_raw.items()}
    for topic in THRESHOLD_TOPICS:
        if topic not in thresholds:
            raise LegalDataError(f"thresholds.yaml: topic {topic!r} missing")
    calibration = parse_calibration(read_yaml(data_dir / "calibration.yaml"))

    cas = parse_cas(read_yaml(data_dir / "cas_prices.yaml").get("capitolati") or [], decrees)
    return LegalData(decrees, ccnl, profiles, thresholds, cas, calibration)


@lru_cache(maxsize=8)
def cached_legal_data(tables_dir: str | None = None) -> LegalData:
    return load_legal_data(DATA_DIR, Path(tables_dir) if tables_dir else None)
