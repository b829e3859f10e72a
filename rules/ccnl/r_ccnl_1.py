from __future__ import annotations

from rules.base import Rule, Verdict, compliant
from rules.common import ctx_ccnls, law_in_force, missing_clause
from rules.context import NoticeContext
from rules.legal import LegalData


class R_CCNL_1(Rule):
    """The tender documents name no collective agreement (CCNL) for the staff.

    Why it matters:
        Without the CCNL named, bidders may price the service on any contract, including cheaper "pirate"
        ones, and the Observatory cannot check the pay.

    Legal basis:
        Art. 11 c. 2 D.Lgs. 36/2023, from 1/7/2023: original text (to 30/12/2024) "Nei bandi e negli
        inviti" the authority names the CCNL; after the correttivo D.Lgs. 209/2024 (from 31/12/2024) "Nei
        documenti iniziali di gara e nella decisione di contrarre", in conformity with c. 1 and Allegato
        I.01. Versions and dates: `thresholds.yaml` topic `ccnl`. Before 1/7/2023 (art. 30 c. 4 D.Lgs.
        50/2016) no naming duty is read: not verifiable. Reading on direct awards (open point): the duty
        binds them too, but through the decision to contract (art. 17 c. 2), seldom published with the
        acts, so a CCNL not found in a direct award is not verifiable. Allegato I.01 on supplies without
        installation (open point) does not arise: supplies are out of scope (rules/scope.py).

    Methodology:
        Compliant when the merged field `ccnl` names at least one agreement (a name, a list, or the
        extraction's object with its CNEL code). When it does not, the verdict is a violation only if every
        document of the notice was retrieved and read (`NoticeTerms.all_documents_read`) and the notice is
        the call itself; otherwise not verifiable, with the documents missing.

    Does not flag:
        Works, supplies and services out of scope (no verdict at all); notices published before 1/7/2023;
        market surveys (the CCNL comes with the invitation); direct awards (the decision to contract is
        where the CCNL goes); a CCNL not found when some document was not read.

    Assumptions:
        The extractor finds the CCNL wherever the documents name it (disciplinare, capitolato, bando).

    Flagged example:
        A home-care tender of 2025 whose disciplinare and capitolato were both read and name no CCNL.

    Not flagged example:
        "Il personale dovrà essere inquadrato secondo il CCNL Cooperative sociali (codice CNEL T151)".
    """

    code = "R-CCNL-1"
    name = "ccnl.not_named"
    family = "R-CCNL"
    severity = "critical"
    version = "2"
    legal_basis = "art. 11 c. 2 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "ccnl")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        names = [n.label for n in ctx_ccnls(ctx)]
        if names:
            return compliant(lambda: f"La gara indica il CCNL applicabile: {'; '.join(names)}.",
                             figures={"ccnl": names, "law_version": law["id"]}, evidence=ctx.evidence("ccnl"))
        return missing_clause(
            ctx, f"I documenti di gara non indicano il contratto collettivo (CCNL) applicabile al personale, che "
                 f"va indicato {law['where_named']} ({law['legal_basis']}).",
            figures={"ccnl": [], "documents_read": ctx.documents_read, "documents_total": ctx.documents_total,
                     "law_version": law["id"]},
        )
