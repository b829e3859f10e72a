from __future__ import annotations

import re

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force
from rules.context import NoticeContext
from rules.legal import LegalData

# "€ 300.000,00 oltre oneri per la sicurezza", "al netto degli oneri della sicurezza", "IVA e oneri per la
# sicurezza esclusi": a base stated net of the safety costs.
SAFETY_EXCLUDED = re.compile(
    r"(oltre|al netto d\w*|escluso|esclusi|eccetto|non comprensiv\w* d\w*|più|\+)\s*(\w+\s+){0,3}?(gli\s+|i\s+)?"
    r"(oneri|costi)\s+(\w+\s+){0,2}?(della|per la|di)\s+sicurezza|"
    r"(oneri|costi)\s+(\w+\s+){0,2}?(della|per la|di)\s+sicurezza\s+(\w+\s+){0,3}?esclus",
    re.IGNORECASE)


class R_BASE_3(Rule):
    """Labour costs plus safety costs exceed the base price.

    Why it matters:
        When the parts add up to more than the whole, either the base cannot cover the wages or one of the
        amounts is wrong, and bidders cannot make a sustainable offer.

    Legal basis:
        Art. 41 c. 14 D.Lgs. 36/2023, from 1/7/2023: labour and safety costs are parts of the amount put out
        to tender. A consistency check, not a rule of law of its own.

    Methodology:
        labour_cost + safety_costs (0 when absent) compared with base_amount (the documents' figure, else
        the feed's amount). When the base is stated net of the safety costs ("€ 300.000,00 oltre oneri per la
        sicurezza", "al netto degli oneri della sicurezza"), the whole is base + safety and the labour cost
        alone is compared with the base. Violation (warning) when the parts exceed the whole by more than
        `tolerance_eur` (calibration.yaml).

    Does not flag:
        A base stated "oltre oneri della sicurezza" that covers the labour cost; base amount or labour
        cost unknown (not verifiable); notices before 1/7/2023.

    Assumptions:
        All three amounts refer to the same period and lot (the whole contract).

    Flagged example:
        Base € 300.000,00 (safety included), labour € 290.000,00, safety € 15.000,00.

    Not flagged example:
        "Importo a base di gara € 300.000,00 oltre oneri per la sicurezza pari a € 3.000,00", labour
        € 298.500,00.
    """

    code = "R-BASE-3"
    name = "base.components_exceed_base"
    family = "R-BASE"
    severity = "warning"
    version = "2"
    legal_basis = "art. 41 c. 14 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "labour_cost")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        base, labour = ctx.base_amount, ctx.number("labour_cost")
        if base is None or labour is None:
            missing = "importo a base di gara" if base is None else "costi della manodopera"
            return not_verifiable(f"{missing}: dato non trovato")
        safety = ctx.number("safety_costs") or 0.0
        net_of_safety = ctx.value("base_amount_excludes_safety") is True
        if not net_of_safety and labour + safety > base:  # the wording matters only when the parts exceed the base
            base_text = " ".join(str(e.get("text") or "") for e in ctx.evidence("base_amount", "safety_costs"))
            net_of_safety = bool(SAFETY_EXCLUDED.search(base_text))
        whole = base + safety if net_of_safety else base
        total = labour + safety
        figures = {"base_amount": base, "labour_cost": labour, "safety_costs": safety, "sum": round(total, 2),
                   "base_net_of_safety": net_of_safety, "whole_amount": round(whole, 2),
                   "excess_eur": round(total - whole, 2)}
        evidence = ctx.evidence("base_amount", "labour_cost", "safety_costs")
        if total > whole + float(self.options["tolerance_eur"]):
            return violation(
                lambda: f"Costi della manodopera ({fmt.euro(labour)}) e della sicurezza ({fmt.euro(safety)}) "
                f"superano l'importo a base di gara ({fmt.euro(whole)}) di {fmt.euro(total - whole)}.",
                figures=figures, evidence=evidence)
        net = " (base indicata al netto degli oneri della sicurezza)" if net_of_safety else ""
        return compliant(lambda: f"Manodopera e sicurezza ({fmt.euro(total)}) rientrano nell'importo complessivo "
                         f"({fmt.euro(whole)}){net}.", figures=figures, evidence=evidence)
