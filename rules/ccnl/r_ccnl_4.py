from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ccnl_names
from rules.context import NoticeContext
from rules.legal import LegalData


class R_CCNL_4(Rule):
    """The CCNL named is not signed by the comparatively most representative organisations.

    Why it matters:
        Only agreements signed by the comparatively most representative employers' and workers'
        organisations satisfy art. 11 c. 1 D.Lgs. 36/2023. FP CGIL counts 47 national contracts in
        the care sector, 27 of them "pirate" (cheaper, signed by minor organisations). A bidder or
        an authority using one must prove equivalent protections (art. 11 c. 3-4, Allegato I.01).

    Methodology:
        Each named CCNL is matched against the registry (`kernel/data/ccnl.yaml`: CNEL code,
        signatories, whitelist flag). Compliant when every named CCNL is on the whitelist. Violation
        when one is known and not whitelisted (critical) or is not in the registry at all (the
        message asks to verify equivalence).

    Exclusions:
        No CCNL named (R-CCNL-1).

    Assumptions:
        The registry's whitelist. Entries marked `unverified` (codes and signatories to check on the
        CNEL archive) are reported as such in the figures.

    Flagged example:
        "CCNL cooperative sociali UNCI-CONFSAL" named for a day centre.

    Not flagged example:
        "CCNL Cooperative sociali (CNEL T151)" or "CCNL UNEBA".
    """

    code = "R-CCNL-4"
    name = "ccnl.not_whitelisted"
    family = "R-CCNL"
    severity = "critical"
    version = "1"
    legal_basis = "art. 11 c. 1, 3 e 4 D.Lgs. 36/2023; Allegato I.01"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        names = ccnl_names(ctx.value("ccnl"))
        if not names:
            return not_verifiable("nessun CCNL indicato nei documenti (vedi R-CCNL-1)")
        evidence = ctx.evidence("ccnl")
        matched = [(n, legal.match_ccnl(n)) for n in names]
        figures = {"ccnl": names, "registry": [
            {"named": n, "code": e.code if e else None, "whitelisted": e.most_representative if e else None,
             "signatories": list(e.signatories) if e else [], "registry_status": e.status if e else None}
            for n, e in matched]}
        pirates = [(n, e) for n, e in matched if e is not None and not e.most_representative]
        unknown = [n for n, e in matched if e is None]
        if pirates:
            n, e = pirates[0]
            return violation(
                f"Il CCNL indicato («{n}») è firmato da organizzazioni non comparativamente più rappresentative "
                f"({', '.join(e.signatories)}): va verificata l'equivalenza delle tutele (art. 11 c. 3-4 e "
                "Allegato I.01 del D.Lgs. 36/2023).", figures=figures, evidence=evidence)
        if unknown:
            return violation(
                f"Il CCNL indicato («{unknown[0]}») non risulta nel registro dei contratti firmati dalle "
                "organizzazioni comparativamente più rappresentative: verificarne codice CNEL, firmatari ed "
                "equivalenza delle tutele (art. 11 c. 3-4 D.Lgs. 36/2023).",
                severity="warning", figures=figures, evidence=evidence)
        return compliant(lambda: "Il CCNL indicato è firmato dalle organizzazioni comparativamente più "
                         f"rappresentative ({'; '.join(e.label for _, e in matched if e)}).",
                         figures=figures, evidence=evidence)
