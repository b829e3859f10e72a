from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable
from rules.common import missing_clause
from rules.context import NoticeContext
from rules.criteria.r_crit_1 import criterion
from rules.legal import LegalData


class R_ANOM_1(Rule):
    """An OEPV tender does not state the specific elements for the anomalous-offer check.

    Why it matters:
        Art. 110 c. 1 D.Lgs. 36/2023 has no automatic anomaly threshold for OEPV: "Il bando o l'avviso
        indicano gli elementi specifici ai fini della valutazione". Without them an offer that pays
        less than the CCNL can pass unchecked, and the check cannot be demanded later.

    Methodology:
        For OEPV tenders, reads the field `anomaly_elements` (the sentence naming the elements, e.g.
        labour cost below the tables, discount above X %). Compliant when present; otherwise a
        violation if every document was read, not verifiable if not.

    Exclusions:
        Lowest-price tenders (art. 54 automatic exclusion regime); criterion unknown.

    Assumptions:
        The extractor reports `anomaly_elements` when the documents state them.

    Flagged example:
        OEPV tender, all documents read, art. 110 cited only generically.

    Not flagged example:
        "Sarà sottoposta a verifica l'offerta con costo della manodopera inferiore alle tabelle
        ministeriali o ribasso superiore al 15 %".
    """

    code = "R-ANOM-1"
    name = "anomaly.elements_not_stated"
    family = "R-ANOM"
    severity = "warning"
    version = "1"
    legal_basis = "art. 110 c. 1 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        found = criterion(ctx.award_criterion_value[0])
        if found != "oepv":
            return not_verifiable("regola per le gare con offerta economicamente più vantaggiosa"
                                  + ("" if found else ": criterio non trovato"))
        if ctx.value("anomaly_elements") is not None:
            return compliant("La gara indica gli elementi specifici per la verifica dell'anomalia.",
                             evidence=ctx.evidence("anomaly_elements"))
        return missing_clause(ctx, "La gara non indica gli elementi specifici per valutare le offerte anormalmente "
                                   "basse (art. 110 c. 1 D.Lgs. 36/2023), per esempio un costo della manodopera "
                                   "sotto le tabelle ministeriali.")
