from __future__ import annotations

from rules.base import Rule, Verdict, compliant
from rules.common import ccnl_names, missing_clause
from rules.context import NoticeContext
from rules.legal import LegalData


class R_CCNL_1(Rule):
    """The tender documents name no collective agreement (CCNL) for the staff.

    Why it matters:
        Art. 11 c. 2 D.Lgs. 36/2023 requires the contracting authority to indicate the applicable
        CCNL in the initial tender documents. Without it bidders may price the service on any
        contract, including cheaper "pirate" ones, and the Observatory cannot check the pay.

    Methodology:
        Compliant when the merged field `ccnl` names at least one agreement. When it does not, the
        verdict is a violation only if every document of the notice was retrieved and read
        (`NoticeTerms.all_documents_read`); otherwise it is not verifiable, with the documents missing.

    Exclusions:
        Notices outside the scope (not social, labour-intensive or CAS services).

    Assumptions:
        The extractor finds the CCNL wherever the documents name it (disciplinare, capitolato, bando).

    Flagged example:
        A home-care tender whose disciplinare and capitolato were both read and name no CCNL.

    Not flagged example:
        "Il personale dovrà essere inquadrato secondo il CCNL Cooperative sociali (codice CNEL T151)".
    """

    code = "R-CCNL-1"
    name = "ccnl.not_named"
    family = "R-CCNL"
    severity = "critical"
    version = "1"
    legal_basis = "art. 11 c. 2 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        names = ccnl_names(ctx.value("ccnl"))
        if names:
            return compliant(lambda: f"La gara indica il CCNL applicabile: {'; '.join(names)}.",
                             figures={"ccnl": names}, evidence=ctx.evidence("ccnl"))
        return missing_clause(
            ctx, "I documenti di gara non indicano il contratto collettivo (CCNL) applicabile al personale, "
                 "come richiesto dall'art. 11 c. 2 del D.Lgs. 36/2023.",
            figures={"ccnl": [], "documents_read": ctx.documents_read, "documents_total": ctx.documents_total},
        )
