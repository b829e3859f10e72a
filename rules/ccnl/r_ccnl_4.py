from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ctx_ccnls, law_in_force, registry_entry
from rules.context import NoticeContext
from rules.legal import LegalData


class R_CCNL_4(Rule):
    """The CCNL named is signed by organisations that are not the comparatively most representative.

    Why it matters:
        FP CGIL counts 47 national contracts in the care sector, 27 of them "pirate" (cheaper, signed by
        minor organisations). A tender that names one sets the wages of the whole contract below the
        sector's agreement.

    Legal basis:
        Art. 11 c. 1 D.Lgs. 36/2023, from 1/7/2023: the CCNL "stipulato dalle associazioni dei datori e dei
        prestatori di lavoro comparativamente più rappresentative sul piano nazionale"; c. 3-4 and Allegato
        I.01 (correttivo, from 31/12/2024) let a bidder apply another agreement with equivalent protections.
        Reading (RULES_AUDIT.md §3 #11): an agreement the registry does not know is unknown, not unlawful;
        only an agreement the registry knows as signed by minor organisations is flagged.

    Methodology:
        Each named CCNL is found in the registry (`kernel/data/ccnl.yaml`: CNEL code from the extraction's
        object, else name patterns; signatories, whitelist flag). Violation (critical) when one is known and not signed by the
        comparatively most representative organisations; compliant when every named agreement is known and
        whitelisted.

    Does not flag:
        An agreement absent from the registry (not verifiable: to check on the CNEL archive); no CCNL named
        (R-CCNL-1); notices published before 1/7/2023.

    Assumptions:
        The registry's whitelist. Entries marked `unverified` (codes and signatories to check on the CNEL
        archive) are reported as such in the figures.

    Flagged example:
        "CCNL cooperative sociali UNCI-CONFSAL" named for a day centre.

    Not flagged example:
        "CCNL Cooperative sociali (CNEL T151)", "CCNL UNEBA", or an agreement the registry does not list
        ("CCNL Edilizia": not verifiable).
    """

    code = "R-CCNL-4"
    name = "ccnl.not_whitelisted"
    family = "R-CCNL"
    severity = "critical"
    version = "2"
    legal_basis = "art. 11 c. 1, 3 e 4 D.Lgs. 36/2023; Allegato I.01"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        named = ctx_ccnls(ctx)
        if not named:
            return not_verifiable("nessun CCNL indicato nei documenti (vedi R-CCNL-1)")
        law, not_applicable = law_in_force(ctx, legal, "ccnl")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        evidence = ctx.evidence("ccnl")
        matched = [(n, registry_entry(n, legal)) for n in named]
        figures = {"ccnl": [n.label for n in named], "registry": [
            {"named": n.label, "code": e.code if e else n.code, "whitelisted": e.most_representative if e else None,
             "signatories": list(e.signatories) if e else [], "registry_status": e.status if e else None}
            for n, e in matched]}
        pirates = [(n, e) for n, e in matched if e is not None and not e.most_representative]
        unknown = [n.label for n, e in matched if e is None]
        if pirates:
            n, e = pirates[0]
            return violation(
                f"Il CCNL indicato («{n.label}») è firmato da organizzazioni non comparativamente più rappresentative "
                f"({', '.join(e.signatories)}): va verificata l'equivalenza delle tutele (art. 11 c. 3-4 e "
                "Allegato I.01 del D.Lgs. 36/2023).", figures=figures, evidence=evidence)
        if unknown:
            return not_verifiable(f"CCNL «{'; '.join(unknown)}» non presente nel registro dei contratti: verificarne "
                                  "codice CNEL e firmatari sull'archivio CNEL", figures=figures, evidence=evidence)
        return compliant(lambda: "Il CCNL indicato è firmato dalle organizzazioni comparativamente più "
                         f"rappresentative ({'; '.join(e.label for _, e in matched if e)}).",
                         figures=figures, evidence=evidence)
