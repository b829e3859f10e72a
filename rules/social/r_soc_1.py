from __future__ import annotations

from rules.base import Rule, Verdict, compliant
from rules.common import law_in_force, missing_clause, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData


class R_SOC_1(Rule):
    """The tender has no social clause (clausola sociale) for the outgoing staff.

    Why it matters:
        Without it the workers of the outgoing contractor lose their jobs at every change of contractor
        (CCNL art. 37 "cambi di gestione").

    Legal basis:
        Art. 57 c. 1 D.Lgs. 36/2023, from 1/7/2023 (`thresholds.yaml` topic `social_clause`): "Per gli
        affidamenti dei contratti di appalto di lavori e servizi diversi da quelli aventi natura
        intellettuale e per i contratti di concessione i bandi di gara, gli avvisi e gli inviti ... devono
        contenere specifiche clausole sociali", among them the employment stability of the staff. Not
        supplies, not intellectual services (RULES_AUDIT.md §3 #1). Reading on direct awards (open point):
        the clause is carried by "bandi, avvisi e inviti"; a direct award without a published invitation
        has none of them, so a clause not found there is not verifiable rather than missing.

    Methodology:
        Compliant when `social_clause.present` is true. Otherwise a violation only when every document was
        read and the notice is the call itself; not verifiable when a document was not retrieved or read.

    Does not flag:
        Supplies, works and intellectual services (design, consulting: out of scope); direct awards;
        market surveys (the clause comes with the invitation letter); a clause not found when a document
        was not read; notices before 1/7/2023.

    Assumptions:
        The extractor recognises the clause by its wording ("clausola sociale", "riassorbimento del
        personale", "art. 57"), wherever it is.

    Flagged example:
        A school-assistance tender, all documents read, no "clausola sociale" anywhere.

    Not flagged example:
        "Si applica la clausola sociale di cui all'art. 57 del D.Lgs. 36/2023 e all'art. 37 del CCNL"; a
        furniture supply for an RSA (out of scope); a direct award of € 39.000,00.
    """

    code = "R-SOC-1"
    name = "social.clause_missing"
    family = "R-SOC"
    severity = "critical"
    version = "2"
    legal_basis = "art. 57 c. 1 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "social_clause")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        clause = sub_dict(ctx, "social_clause")
        if clause and clause.get("present"):
            return compliant("La gara contiene la clausola sociale di riassorbimento del personale.",
                             figures={"strength": clause.get("strength")}, evidence=ctx.evidence("social_clause"))
        return missing_clause(ctx, "La gara non contiene la clausola sociale a tutela del personale già impiegato, "
                                   f"obbligatoria per i servizi non intellettuali ({law['legal_basis']}).",
                              figures={"law_version": law["id"]})
