from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable
from rules.common import law_in_force, missing_clause
from rules.context import NoticeContext
from rules.criteria.r_crit_1 import criterion
from rules.legal import LegalData


class R_ANOM_1(Rule):
    """An OEPV tender does not state the specific elements for the anomalous-offer check.

    Why it matters:
        With no automatic anomaly threshold for OEPV, an offer that pays less than the CCNL can pass
        unchecked when the call names no element that triggers the check.

    Legal basis:
        Art. 110 c. 1 D.Lgs. 36/2023, from 1/7/2023: "Il bando o l'avviso indicano gli elementi specifici ai
        fini della valutazione". Open point: whether the correttivo D.Lgs. 209/2024 amended art. 110 is not
        verified; the sentence is read as in force in both versions (`thresholds.yaml` topic `anomaly`,
        status partly). Case law treats the check itself as discretionary (TAR Marche 215/2024, TAR Toscana
        79/2025), hence a warning, not a critical verdict.

    Methodology:
        For OEPV tenders, reads the field `anomaly_elements` (the sentence naming the elements, e.g. labour
        cost below the tables, discount above X %). Compliant when present; otherwise a violation only when
        every document was read and the notice is the call itself; not verifiable otherwise.

    Does not flag:
        Lowest-price tenders (art. 54 automatic exclusion regime); criterion unknown; direct awards and
        market surveys (no call notice stating the elements); elements not found when a document was not
        read; notices before 1/7/2023.

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
    version = "2"
    legal_basis = "art. 110 c. 1 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        found = criterion(ctx.award_criterion_value[0])
        if found != "oepv":
            return not_verifiable("regola per le gare con offerta economicamente più vantaggiosa"
                                  + ("" if found else ": criterio non trovato"))
        law, not_applicable = law_in_force(ctx, legal, "anomaly")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        if ctx.value("anomaly_elements") is not None:
            return compliant("La gara indica gli elementi specifici per la verifica dell'anomalia.",
                             evidence=ctx.evidence("anomaly_elements"))
        return missing_clause(ctx, "La gara non indica gli elementi specifici per valutare le offerte anormalmente "
                                   f"basse ({law['legal_basis'].replace(' e 4', '')}), per esempio un costo della "
                                   "manodopera sotto le tabelle ministeriali.")
