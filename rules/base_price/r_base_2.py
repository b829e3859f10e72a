from __future__ import annotations

import datetime as dt

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ccnl_names
from rules.context import NoticeContext
from rules.labour import StaffCost, StaffCostError, implausible, staff_cost
from rules.legal import LegalData, decree_label


def add_months(date: dt.date, months: int) -> dt.date:
    year, month = divmod(date.month - 1 + months, 12)
    return dt.date(date.year + year, month + 1, 1)


# Pieces of the message, formatted only when the message is read (see rules.base.Message).
def _comparison(implied: float, cost: StaffCost, gap_pct: float) -> str:
    mean = "medi " if len(cost.levels) > 1 else ""
    return (f"{fmt.euro_hour(implied)} {mean}contro {fmt.euro_hour(cost.hourly)} {mean}del CCNL "
            f"({cost.label}): {fmt.pct(gap_pct, signed=True)}")


def _rise(end_cost: StaffCost | None, end_gap: float) -> str:
    if end_cost is None:
        return ""
    return (f" Durante il contratto la tabella sale a {fmt.euro_hour(end_cost.hourly)} "
            f"(da {fmt.month(end_cost.step.valid_from)}): {fmt.pct(end_gap)}.")


def _old_table(old_cost: StaffCost | None) -> str:
    if old_cost is None:
        return ""
    return (f" Il costo orario coincide con le tabelle superate {decree_label(old_cost.decree.id)}"
            f" ({fmt.euro_hour(old_cost.hourly)}): la gara sembra calcolata sul CCNL precedente.")


class R_BASE_2(Rule):
    """The labour cost of the tender is below the Ministry table cost for the staff it requires.

    Why it matters:
        Art. 41 c. 13 D.Lgs. 36/2023: labour costs are determined from the Ministry of Labour tables.
        A base price below hours × table cost cannot pay the CCNL wages (TAR Lombardia 1546/2021:
        large deviations make the call unlawful; CdS 3418/2025: the tables are a parameter, not the
        minimum wage itself, hence the severity bands).

    Methodology:
        Table cost = Σ(hours × hourly cost of the level) over the staff table, with the table step
        in force on the publication date (DD 30/2024 and its six steps; DD 7/2020 before February
        2024). Implied hourly cost = labour_cost / Σ hours. Gap % = (implied − table) / table.
        Gap ≥ −tolerance_pct: compliant. Otherwise a violation whose severity follows the bands:
        shortfall < info_below_pct → info; ≤ critical_above_pct → warning; above → critical. The
        table cost at the last step before the contract ends is reported too, and so is an implied
        cost within `old_table_match_pct` (1,5 %) of the previous decree's last step (DD 7/2020,
        CCNL 2017-2019): a tender computed on the superseded tables.

    Exclusions:
        No labour cost or no usable staff table (not verifiable, with the reason); a named CCNL with no
        Ministry table loaded (only the Cooperative sociali ones ship; others via `tables import`); an implied hourly cost below half
        or above three times the table (hours and cost not for the same period: not verifiable).

    Assumptions:
        `hours` of a staff row are the contract's hours for that row; levels missing in the row come
        from the profile mapping; a tender naming no CCNL is checked on the Cooperative sociali tables. Most per-level figures are estimates until the official annex is
        transcribed: the verdict says so (`uses_estimate`).

    Flagged example:
        Published 3/11/2025, OSS level C2, 10.000 hours, labour cost € 198.900,00: € 19,89/h against
        € 23,65/h (DD 30/2024, ottobre 2025): -15,9 %, critical.

    Not flagged example:
        The same staff with a labour cost of € 240.000,00 (€ 24,00/h).
    """

    code = "R-BASE-2"
    name = "base.labour_cost_below_tables"
    family = "R-BASE"
    severity = "critical"
    version = "1"
    legal_basis = "art. 41 c. 13-14 D.Lgs. 36/2023; DD Ministero del Lavoro n. 30/2024"
    config_defaults = {"tolerance_pct": 0.0, "info_below_pct": 2.0, "critical_above_pct": 5.0,
                       "old_table_match_pct": 1.5}

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        if ctx.published_on is None:
            return not_verifiable("data di pubblicazione sconosciuta: tabella ministeriale non individuabile")
        labour = ctx.number("labour_cost")
        if labour is None:
            return not_verifiable("costi della manodopera non indicati nei documenti letti (vedi R-BASE-1)")
        named = ccnl_names(ctx.value("ccnl"))
        codes = [e.code for e in map(legal.match_ccnl, named) if e is not None and e.code]
        ccnl = next((c for c in codes if legal.has_tables(c)), None) if named else "T151"
        if ccnl is None:
            return not_verifiable(f"nessuna tabella ministeriale caricata per il CCNL indicato («{'; '.join(named)}»); "
                                  "si può importare con `observatory tables import`")
        try:
            cost = staff_cost(ctx, legal, ctx.published_on, ccnl=ccnl)
        except StaffCostError as exc:
            return not_verifiable(str(exc))
        implied = labour / cost.hours
        if (reason := implausible(implied, cost.hourly)) is not None:
            return not_verifiable(reason, figures={"labour_cost": labour, "implied_hourly_cost": round(implied, 4),
                                                   **cost.as_figures()})
        gap_pct = (implied - cost.hourly) / cost.hourly * 100
        gap_eur = labour - cost.total
        figures = {"labour_cost": labour, "implied_hourly_cost": round(implied, 4), **cost.as_figures(), "ccnl": ccnl,
                   "ccnl_assumed": not named,
                   "gap_eur": round(gap_eur, 2), "gap_pct": round(gap_pct, 2), "published_on": ctx.published_on.isoformat()}
        uses_estimate = cost.uses_estimate
        rise: StaffCost | None = None  # the table at the end of the contract, when the tender falls below it
        end_gap = 0.0
        months = ctx.number("duration_months")
        if months:
            end = add_months(ctx.published_on, int(months))
            try:
                end_cost = staff_cost(ctx, legal, end, ccnl=ccnl)
            except StaffCostError:
                end_cost = None
            if end_cost is not None and end_cost.step.id != cost.step.id:
                end_gap = (implied - end_cost.hourly) / end_cost.hourly * 100
                figures |= {"table_step_end": end_cost.step.id, "table_hourly_cost_end": round(end_cost.hourly, 4),
                            "gap_pct_end": round(end_gap, 2)}
                uses_estimate = uses_estimate or end_cost.uses_estimate
                if end_gap < 0:
                    rise = end_cost
        note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
        evidence = ctx.evidence("labour_cost", "staff")
        if gap_pct >= -float(self.options["tolerance_pct"]):
            return compliant(lambda: f"Costo della manodopera in linea con le tabelle: "
                             f"{_comparison(implied, cost, gap_pct)}.{_rise(rise, end_gap)}{note}",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        old_match: StaffCost | None = None
        previous = legal.step_at(ctx.published_on, ccnl)
        older = [d for d in legal.decrees.values() if d.ccnl == ccnl and previous and d.id != previous[0].id
                 and d.issued_on < previous[0].issued_on]
        if older:
            last = max(older, key=lambda d: d.issued_on)
            try:
                old_cost = staff_cost(ctx, legal, last.steps[-1].valid_from, decree=last.id, ccnl=ccnl)
            except StaffCostError:
                old_cost = None
            if old_cost is not None and abs(implied / old_cost.hourly - 1) * 100 <= float(self.options["old_table_match_pct"]):
                figures |= {"matches_old_table": last.id, "old_table_hourly_cost": round(old_cost.hourly, 4)}
                uses_estimate = uses_estimate or old_cost.uses_estimate
                old_match = old_cost
        shortfall = -gap_pct
        if shortfall < float(self.options["info_below_pct"]):
            severity = "info"
        elif shortfall <= float(self.options["critical_above_pct"]):
            severity = "warning"
        else:
            severity = "critical"
        return violation(
            lambda: "Costo della manodopera sotto le tabelle ministeriali: "
            f"{_comparison(implied, cost, gap_pct)} ({fmt.euro(-gap_eur)} in meno sul monte ore di "
            f"{fmt.number(cost.hours, 0)} ore)."
            f"{_rise(rise, end_gap)}{_old_table(old_match)}{note}",
            severity=severity, figures=figures, evidence=evidence, uses_estimate=uses_estimate,
        )
