from __future__ import annotations

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.labour import StaffCostError, staff_cost
from rules.legal import LegalData


class R_ANOM_2(Rule):
    """The awarded price is below the table labour cost, or the winning discount is very large.

    Why it matters:
        Art. 110 c. 4: no justification is admitted for wages below the inderogable minimums; a labour
        cost below the mandatory pay levels is an index of anomaly (CdS 4699/2015). An awarded amount
        that does not even cover hours × table cost, or a discount far above the usual, means the
        workers will pay for it.

    Methodology:
        From the award data (`contract_execution`). (a) Awarded amount compared with Σ(hours × table
        cost) of the staff table at the award date (or publication date) plus safety costs:
        violation (critical) when below. (b) Otherwise, discount compared with `max_discount_pct`
        (default 20, inclusive): violation (warning) above it.

    Exclusions:
        No award data (not verifiable); no staff table (only the discount test runs).

    Assumptions:
        The awarded amount covers the same scope and duration as the staff hours.

    Flagged example:
        Staff table worth € 250.000,00 at table cost, awarded for € 231.000,00.

    Not flagged example:
        Awarded for € 280.000,00 with a 6 % discount.
    """

    code = "R-ANOM-2"
    name = "anomaly.award_below_labour_cost"
    family = "R-ANOM"
    severity = "critical"
    version = "1"
    legal_basis = "art. 110 c. 1 e 4 D.Lgs. 36/2023; art. 41 c. 13"
    applies_to = ("post_award",)
    config_defaults = {"max_discount_pct": 20.0}

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        awards = [e for e in ctx.executions if e.awarded_amount is not None or e.discount_pct is not None]
        if not awards:
            return not_verifiable("dati di aggiudicazione non disponibili")
        award = awards[0]
        evidence = [{"text": f"aggiudicazione CIG {award.cig}: importo {award.awarded_amount}, ribasso "
                             f"{award.discount_pct} %", "source": award.source}]
        figures = {"cig": award.cig, "awarded_amount": award.awarded_amount, "discount_pct": award.discount_pct}
        date = award.awarded_on or ctx.published_on
        if award.awarded_amount is not None and date is not None:
            try:
                cost = staff_cost(ctx, legal, date)
            except StaffCostError:
                cost = None
            if cost is not None:
                safety = ctx.number("safety_costs") or 0.0
                floor = cost.total + safety
                figures |= cost.as_figures() | {"safety_costs": safety, "minimum_eur": round(floor, 2)}
                if award.awarded_amount < floor:
                    amount, gap = award.awarded_amount, (award.awarded_amount - floor) / floor * 100
                    note = f" {ESTIMATE_NOTE}" if cost.uses_estimate else ""
                    return violation(
                        lambda: f"Importo aggiudicato ({fmt.euro(amount)}) inferiore al costo della "
                        f"manodopera da tabelle ministeriali più la sicurezza ({fmt.euro(floor)}, {cost.label}): "
                        f"{fmt.pct(gap, signed=True)}.{note}",
                        figures=figures | {"gap_pct": round(gap, 2)}, evidence=evidence,
                        uses_estimate=cost.uses_estimate)
        limit = float(self.options["max_discount_pct"])
        if (discount := award.discount_pct) is not None and discount > limit:
            return violation(lambda: f"Ribasso di aggiudicazione del {fmt.pct(discount)}, oltre il "
                             f"{fmt.pct(limit, 0)}: verificare la congruità del costo della manodopera.",
                             severity="warning", figures=figures | {"max_discount_pct": limit}, evidence=evidence)
        return compliant("Aggiudicazione compatibile con il costo della manodopera e con ribasso contenuto.",
                         figures=figures, evidence=evidence)
