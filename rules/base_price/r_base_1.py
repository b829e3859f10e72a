from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant
from rules.common import law_in_force, missing_clause
from rules.context import NoticeContext
from rules.legal import LegalData


class R_BASE_1(Rule):
    """The tender documents do not state the labour costs.

    Why it matters:
        A base price without its labour cost hides how much of it pays wages: neither the bidders nor the
        Observatory can check it against the Ministry tables (R-BASE-2).

    Legal basis:
        Art. 41 c. 14 D.Lgs. 36/2023, from 1/7/2023, not amended by the correttivo D.Lgs. 209/2024: "Nei
        contratti di lavori e servizi ... la stazione appaltante ... individua nei documenti di gara i costi
        della manodopera" (`thresholds.yaml` topic `labour_cost`). Reading on the discount base (settled
        against the literal reading of "scorporati dall'importo assoggettato al ribasso"): ANAC delibera
        n. 174 of 10/4/2024 and Consiglio di Stato n. 9577/2025 hold that labour costs, stated separately,
        stay in the base on which the discount is offered, the bidder being free not to reduce them; a
        discount on the whole base is lawful (DOMAIN.md §1.2 as corrected; RULES_AUDIT.md §3 #2). Supplies
        are outside c. 14 ("lavori e servizi") and outside the scope.

    Methodology:
        Compliant when `labour_cost` is stated; when the tender also applies the discount to an amount that
        includes it, the verdict stays compliant and its message notes the reading (the bidder's own labour
        cost is then checked under art. 108 c. 9 and art. 110). When `labour_cost` is not found: violation
        only if every document was read and the notice is the call itself, otherwise not verifiable.

    Does not flag:
        A discount applied to a base that includes the labour cost (lawful: ANAC 174/2024, CdS 9577/2025);
        supplies and works (out of scope); direct awards and market surveys (their acts are seldom all
        published); labour costs not found when a document was not read; notices before 1/7/2023.

    Assumptions:
        The extractor finds the labour cost wherever the documents state it (issue 14: also across page
        breaks and without the euro sign).

    Flagged example:
        An open procedure for home care, all documents read, a base of € 500.000,00 and no labour cost.

    Not flagged example:
        "Costi della manodopera € 410.000,00 non soggetti a ribasso"; or "la base di € 500.000 comprende i
        costi della manodopera (€ 410.000); il ribasso si applica all'importo complessivo".
    """

    code = "R-BASE-1"
    name = "base.labour_cost_not_stated"
    family = "R-BASE"
    severity = "critical"
    version = "2"
    legal_basis = "art. 41 c. 14 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "labour_cost")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        labour = ctx.number("labour_cost")
        if labour is None:
            return missing_clause(ctx, f"I documenti di gara non indicano i costi della manodopera "
                                       f"({law['legal_basis']}: la stazione appaltante li individua nei documenti "
                                       "di gara).", figures={"law_version": law["id"]})
        figures = {"labour_cost": labour, "law_version": law["id"]}
        evidence = ctx.evidence("labour_cost", "labour_cost_subject_to_discount")
        if ctx.value("labour_cost_subject_to_discount") is True:
            return compliant(lambda: f"Costi della manodopera indicati ({fmt.euro(labour)}). Il ribasso si applica "
                             "all'importo che li comprende: è lecito secondo la lettura dell'art. 41 c. 14 di "
                             f"{law['discount_reading']}; il costo della manodopera offerto si verifica in sede "
                             "di anomalia (art. 108 c. 9 e art. 110).",
                             figures=figures | {"subject_to_discount": True}, evidence=evidence)
        return compliant(lambda: f"Costi della manodopera indicati ({fmt.euro(labour)}).", figures=figures,
                         evidence=evidence)
