from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData

# Re-hiring with priority, or "compatibilmente con l'organizzazione d'impresa" (the extractor says "weak"):
# the lawful formulations.
LAWFUL = {"binding", "mandatory", "priority", "vincolante", "prioritario", "conditional", "weak",
          "compatibilmente", "compatible"}
# A clause that leaves the choice to the bidder, or names no re-hiring at all.
OPTIONAL = {"optional", "discretionary", "facoltativa", "facoltà", "none", "no_rehiring"}
ABSOLUTE = {"all_staff", "absolute", "total"}


class R_SOC_3(Rule):
    """The social clause leaves re-hiring to the bidder, or imposes it on all staff whatever the organisation.

    Why it matters:
        A clause that makes re-hiring a mere option ("l'aggiudicatario potrà valutare", "ha facoltà di")
        protects nobody at the change of contractor. At the other end, an obligation to re-hire all staff
        whatever the new organisation exposes the tender to challenges.

    Legal basis:
        Art. 57 c. 1 D.Lgs. 36/2023 (from 1/7/2023): clauses "orientate ... a garantire ... la stabilità
        occupazionale del personale impiegato". Case law and ANAC (Linee guida n. 13, delibera 114/2019,
        under D.Lgs. 50/2016) require the clause to be reconciled with the incoming contractor's
        organisation: re-hiring "compatibilmente con l'organizzazione d'impresa" is the lawful wording,
        and CCNL art. 37 also ties re-hiring to unchanged organisation and activity. An obligation to hire
        all the outgoing staff is unlawful (TAR Liguria II, 14/1/2019 n. 22). Reading (RULES_AUDIT.md §3
        #5): what is wrong is a clause with no re-hiring obligation, or one that leaves the choice to the
        bidder.

    Methodology:
        Reads `social_clause.strength`: binding, priority and conditional ("compatibilmente", the
        extractor's "weak") → compliant; optional (the choice left to the bidder) or no re-hiring
        obligation → violation (warning); all staff whatever the organisation → violation, severity info
        (a legal risk for the tender rather than a loss for workers).

    Does not flag:
        "Compatibilmente con l'organizzazione d'impresa" and "prioritariamente" (lawful and standard); no
        social clause (R-SOC-1); wording the extractor did not classify (not verifiable); notices before
        1/7/2023.

    Assumptions:
        The extractor's classification of the wording.

    Flagged example:
        "L'aggiudicatario potrà valutare l'assunzione del personale uscente" (optional).

    Not flagged example:
        "L'aggiudicatario è tenuto ad assorbire prioritariamente il personale già impiegato, compatibilmente
        con la propria organizzazione d'impresa".
    """

    code = "R-SOC-3"
    name = "social.clause_strength"
    family = "R-SOC"
    severity = "warning"
    version = "2"
    legal_basis = "art. 57 c. 1 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali; TAR Liguria II n. 22/2019"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        clause = sub_dict(ctx, "social_clause")
        if not clause or not clause.get("present"):
            return not_verifiable("la gara non contiene una clausola sociale (vedi R-SOC-1)")
        law, not_applicable = law_in_force(ctx, legal, "social_clause")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        strength = str(clause.get("strength") or "").strip().lower()
        figures = {"strength": strength or None}
        evidence = ctx.evidence("social_clause")
        if strength in LAWFUL:
            return compliant("La clausola sociale prevede il riassorbimento del personale uscente (in via prioritaria "
                             "o compatibilmente con l'organizzazione d'impresa, come vuole la giurisprudenza).",
                             figures=figures, evidence=evidence)
        if strength in OPTIONAL:
            return violation("La clausola sociale lascia all'aggiudicatario la scelta di riassorbire o no il personale "
                             "uscente: non garantisce la stabilità occupazionale richiesta dall'art. 57 c. 1 del "
                             "D.Lgs. 36/2023.", figures=figures, evidence=evidence)
        if strength in ABSOLUTE:
            return violation("La clausola sociale impone l'assunzione di tutto il personale uscente a prescindere "
                             "dall'organizzazione: formula ritenuta illegittima (TAR Liguria 22/2019), espone la "
                             "gara a ricorsi.", severity="info", figures=figures, evidence=evidence)
        return not_verifiable("formulazione della clausola sociale non classificata", figures=figures,
                              evidence=evidence)
