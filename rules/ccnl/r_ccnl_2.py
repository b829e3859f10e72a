from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ccnl_names
from rules.context import NoticeContext
from rules.legal import LegalData
from rules.scope import LABOUR_INTENSIVE_CPV_PREFIXES, classify

# The sectors whose CCNL fits the tender's activity.
SOCIAL_SECTORS = frozenset({"social", "education", "health", "reception"})
CLEANING_SECTORS = frozenset({"cleaning"})
LABOUR_SECTORS = frozenset({"catering", "cleaning", "auxiliary"})
SECTOR_LABELS = {
    "social": "servizi sociali e socio-sanitari", "education": "servizi educativi", "health": "servizi sanitari",
    "reception": "accoglienza", "cleaning": "pulizie", "catering": "ristorazione", "job_placement": "inserimento lavorativo",
}


class R_CCNL_2(Rule):
    """The CCNL named does not cover the activity of the contract.

    Why it matters:
        Art. 11 c. 1 D.Lgs. 36/2023 wants the CCNL "il cui ambito di applicazione sia strettamente
        connesso con l'attività oggetto dell'appalto". A care service priced on the cleaning or
        trade contract pays care workers less than the sector's agreement (T151, UNEBA, ...).

    Methodology:
        The notice's activity comes from the scope classifier (social or CAS services need a
        social/education/health/reception agreement; cleaning and catering CPVs need theirs). Each
        named CCNL is matched against the registry `kernel/data/ccnl.yaml` (CNEL code or name
        patterns). Violation when no named CCNL covers the activity.

    Exclusions:
        No CCNL named (that is R-CCNL-1); a CCNL absent from the registry (not verifiable: check it
        on the CNEL archive; R-CCNL-4 reports it).

    Assumptions:
        The registry's sector lists; entries marked `unverified` there are reported in the figures.

    Flagged example:
        Domiciliary care (CPV 85312000-9) with "CCNL Multiservizi" as the only agreement named.

    Not flagged example:
        The same tender naming "CCNL Cooperative sociali T151".
    """

    code = "R-CCNL-2"
    name = "ccnl.sector_mismatch"
    family = "R-CCNL"
    severity = "critical"
    version = "1"
    legal_basis = "art. 11 c. 1 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        names = ccnl_names(ctx.value("ccnl"))
        if not names:
            return not_verifiable("nessun CCNL indicato nei documenti (vedi R-CCNL-1)")
        scope = ctx.scope or classify(ctx, legal)
        if not scope.tags.isdisjoint(("social", "cas")):
            needed = SOCIAL_SECTORS
        elif (ctx.cpv or "").startswith(("9091", "9090")):
            needed = CLEANING_SECTORS
        elif (ctx.cpv or "").startswith(LABOUR_INTENSIVE_CPV_PREFIXES):
            needed = LABOUR_SECTORS
        else:
            return not_verifiable("attività dell'appalto non classificabile per settore")
        entries = [(n, legal.match_ccnl(n)) for n in names]
        known = [(n, e) for n, e in entries if e is not None]
        figures = {"ccnl": names, "matched": [e.label for _, e in known],
                   "registry_status": [e.status for _, e in known], "required_sectors": sorted(needed)}
        if not known:
            return not_verifiable(f"CCNL «{'; '.join(names)}» non presente nel registro: verificarne il campo di "
                                  "applicazione sull'archivio CNEL", figures=figures, evidence=ctx.evidence("ccnl"))
        covering = next((e for _, e in known if not needed.isdisjoint(e.sectors)), None)
        if covering is not None:
            return compliant(f"Il CCNL indicato ({covering.label}) copre l'attività dell'appalto.",
                             figures=figures, evidence=ctx.evidence("ccnl"))
        wanted = ", ".join(label for key, label in SECTOR_LABELS.items() if key in needed)
        return violation(
            f"Il CCNL indicato ({'; '.join(e.label for _, e in known)}) non è quello del settore dell'appalto "
            f"({wanted}): l'art. 11 c. 1 del D.Lgs. 36/2023 richiede il contratto strettamente connesso "
            "all'attività oggetto dell'appalto.",
            figures=figures, evidence=ctx.evidence("ccnl"),
        )
