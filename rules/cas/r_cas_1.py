from __future__ import annotations

import re

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.labour import StaffCostError, implausible, staff_cost
from rules.legal import LegalData

OLD_TABLE = re.compile(r"\b7\s*/\s*2020\b|17\s*febbraio\s*2020|ccnl\s+(del\s+)?28[./]0?3[./]2019|2017\s*[-/]\s*2019")


class R_CAS_1(Rule):
    """A CAS tender prices its staff on the 2017-2019 tables (DD 7/2020) or below DD 30/2024.

    Why it matters:
        The 2021 capitolato was costed on "la nuova tabella del costo del personale elaborata dal
        Ministero del Lavoro", i.e. DD 7/2020 (CCNL 2017-2019); the National Observatory says the 2024
        prices were too. DD 30/2024 is 7-16 % higher (A1 17,28 → 20,07 €/h). Reception operators are
        then paid on a contract that expired.

    Methodology:
        Implied hourly cost = labour_cost / Σ staff hours. Compared with the DD 30/2024 cost of the
        staff mix at publication and with the last DD 7/2020 step (September 2020). Violation
        (critical) when the documents cite DD 7/2020 / the 2019 CCNL, or when the implied cost is within
        `match_tolerance_pct` (default 1,5) of the DD 7/2020 cost; violation (warning) when it is below
        DD 30/2024 otherwise; compliant at or above DD 30/2024.

    Exclusions:
        Not a CAS tender; no labour cost or staff table and no table cited; hours and cost not for the
        same period (implied cost below half or above three times the table): not verifiable.

    Assumptions:
        As in R-BASE-2 (hours per row over the contract; per-level costs mostly estimated).

    Flagged example:
        Prefecture, 2025: operatori C1 20.000 h, labour cost € 400.800,00 = € 20,04/h = DD 7/2020 C1.

    Not flagged example:
        The same staff at € 23,50/h.
    """

    code = "R-CAS-1"
    name = "cas.staff_cost_old_tables"
    family = "R-CAS"
    severity = "critical"
    version = "1"
    legal_basis = "art. 41 c. 13 D.Lgs. 36/2023; DD 30/2024 e DD 7/2020; schema di capitolato DM 29/1/2021 e DM 4/3/2024"
    applies_to = ("cas",)
    config_defaults = {"match_tolerance_pct": 1.5}

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        cited = " ".join(str(e.get("text") or "") for e in ctx.evidence("labour_table", "labour_cost"))
        cited += " " + str(ctx.value("labour_table") or "")
        if OLD_TABLE.search(cited.lower()):
            return violation("Il costo del personale della gara CAS è calcolato sulle tabelle ministeriali DD 7/2020 "
                             "(CCNL 2017-2019), superate dal DD 30/2024.",
                             figures={"cited_table": "DD7-2020"}, evidence=ctx.evidence("labour_table", "labour_cost"))
        labour = ctx.number("labour_cost")
        if ctx.published_on is None or labour is None:
            return not_verifiable("costo del personale o data di pubblicazione non disponibili")
        try:
            current = staff_cost(ctx, legal, ctx.published_on)
            old = staff_cost(ctx, legal, ctx.published_on, decree="DD7-2020")
        except StaffCostError as exc:
            return not_verifiable(str(exc))
        implied = labour / current.hours
        if (reason := implausible(implied, current.hourly)) is not None:
            return not_verifiable(reason)
        gap = (implied - current.hourly) / current.hourly * 100
        old_gap = (implied - old.hourly) / old.hourly * 100
        uses_estimate = current.uses_estimate or old.uses_estimate
        figures = {"labour_cost": labour, "implied_hourly_cost": round(implied, 4), **current.as_figures(),
                   "gap_pct": round(gap, 2), "dd7_hourly_cost": round(old.hourly, 4), "dd7_gap_pct": round(old_gap, 2)}
        note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
        evidence = ctx.evidence("labour_cost", "staff")

        def head() -> str:  # formatted only when the message is read (see rules.base.Message)
            return (f"{fmt.euro_hour(implied)} contro {fmt.euro_hour(current.hourly)} del CCNL "
                    f"({current.label})")

        if gap >= 0:
            return compliant(lambda: f"Costo del personale della gara CAS in linea con il DD 30/2024: "
                             f"{head()}.{note}",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        if abs(old_gap) <= float(self.options["match_tolerance_pct"]):
            return violation(lambda: "Costo del personale della gara CAS pari alle vecchie tabelle DD 7/2020 "
                             f"({fmt.euro_hour(old.hourly)}): {head()}, {fmt.pct(gap, signed=True)}.{note}",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        return violation(lambda: f"Costo del personale della gara CAS sotto le tabelle DD 30/2024: {head()}, "
                         f"{fmt.pct(gap, signed=True)}.{note}", severity="warning", figures=figures,
                         evidence=evidence, uses_estimate=uses_estimate)
