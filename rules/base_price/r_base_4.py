from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData


class R_BASE_4(Rule):
    """The labour share of a care service is below 50 %: labour cost probably understated.

    Why it matters:
        Contracts where labour is ≥ 50 % of the price are "ad alta intensità di manodopera"
        (Allegato I.1 art. 2 c. 1 lett. e): OEPV only and a 30-point cap on price (art. 108 c. 2 and
        4). In social and care services labour is almost always above half of the price; a lower
        share usually means the labour cost was understated, which also escapes the 30 % cap.

    Methodology:
        share = labour_cost / base_amount × 100, compared with the threshold of the law version in
        force at publication (`thresholds.yaml`, award.labour_intensive_share_pct = 50, inclusive).
        Compliant at or above it (the figures record the contract as labour-intensive); violation
        (warning) below it.

    Exclusions:
        Notices that are not social services (cleaning or catering tenders may have lower shares);
        labour cost or base unknown (not verifiable).

    Assumptions:
        Base and labour cost refer to the same amount (both VAT excluded).

    Flagged example:
        Home care, base € 1.000.000,00, labour cost € 380.000,00: 38 %.

    Not flagged example:
        Base € 1.000.000,00, labour cost € 820.000,00: 82 %, labour-intensive.
    """

    code = "R-BASE-4"
    name = "base.labour_share_low"
    family = "R-BASE"
    severity = "warning"
    version = "1"
    legal_basis = "art. 108 c. 2 lett. a) e c. 4 D.Lgs. 36/2023; Allegato I.1 art. 2 c. 1 lett. e)"
    applies_to = ("social",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        base, labour = ctx.base_amount, ctx.number("labour_cost")
        if not base or labour is None:
            return not_verifiable("importo a base di gara o costi della manodopera non trovati")
        law = legal.threshold("award", ctx.published_on) if ctx.published_on else None
        if law is None:
            return not_verifiable("data di pubblicazione anteriore al D.Lgs. 36/2023 o sconosciuta")
        threshold = float(law["labour_intensive_share_pct"])
        share = labour / base * 100
        figures = {"labour_cost": labour, "base_amount": base, "labour_share_pct": round(share, 2),
                   "threshold_pct": threshold, "labour_intensive": share >= threshold, "law_version": law["id"]}
        evidence = ctx.evidence("labour_cost", "base_amount")
        if share >= threshold:
            return compliant(lambda: f"Incidenza della manodopera {fmt.del_pct(share)}: appalto ad alta "
                             "intensità di manodopera (OEPV e tetto di 30 punti al prezzo).",
                             figures=figures, evidence=evidence)
        return violation(
            lambda: f"Incidenza della manodopera {fmt.del_pct(share)} ({fmt.euro(labour)} su "
            f"{fmt.euro(base)}), sotto il {fmt.pct(threshold, 0)} tipico dei servizi alla persona: il costo del "
            "lavoro potrebbe essere sottostimato e l'appalto sfuggire al tetto del 30 % sul punteggio economico.",
            figures=figures, evidence=evidence)
