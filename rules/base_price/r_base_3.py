from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData


class R_BASE_3(Rule):
    """Labour costs plus safety costs exceed the base price.

    Why it matters:
        Labour and safety costs are parts of the base price (art. 41 c. 14 D.Lgs. 36/2023). When they
        add up to more than the base, the figures are inconsistent: either the base cannot cover the
        wages or one of the amounts is wrong, and bidders cannot make a sustainable offer.

    Methodology:
        labour_cost + safety_costs (0 when absent) compared with base_amount (the documents' figure,
        else the feed's amount). Violation when the sum exceeds the base by more than
        `tolerance_eur` (default 1 €).

    Exclusions:
        Base amount or labour cost unknown (not verifiable).

    Assumptions:
        All three amounts refer to the same period and lot (the whole contract).

    Flagged example:
        Base € 300.000,00, labour € 290.000,00, safety € 15.000,00.

    Not flagged example:
        Base € 300.000,00, labour € 240.000,00, safety € 3.000,00.
    """

    code = "R-BASE-3"
    name = "base.components_exceed_base"
    family = "R-BASE"
    severity = "warning"
    version = "1"
    legal_basis = "art. 41 c. 14 D.Lgs. 36/2023"
    config_defaults = {"tolerance_eur": 1.0}

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        base, labour = ctx.base_amount, ctx.number("labour_cost")
        if base is None or labour is None:
            missing = "importo a base di gara" if base is None else "costi della manodopera"
            return not_verifiable(f"{missing}: dato non trovato")
        safety = ctx.number("safety_costs") or 0.0
        total = labour + safety
        figures = {"base_amount": base, "labour_cost": labour, "safety_costs": safety, "sum": round(total, 2),
                   "excess_eur": round(total - base, 2)}
        evidence = ctx.evidence("base_amount", "labour_cost", "safety_costs")
        if total > base + float(self.options["tolerance_eur"]):
            return violation(
                lambda: f"Costi della manodopera ({fmt.euro(labour)}) e della sicurezza ({fmt.euro(safety)}) "
                f"superano l'importo a base di gara ({fmt.euro(base)}) di {fmt.euro(total - base)}.",
                figures=figures, evidence=evidence)
        return compliant(lambda: f"Manodopera e sicurezza ({fmt.euro(total)}) rientrano nella base di gara "
                         f"({fmt.euro(base)}).", figures=figures, evidence=evidence)
