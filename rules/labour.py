"""Labour cost of a staff table at Ministry table rates: Σ(hours × hourly cost of the level), shared by
R-BASE-2, R-CAS-1 and R-ANOM-2.

A staff row is `{"profile", "level", "hours", "count"}` (issue 8). `hours` is the row's total hours
over the contract (the tenders' "monte ore" of the profile); `count` is informational. The row's
level wins; a row without one gets the level of its profile from the configurable mapping
(`rules/data/profiles.yaml`), and the verdict says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rules import format as fmt
from rules.context import NoticeContext, to_float
from rules.legal import LEVELS, Decree, LegalData, Step, TableFigure

LEVEL_RE = re.compile(r"\b([A-F])\s*([1-3])\b", re.IGNORECASE)


LABEL_WORDS = re.compile(r"\b(livello|liv\.?|categoria|cat\.?|posizione economica|pos\.?)\s*", re.IGNORECASE)


def normalise_level(raw: Any, ccnl: str = "T151") -> str | None:
    """'cat. C2' -> 'C2' for the Cooperative sociali; other CCNLs keep their own labels ('4S')."""
    if raw is None:
        return None
    return _level_label(str(raw), ccnl)


@lru_cache(maxsize=4096)  # a few labels, read on every staff row of every notice by three rules
def _level_label(text: str, ccnl: str) -> str | None:
    if ccnl != "T151":
        label = LABEL_WORDS.sub("", text).strip().upper().replace(" ", "")
        return label or None
    match = LEVEL_RE.search(text)
    if not match:
        return None
    level = f"{match.group(1).upper()}{match.group(2)}"
    return level if level in LEVELS else None


@dataclass
class StaffRow:
    profile: str
    level: str
    level_from: str  # "bando" or "profilo"
    hours: float
    figure: TableFigure

    @property
    def cost(self) -> float:
        return self.hours * self.figure.hourly_cost


@dataclass
class StaffCost:
    decree: Decree
    step: Step
    rows: list[StaffRow] = field(default_factory=list)
    # Totals, worked out once by `close()` when the rows are complete (staff_cost() does it). Plain
    # attributes rather than cached properties: Python 3.11's cached_property takes a lock on every first
    # read, and three rules read them for every notice.
    hours: float = field(default=0.0, init=False)
    total: float = field(default=0.0, init=False)
    hourly: float = field(default=0.0, init=False)
    uses_estimate: bool = field(default=False, init=False)

    def close(self) -> StaffCost:
        self.hours = sum(r.hours for r in self.rows)
        self.total = sum(r.cost for r in self.rows)
        self.hourly = self.total / self.hours
        self.uses_estimate = any(r.figure.estimated for r in self.rows)
        return self

    @property
    def levels(self) -> list[str]:  # read by the messages only
        return sorted({r.level for r in self.rows})

    @property
    def label(self) -> str:
        """'livello C2, ottobre 2025' or 'livelli C2, D2, ottobre 2025'."""
        levels = self.levels
        word = "livello" if len(levels) == 1 else "livelli"
        return f"{word} {', '.join(levels)}, {fmt.month(self.step.valid_from)}"

    def as_figures(self) -> dict[str, Any]:
        return {
            "table": self.decree.id, "table_step": self.step.id, "table_hourly_cost": round(self.hourly, 4),
            "table_total_cost": round(self.total, 2), "hours": self.hours,
            "rows": [{"profile": r.profile, "level": r.level, "level_from": r.level_from, "hours": r.hours,
                      "hourly_cost": r.figure.hourly_cost, "status": r.figure.status} for r in self.rows],
            "table_figures_status": "estimated" if self.uses_estimate else "verified",
        }


class StaffCostError(Exception):
    """Raised when the staff table cannot be priced; the message is the Italian reason."""


def staff_cost(ctx: NoticeContext, legal: LegalData, date: dt.date, *, decree: str | None = None,
               ccnl: str = "T151", known: bool = True, scale: float = 1.0) -> StaffCost:
    """The staff table priced at the Ministry table of `date`: by default the table that could be known
    on that date (its decree issued: what a tender or an offer could be priced on); `known=False` takes
    the step legally in force, retroactive steps included (what the contract owes during execution).
    `scale` multiplies every row's hours (hours stated for a longer period than the one compared)."""
    staff = ctx.value("staff")
    if not staff or not isinstance(staff, list):
        raise StaffCostError("tabella del personale (profili, livelli, ore) non trovata nei documenti")
    found = legal.step_known_at(date, ccnl, decree) if known else legal.step_at(date, ccnl, decree)
    if found is None:
        raise StaffCostError(f"nessuna tabella ministeriale in vigore al {fmt.day(date)}")
    cost = StaffCost(found[0], found[1])
    problems = []
    for raw in staff:
        if not isinstance(raw, dict):
            continue
        profile = str(raw.get("profile") or "").strip()
        hours = to_float(raw.get("hours"))
        level, level_from = normalise_level(raw.get("level"), ccnl), "bando"
        if level is None and profile and ccnl == "T151":  # the profile mapping is the Cooperative sociali one
            mapped = legal.level_for_profile(profile)
            if mapped is not None:
                level = mapped.level_on(date)
                level_from = "profilo"
        if level is None:
            problems.append(f"livello non indicato per «{profile or '?'}»")
            continue
        if not hours or hours <= 0:
            problems.append(f"ore non indicate per «{profile or level}»")
            continue
        figure = legal.figure(cost.decree, cost.step, level)
        if figure is None:
            problems.append(f"livello {level} assente dalla tabella {cost.decree.id}")
            continue
        cost.rows.append(StaffRow(profile or level, level, level_from, hours * scale, figure))
    if problems:
        raise StaffCostError("; ".join(problems))
    if not cost.rows:
        raise StaffCostError("tabella del personale senza righe utilizzabili")
    return cost.close()


def implausible(implied: float, table: float, low: float = 0.5, high: float = 3.0) -> str | None:
    """Italian reason when the implied hourly cost is too far from any table to be the same unit (weekly or
    yearly hours against a total labour cost, a yearly cost against contract hours), else None."""
    ratio = implied / table
    if low <= ratio <= high:
        return None
    return (f"costo orario implicito di {fmt.euro_hour(implied)} contro {fmt.euro_hour(table)} di tabella: ore e "
            "costo della manodopera non sembrano riferiti allo stesso periodo (ore settimanali o annue?)")
