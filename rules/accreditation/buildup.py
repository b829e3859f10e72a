"""A tariff's build-up: staff minutes × Ministry hourly cost (+ the other cost items the act states) = the
cost floor, set against the tariff (ACCREDITATION.md §3.1). Used by R-ACC-1, `rules explain --tariff` and the
report.

Two staff costs are worked out. The *floor* prices every minute at the lowest CCNL level (A1): no
CCNL-compliant staffing of those minutes costs less, whatever the levels, so it needs no level mapping. The
*full* cost prices each profile at its level (stated in the act's staff standard), when every level is known.
The Ministry table is a cost per hour actually worked, so it already covers absences: no second factor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules import format as fmt
from rules.accreditation.context import TariffContext, worst_status
from rules.context import to_float
from rules.labour import normalise_level
from rules.legal import LegalData, TableFigure

# How many staff-standard periods fit in one tariff unit.
_PER_UNIT = {("day", "day"): 1.0, ("week", "week"): 1.0, ("week", "day"): 1 / 7, ("day", "week"): 7.0,
             ("hour", "hour"): 1.0, ("access", "access"): 1.0, ("month", "month"): 1.0}
UNIT_LABELS = {"day": "giorno", "hour": "ora", "access": "accesso", "week": "settimana", "month": "mese"}


class BuildUpError(Exception):
    """The build-up cannot be made; the message is the Italian reason."""


@dataclass
class StaffLine:
    profile: str
    level: str | None
    minutes: float  # per tariff unit
    status: str
    floor_figure: TableFigure
    level_figure: TableFigure | None

    @property
    def floor_cost(self) -> float:
        return self.minutes / 60 * self.floor_figure.hourly_cost

    @property
    def level_cost(self) -> float | None:
        return None if self.level_figure is None else self.minutes / 60 * self.level_figure.hourly_cost


@dataclass
class BuildUp:
    date: dt.date
    unit: str
    lines: list[StaffLine] = field(default_factory=list)
    other_costs: list[tuple[str, float]] = field(default_factory=list)
    other_status: str = "verified"

    @property
    def minutes(self) -> float:
        return sum(line.minutes for line in self.lines)

    @property
    def floor_staff(self) -> float:
        return sum(line.floor_cost for line in self.lines)

    @property
    def full_staff(self) -> float | None:
        costs = [line.level_cost for line in self.lines]
        return None if any(c is None for c in costs) else sum(c for c in costs if c is not None)

    @property
    def other_total(self) -> float:
        return sum(amount for _, amount in self.other_costs)

    @property
    def full_total(self) -> float | None:
        staff = self.full_staff
        return None if staff is None else staff + self.other_total

    @property
    def staff_status(self) -> str:
        return worst_status([line.status for line in self.lines])

    @property
    def floor_rate(self) -> TableFigure:
        return self.lines[0].floor_figure

    @property
    def rates_verified(self) -> bool:
        """Every table figure the full cost uses is verified."""
        return all(line.level_figure is not None and not line.level_figure.estimated for line in self.lines)

    def as_figures(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(), "unit": self.unit, "minutes": round(self.minutes, 2),
            "floor_level": self.floor_rate.level, "floor_hourly_cost": self.floor_rate.hourly_cost,
            "floor_table": f"{self.floor_rate.decree} {self.floor_rate.step}", "floor_label": self.floor_rate.label,
            "floor_status": self.floor_rate.status,
            "floor_staff_cost": round(self.floor_staff, 2),
            "full_staff_cost": None if self.full_staff is None else round(self.full_staff, 2),
            "other_costs": round(self.other_total, 2), "full_cost": None if self.full_total is None else round(self.full_total, 2),
            "staff_status": self.staff_status,
            "lines": [{"profile": line.profile, "level": line.level, "minutes": round(line.minutes, 2),
                       "status": line.status, "floor_cost": round(line.floor_cost, 2),
                       "level_hourly_cost": line.level_figure.hourly_cost if line.level_figure else None,
                       "level_status": line.level_figure.status if line.level_figure else None,
                       "level_cost": None if line.level_cost is None else round(line.level_cost, 2)}
                      for line in self.lines],
        }

    def describe(self, tariff: float | None = None) -> list[str]:
        """The build-up in Italian, one line per item (for `rules explain --tariff`, the report, the digest)."""
        return describe_figures({**self.as_figures(), "tariff": tariff}, self.unit)


def _minutes(value: float) -> str:
    return fmt.number(value, 0 if float(value).is_integer() else 1)


def build_up(ctx: TariffContext, legal: LegalData, floor_level: str) -> BuildUp:
    date = ctx.reference_date
    if date is None:
        raise BuildUpError("data di validità della tariffa non indicata: tabella ministeriale non individuabile")
    if not ctx.staff:
        raise BuildUpError("l'atto non indica lo standard di personale (minuti per ospite e profilo)")
    floor = legal.hourly_cost(floor_level, date)
    if floor is None:
        raise BuildUpError(f"nessuna tabella ministeriale in vigore al {fmt.day(date)}")
    result = BuildUp(date, ctx.unit)
    problems = []
    for row in ctx.staff:
        if not isinstance(row, dict):
            continue
        profile = str(row.get("profile") or "").strip() or "personale"
        minutes = to_float(row.get("minutes"))
        per = str(row.get("per") or "day")
        factor = _PER_UNIT.get((per, ctx.unit))
        if minutes is None or minutes <= 0:
            problems.append(f"minuti non indicati per «{profile}»")
            continue
        if factor is None:
            problems.append(f"minuti per {UNIT_LABELS.get(per, per)} di «{profile}» non confrontabili con una "
                            f"tariffa per {UNIT_LABELS.get(ctx.unit, ctx.unit)}")
            continue
        level = normalise_level(row.get("level"))
        result.lines.append(StaffLine(profile, level, minutes * factor, ctx.row_status(row, "staff"), floor,
                                      legal.hourly_cost(level, date) if level else None))
    if problems:
        raise BuildUpError("; ".join(problems))
    if not result.lines:
        raise BuildUpError("standard di personale senza righe utilizzabili")
    statuses = []
    for item in ctx.other_costs:
        amount = to_float(item.get("amount")) if isinstance(item, dict) else None
        if amount is not None:
            result.other_costs.append((str(item.get("item") or "altri costi"), amount))
            statuses.append(ctx.row_status(item, "other_costs"))
    result.other_status = worst_status(statuses) if statuses else "verified"
    return result


def describe_figures(figures: dict[str, Any], unit: str) -> list[str]:
    """The build-up lines from the figures R-ACC-1 stored (the digest shows them without recomputing)."""
    if "lines" not in figures or "floor_staff_cost" not in figures:
        return []
    label = UNIT_LABELS.get(unit, unit)
    out = []
    for line in figures["lines"]:
        level = f"livello {line['level']}" if line.get("level") else "livello non indicato"
        full = ""
        if line.get("level_cost") is not None:
            estimate = " (stima)" if line.get("level_status") != "verified" else ""
            full = (f"; al {level}: {fmt.euro_hour(line['level_hourly_cost'])} = {fmt.euro(line['level_cost'])}"
                    f"{estimate}")
        out.append(f"{line['profile']} ({level}): {_minutes(line['minutes'])} min/{label} × "
                   f"{fmt.euro_hour(figures['floor_hourly_cost'])} ({figures['floor_level']}) = "
                   f"{fmt.euro(line['floor_cost'])}{full}")
    out.append(f"Soglia minima personale ({_minutes(figures['minutes'])} min × costo {figures['floor_level']}, "
               f"{figures.get('floor_label') or figures['floor_table']}): {fmt.euro(figures['floor_staff_cost'])}")
    if figures.get("full_staff_cost") is not None:
        out.append(f"Costo del personale ai livelli indicati: {fmt.euro(figures['full_staff_cost'])}")
    if figures.get("other_costs"):
        out.append(f"+ altri costi indicati dall'atto: {fmt.euro(figures['other_costs'])}")
        if figures.get("full_cost") is not None:
            out.append(f"Costo complessivo ai livelli indicati: {fmt.euro(figures['full_cost'])}")
    if figures.get("tariff") is not None:
        out.append(f"Tariffa: {fmt.euro(figures['tariff'])} per {label} (differenza sulla soglia minima: "
                   f"{fmt.euro(figures['tariff'] - figures['floor_staff_cost'])})")
    return out
