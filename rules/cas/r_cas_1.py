from __future__ import annotations

import re

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.base_price.r_base_2 import old_table_match, tables_ccnl
from rules.common import law_in_force
from rules.context import NoticeContext
from rules.labour import StaffCostError, implausible, staff_cost
from rules.legal import LegalData, decree_label

OLD_TABLE = re.compile(r"\b7\s*/\s*2020\b|17\s*febbraio\s*2020|ccnl\s+(del\s+)?28[./]0?3[./]2019|2017\s*[-/]\s*2019",
                       re.IGNORECASE)
CURRENT_TABLE = re.compile(r"\b30\s*/\s*2024\b|14\s*giugno\s*2024|2023\s*[-/]\s*2025", re.IGNORECASE)
# The old decree named only as replaced or superseded: not the basis of the cost.
REPLACED = re.compile(r"sostitui|superat|abrogat|in luogo|anziché|invece d|aggiornat|non pi[uù]|precedent|previgent",
                      re.IGNORECASE)


def cites_old_table(texts: list[str]) -> bool:
    """A positive citation of DD 7/2020 (or the 2017-2019 CCNL) as the cost's basis: a sentence naming it
    that does not present it as replaced ("che sostituiscono quelle del D.D. n. 7/2020")."""
    return any(OLD_TABLE.search(t) and not REPLACED.search(t) for t in texts)


class R_CAS_1(Rule):
    """A CAS tender prices its staff on the superseded tables (DD 7/2020) or below the tables then known.

    Why it matters:
        The 2021 capitolato was costed on DD 7/2020 (CCNL 2017-2019); the National Observatory says the 2024
        prices were too. DD 30/2024 is 7-16 % higher (A1 17,28 → 20,07 €/h): reception operators are then
        paid on a contract that expired.

    Legal basis:
        Art. 41 c. 13 D.Lgs. 36/2023, from 1/7/2023: labour cost from the Ministry tables; DD 7/2020
        (issued 17/2/2020) and DD 30/2024 (issued 14/6/2024, steps from 1/2/2024); schema di capitolato DM
        29/1/2021 and DM 4/3/2024. Readings (RULES_AUDIT.md §3 #3, #7): a notice is measured on the table it
        could know when published (DD 7/2020 until 13/6/2024); a mention of DD 7/2020 is a violation only
        when it is cited as the cost's basis, and never against figures that meet the current tables.

    Methodology:
        With a labour cost and a staff table: implied hourly cost = labour_cost / Σ hours, compared with the
        cost of the staff mix at the table known on the publication date. Within the tolerance band
        (`tolerance_pct`, `tolerance_estimated_pct`): compliant. Below it: violation, critical when the
        implied cost is within `match_tolerance_pct` of the previous decree's last step (priced on the
        superseded tables), warning otherwise. Without figures, the documents' citation decides: DD 7/2020
        cited as the basis after DD 30/2024 was issued → violation (critical); DD 30/2024 cited → compliant.

    Does not flag:
        "Tabelle del D.D. n. 30/2024, che sostituiscono quelle del D.D. n. 7/2020" (a mention of the old
        decree as replaced); a CAS priced on DD 7/2020 before 14/6/2024; figures at or above the current
        tables whatever the documents cite; hours and cost of different periods (implied cost below half or
        above three times the table); no figures and no citation; notices before 1/7/2023; not a CAS.

    Assumptions:
        As in R-BASE-2 (hours per row over the contract; per-level costs mostly estimated).

    Flagged example:
        Prefecture, 2025: operatori C1 20.000 h, labour cost € 400.800,00 = € 20,04/h = DD 7/2020 C1.

    Not flagged example:
        The same staff at € 23,50/h; or "costo calcolato sulle tabelle del D.D. n. 30/2024, che sostituiscono
        quelle del D.D. n. 7/2020".
    """

    code = "R-CAS-1"
    name = "cas.staff_cost_old_tables"
    family = "R-CAS"
    severity = "critical"
    version = "2"
    legal_basis = "art. 41 c. 13 D.Lgs. 36/2023; DD 30/2024 e DD 7/2020; schema di capitolato DM 29/1/2021 e DM 4/3/2024"
    applies_to = ("cas",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "labour_cost")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        assert ctx.published_on is not None
        labour = ctx.number("labour_cost")
        ccnl, reason = tables_ccnl(ctx, legal)
        if ccnl is None:
            return not_verifiable(reason)
        try:
            current = staff_cost(ctx, legal, ctx.published_on, ccnl=ccnl) if labour is not None else None
        except StaffCostError:
            current = None
        if labour is not None and current is not None:
            return self._by_figures(ctx, legal, labour, current, ccnl)
        return self._by_citation(ctx, legal)

    def _by_figures(self, ctx: NoticeContext, legal: LegalData, labour: float, current, ccnl: str) -> Verdict:  # type: ignore[no-untyped-def]
        implied = labour / current.hours
        if (reason := implausible(implied, current.hourly)) is not None:
            return not_verifiable(reason)
        gap = (implied - current.hourly) / current.hourly * 100
        tolerance = float(self.options["tolerance_estimated_pct" if current.uses_estimate else "tolerance_pct"])
        old = old_table_match(ctx, legal, current, implied, ccnl, float(self.options["match_tolerance_pct"]))
        uses_estimate = current.uses_estimate or (old is not None and old.uses_estimate)
        figures = {"labour_cost": labour, "implied_hourly_cost": round(implied, 4), **current.as_figures(),
                   "gap_pct": round(gap, 2), "tolerance_pct": tolerance}
        if old is not None:
            figures |= {"old_table": old.decree.id, "old_table_hourly_cost": round(old.hourly, 4)}
        note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
        evidence = ctx.evidence("labour_cost", "staff")

        def head() -> str:  # formatted only when the message is read (see rules.base.Message)
            return (f"{fmt.euro_hour(implied)} contro {fmt.euro_hour(current.hourly)} del CCNL "
                    f"({current.label}, {decree_label(current.decree.id)})")

        if gap >= -tolerance:
            return compliant(lambda: f"Costo del personale della gara CAS in linea con le tabelle ministeriali: "
                             f"{head()}.{note}", figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        if old is not None:
            return violation(lambda: f"Costo del personale della gara CAS pari alle tabelle superate "
                             f"{decree_label(old.decree.id)} ({fmt.euro_hour(old.hourly)}): {head()}, "
                             f"{fmt.pct(gap, signed=True)}.{note}",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        return violation(lambda: f"Costo del personale della gara CAS sotto le tabelle ministeriali: {head()}, "
                         f"{fmt.pct(gap, signed=True)}.{note}", severity="warning", figures=figures,
                         evidence=evidence, uses_estimate=uses_estimate)

    def _by_citation(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        evidence = ctx.evidence("labour_table", "labour_cost")
        texts = [str(e.get("text") or "") for e in evidence]
        value = str(ctx.value("labour_table") or "")
        assert ctx.published_on is not None
        known = legal.step_known_at(ctx.published_on)
        newer_known = known is not None and known[0].id != "DD7-2020"
        cited_current = any(CURRENT_TABLE.search(t) for t in [value, *texts])
        cited_old = cites_old_table(texts) or (bool(OLD_TABLE.search(value)) and not any(REPLACED.search(t) for t in texts))
        figures = {"cited_table": "DD7-2020" if cited_old and not cited_current else
                   "DD30-2024" if cited_current else None}
        if cited_old and not cited_current and newer_known:
            return violation("Il costo del personale della gara CAS è calcolato sulle tabelle ministeriali DD 7/2020 "
                             "(CCNL 2017-2019), superate dal DD 30/2024 già emanato alla pubblicazione.",
                             figures=figures, evidence=evidence)
        if cited_current:
            return compliant("La gara CAS dichiara di calcolare il costo del personale sulle tabelle DD 30/2024.",
                             figures=figures, evidence=evidence)
        return not_verifiable("costo del personale e tabella del personale non disponibili, e nessuna tabella "
                              "ministeriale citata come base del costo", figures=figures, evidence=evidence)
