from __future__ import annotations

from rules.base import Rule, Verdict, compliant
from rules.common import missing_clause, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData


class R_SOC_1(Rule):
    """The tender has no social clause (clausola sociale) for the outgoing staff.

    Why it matters:
        Art. 57 c. 1 D.Lgs. 36/2023: calls for non-intellectual services "devono contenere specifiche
        clausole sociali", including the employment stability of the staff already employed. Without
        it the workers of the outgoing contractor lose their jobs at every change of contractor
        (CCNL art. 37 "cambi di gestione").

    Methodology:
        Compliant when `social_clause.present` is true. Otherwise a violation if every document was
        read; not verifiable when some document was not retrieved or not read.

    Exclusions:
        Intellectual services (outside the scope classifier's social/labour-intensive tags).

    Assumptions:
        The extractor recognises the clause by its wording ("clausola sociale", "riassorbimento del
        personale", "art. 57"), wherever it is.

    Flagged example:
        A school-assistance tender, all documents read, no "clausola sociale" anywhere.

    Not flagged example:
        "Si applica la clausola sociale di cui all'art. 57 del D.Lgs. 36/2023 e all'art. 37 del CCNL".
    """

    code = "R-SOC-1"
    name = "social.clause_missing"
    family = "R-SOC"
    severity = "critical"
    version = "1"
    legal_basis = "art. 57 c. 1 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        clause = sub_dict(ctx, "social_clause")
        if clause and clause.get("present"):
            return compliant("La gara contiene la clausola sociale di riassorbimento del personale.",
                             figures={"strength": clause.get("strength")}, evidence=ctx.evidence("social_clause"))
        return missing_clause(ctx, "La gara non contiene la clausola sociale a tutela del personale già impiegato, "
                                   "obbligatoria per i servizi non intellettuali (art. 57 c. 1 D.Lgs. 36/2023).")
