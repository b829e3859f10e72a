from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData

BINDING = {"binding", "mandatory", "priority", "vincolante", "prioritario"}
CONDITIONAL = {"conditional", "weak", "compatibilmente", "compatible"}
ABSOLUTE = {"all_staff", "absolute", "total"}


class R_SOC_3(Rule):
    """The social clause is weak ("compatibilmente con l'organizzazione") or rigidly total.

    Why it matters:
        A clause that re-hires outgoing staff only "compatibilmente con l'organizzazione d'impresa"
        leaves the choice to the new contractor and protects little. At the other end, an obligation
        to re-hire all staff whatever the new organisation has been held unlawful (TAR Liguria II,
        22/2019), which exposes the tender to challenges. The lawful middle is priority re-hiring
        (riassorbimento prioritario) as CCNL art. 37 provides.

    Methodology:
        Reads `social_clause.strength`: binding/priority → compliant; conditional → violation with
        the rule's severity (warning); all_staff → violation, severity info (legal risk rather than a
        loss for workers).

    Exclusions:
        No social clause (R-SOC-1); strength not classified by the extractor (not verifiable).

    Assumptions:
        The extractor's classification of the wording.

    Flagged example:
        "L'aggiudicatario assorbirà il personale uscente compatibilmente con la propria organizzazione".

    Not flagged example:
        "L'aggiudicatario è tenuto ad assorbire prioritariamente il personale già impiegato".
    """

    code = "R-SOC-3"
    name = "social.clause_strength"
    family = "R-SOC"
    severity = "warning"
    version = "1"
    legal_basis = "art. 57 c. 1 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali; TAR Liguria II n. 22/2019"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        clause = sub_dict(ctx, "social_clause")
        if not clause or not clause.get("present"):
            return not_verifiable("la gara non contiene una clausola sociale (vedi R-SOC-1)")
        strength = str(clause.get("strength") or "").strip().lower()
        figures = {"strength": strength or None}
        evidence = ctx.evidence("social_clause")
        if strength in BINDING:
            return compliant("La clausola sociale prevede il riassorbimento prioritario del personale uscente.",
                             figures=figures, evidence=evidence)
        if strength in CONDITIONAL:
            return violation("La clausola sociale è condizionata («compatibilmente con l'organizzazione "
                             "d'impresa»): il riassorbimento del personale uscente non è garantito.",
                             figures=figures, evidence=evidence)
        if strength in ABSOLUTE:
            return violation("La clausola sociale impone l'assunzione di tutto il personale uscente a prescindere "
                             "dall'organizzazione: formula ritenuta illegittima (TAR Liguria 22/2019), espone la "
                             "gara a ricorsi.", severity="info", figures=figures, evidence=evidence)
        return not_verifiable("formulazione della clausola sociale non classificata", figures=figures,
                              evidence=evidence)
