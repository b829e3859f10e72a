from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force
from rules.context import NoticeContext
from rules.legal import LegalData


class R_BASE_4(Rule):
    """The labour share of a care service is below 50 %: the labour cost may be understated (information).

    Why it matters:
        In social and care services labour is almost always above half of the price; a lower share often
        means the labour cost was understated, which also keeps the contract out of the 30-point cap on the
        price (art. 108 c. 4). It is a signal for the analyst, not a breach.

    Legal basis:
        No rule of law sets a minimum labour share. Allegato I.1 art. 2 c. 1 lett. e) D.Lgs. 36/2023 (from
        1/7/2023) only defines the contracts "ad alta intensità di manodopera" (labour ≥ 50 % of the price);
        below it the cap of art. 108 c. 4 simply does not apply (RULES_AUDIT.md §3 #13). Threshold and
        versions: `thresholds.yaml` topic `award`.

    Methodology:
        share = labour_cost / base_amount × 100, compared with the share of the law version in force at
        publication (50, inclusive). Compliant at or above it (the figures record the contract as
        labour-intensive); below it a violation of severity info that asks to check the labour cost.

    Does not flag:
        CAS reception (housing, food and pocket money are large cost items: a low labour share is
        normal); cleaning, catering and other services that are not social (out of this rule's scope);
        labour cost or base unknown; notices before 1/7/2023.

    Assumptions:
        Base and labour cost refer to the same amount (both VAT excluded).

    Flagged example:
        Home care, base € 1.000.000,00, labour cost € 380.000,00: 38 % (info).

    Not flagged example:
        Base € 1.000.000,00, labour cost € 820.000,00: 82 %, labour-intensive; or a CAS with 40 % labour.
    """

    code = "R-BASE-4"
    name = "base.labour_share_low"
    family = "R-BASE"
    severity = "info"
    version = "2"
    legal_basis = "Allegato I.1 art. 2 c. 1 lett. e) e art. 108 c. 4 D.Lgs. 36/2023 (segnalazione, non violazione di legge)"
    applies_to = ("social",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        if ctx.scope is not None and "cas" in ctx.scope.tags:
            return not_verifiable("accoglienza CAS: vitto, alloggio e pocket money pesano sul prezzo, una quota di "
                                  "manodopera sotto il 50 % è normale")
        law, not_applicable = law_in_force(ctx, legal, "award")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        base, labour = ctx.base_amount, ctx.number("labour_cost")
        if not base or labour is None:
            return not_verifiable("importo a base di gara o costi della manodopera non trovati")
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
            lambda: f"Segnalazione: incidenza della manodopera {fmt.del_pct(share)} ({fmt.euro(labour)} su "
            f"{fmt.euro(base)}), sotto il {fmt.pct(threshold, 0)} tipico dei servizi alla persona. Non è una "
            "violazione di legge: verificare che il costo del lavoro non sia sottostimato (sotto il "
            f"{fmt.pct(threshold, 0)} non si applica il tetto del 30 % al punteggio economico).",
            figures=figures, evidence=evidence)
