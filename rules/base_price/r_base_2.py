from __future__ import annotations

import datetime as dt

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ctx_ccnls, law_in_force, registry_entry
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
        A base price below hours × table cost cannot pay the CCNL wages: the cooperative that wins it pays
        less than the agreement or cuts hours.

    Legal basis:
        Art. 41 c. 13 D.Lgs. 36/2023, from 1/7/2023 (not changed by the correttivo): labour costs are
        determined on the Ministry of Labour tables. The tables are a parameter of congruity, not an
        inderogable minimum; small deviations are lawful, large ones make the call unlawful (CdS 3418/2025;
        TAR Lombardia 1546/2021; CdS III 3923/2016). Tables: DD 7/2020 (issued 17/2/2020) and DD 30/2024
        (issued 14/6/2024, steps from 1/2/2024), `rules/data/labour_costs/`. Reading on dates
        (RULES_AUDIT.md §3 #3): a notice is measured against the table it could use when published, i.e.
        the latest step valid on that date whose decree was already issued; DD 30/2024's retroactive
        February 2024 step does not apply to notices published before 14/6/2024.

    Methodology:
        Table cost = Σ(hours × hourly cost of the level) over the staff table, at the table known on the
        publication date, for the CCNL the tender names (by CNEL code or name; its tables must be loaded) or,
        when it names none, the Cooperative sociali (T151) tables for a social or CAS service. Implied hourly
        cost = labour_cost / Σ hours; gap % = (implied − table) / table. Compliant within the tolerance
        band (`tolerance_pct`, `tolerance_estimated_pct` while a figure used is an estimate:
        calibration.yaml). Below it, a violation whose severity follows the bands (shortfall <
        `info_below_pct` info; ≤ `critical_above_pct` warning; above critical). The table at the last
        step before the contract ends is reported, and so is an implied cost within `old_table_match_pct`
        of the previous decree's last step (a tender computed on the superseded tables).

    Does not flag:
        A gap inside the tolerance band (rounding and the error of estimated figures: the gap stays in the
        figures); a tender priced on DD 7/2020 before DD 30/2024 was issued; a tender naming no CCNL outside
        social and CAS services (a cleaning tender is not measured on the social cooperatives' tables); a
        CCNL without loaded tables; no labour cost or usable staff table; an implied cost below half or above
        three times the table (hours and cost not of the same period); notices before 1/7/2023.

    Assumptions:
        `hours` of a staff row are the contract's hours for that row; levels missing in the row come from
        the profile mapping. Most per-level figures are estimates until the official annex is transcribed:
        the verdict says so (`uses_estimate`).

    Flagged example:
        Published 3/11/2025, OSS level C2, 10.000 hours, labour cost € 198.900,00: € 19,89/h against
        € 23,65/h (DD 30/2024, ottobre 2025): -15,9 %, critical.

    Not flagged example:
        The same staff with a labour cost of € 235.300,00 (€ 23,53/h, -0,5 % on an estimated figure); or a
        notice of 15/4/2024 priced at € 20,66/h, the DD 7/2020 C2 cost then in force.
    """

    code = "R-BASE-2"
    name = "base.labour_cost_below_tables"
    family = "R-BASE"
    severity = "critical"
    version = "2"
    legal_basis = "art. 41 c. 13-14 D.Lgs. 36/2023; DD Ministero del Lavoro n. 7/2020 e n. 30/2024"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "labour_cost")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        assert ctx.published_on is not None
        labour = ctx.number("labour_cost")
        if labour is None:
            return not_verifiable("costi della manodopera non indicati nei documenti letti (vedi R-BASE-1)")
        ccnl, reason = tables_ccnl(ctx, legal)
        if ccnl is None:
            return not_verifiable(reason)
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
                   "ccnl_assumed": not ctx_ccnls(ctx),
                   "gap_eur": round(gap_eur, 2), "gap_pct": round(gap_pct, 2), "published_on": ctx.published_on.isoformat()}
        uses_estimate = cost.uses_estimate
        rise: StaffCost | None = None  # the table at the end of the contract, when the tender falls below it
        end_gap = 0.0
        months = ctx.number("duration_months")
        if months:
            end = add_months(ctx.published_on, int(months))
            try:
                end_cost = staff_cost(ctx, legal, end, ccnl=ccnl, known=False)
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
        tolerance = float(self.options["tolerance_estimated_pct" if cost.uses_estimate else "tolerance_pct"])
        figures["tolerance_pct"] = tolerance
        if gap_pct >= -tolerance:
            within = "" if gap_pct >= 0 else f" (scostamento entro la tolleranza del {fmt.pct(tolerance)})"
            return compliant(lambda: f"Costo della manodopera in linea con le tabelle: "
                             f"{_comparison(implied, cost, gap_pct)}{within}.{_rise(rise, end_gap)}{note}",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        old_match = old_table_match(ctx, legal, cost, implied, ccnl, float(self.options["old_table_match_pct"]))
        if old_match is not None:
            figures |= {"matches_old_table": old_match.decree.id, "old_table_hourly_cost": round(old_match.hourly, 4)}
            uses_estimate = uses_estimate or old_match.uses_estimate
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


def tables_ccnl(ctx: NoticeContext, legal: LegalData) -> tuple[str | None, str]:
    """The CNEL code whose Ministry tables measure the tender, or None with the Italian reason."""
    named = ctx_ccnls(ctx)
    if named:
        codes = []
        for n in named:
            entry = registry_entry(n, legal)
            code = n.code or (entry.code if entry is not None else None)
            if code:
                codes.append(code)
        found = next((c for c in codes if legal.has_tables(c)), None)
        if found is None:
            return None, (f"nessuna tabella ministeriale caricata per il CCNL indicato («{'; '.join(n.label for n in named)}»); "
                          "si può importare con `observatory tables import`")
        return found, ""
    scope = ctx.scope
    if scope is not None and scope.tags.isdisjoint(("social", "cas")):
        return None, ("nessun CCNL indicato e servizio non sociale: le tabelle delle cooperative sociali non sono "
                      "il parametro di questo appalto (vedi R-CCNL-1)")
    return "T151", ""


def old_table_match(ctx: NoticeContext, legal: LegalData, cost: StaffCost, implied: float, ccnl: str,
                    match_pct: float) -> StaffCost | None:
    """The previous decree's last step when the implied cost matches it (within `match_pct`)."""
    older = [d for d in legal.decrees.values() if d.ccnl == ccnl and d.id != cost.decree.id
             and d.issued_on < cost.decree.issued_on]
    if not older:
        return None
    last = max(older, key=lambda d: d.issued_on)
    try:
        old = staff_cost(ctx, legal, last.steps[-1].valid_from, decree=last.id, ccnl=ccnl, known=False)
    except StaffCostError:
        return None
    return old if abs(implied / old.hourly - 1) * 100 <= match_pct else None
