from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ctx_ccnls, law_in_force, registry_entry
from rules.context import NoticeContext
from rules.legal import LegalData
from rules.scope import (
    CATERING_CPV_PREFIXES,
    CLEANING_CPV_PREFIXES,
    SECURITY_CPV_PREFIXES,
    classify,
    notice_cpvs,
)

# The registry sectors whose CCNL fits the tender's activity.
SOCIAL_SECTORS = frozenset({"social", "education", "health", "reception"})
ACTIVITY_SECTORS = {"cleaning": frozenset({"cleaning", "auxiliary"}), "catering": frozenset({"catering"}),
                    "security": frozenset({"security"})}
SECTOR_LABELS = {
    "social": "servizi sociali e socio-sanitari", "education": "servizi educativi", "health": "servizi sanitari",
    "reception": "accoglienza", "cleaning": "pulizie", "auxiliary": "servizi ausiliari", "catering": "ristorazione",
    "security": "vigilanza", "job_placement": "inserimento lavorativo",
}


def activity(ctx: NoticeContext, social: bool) -> str | None:
    """The activity of the contract: the main CPV's when it is cleaning, catering or security (whatever the
    place: a cleaning service at an RSA is cleaning), else social services when the scope says so."""
    cpvs = notice_cpvs(ctx)
    main = cpvs[0] if cpvs else ""
    for name, prefixes in (("cleaning", CLEANING_CPV_PREFIXES), ("catering", CATERING_CPV_PREFIXES),
                           ("security", SECURITY_CPV_PREFIXES)):
        if main.startswith(prefixes):
            return name
    return "social" if social else None


class R_CCNL_2(Rule):
    """The CCNL named does not cover the activity of the contract.

    Why it matters:
        A care service priced on the cleaning or trade contract pays care workers less than the sector's
        agreement (T151, UNEBA, ...).

    Legal basis:
        Art. 11 c. 1 D.Lgs. 36/2023, from 1/7/2023 (unchanged on this point by the correttivo): the CCNL
        "il cui ambito di applicazione sia strettamente connesso con l'attività oggetto dell'appalto".
        Reading: the activity is the contract's object, not the place where it is performed; catering at a
        nursery is catering, cleaning at an RSA is cleaning (RULES_AUDIT.md §2 R-CCNL-2).

    Methodology:
        The activity comes from the main CPV when it is cleaning (9090/9091), catering (553/555) or
        security (7971); otherwise a social or CAS notice needs a social, education, health or reception
        agreement. Each named CCNL is found in the registry (`kernel/data/ccnl.yaml`) by its CNEL code (the
        extraction's object) or its name. Violation when agreements are known and none covers the activity.

    Does not flag:
        No CCNL named (R-CCNL-1); a CCNL absent from the registry (not verifiable: its scope is to be read
        on the CNEL archive); an activity the registry's sectors do not describe (transport, ...); notices
        published before 1/7/2023.

    Assumptions:
        The registry's sector lists; entries marked `unverified` there are reported in the figures.

    Flagged example:
        Domiciliary care (CPV 85312000-9) with "CCNL Multiservizi" as the only agreement named.

    Not flagged example:
        The same tender naming "CCNL Cooperative sociali T151"; school catering (CPV 55524000-9) naming the
        CCNL Turismo - Pubblici esercizi.
    """

    code = "R-CCNL-2"
    name = "ccnl.sector_mismatch"
    family = "R-CCNL"
    severity = "critical"
    version = "2"
    legal_basis = "art. 11 c. 1 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        named = ctx_ccnls(ctx)
        if not named:
            return not_verifiable("nessun CCNL indicato nei documenti (vedi R-CCNL-1)")
        law, not_applicable = law_in_force(ctx, legal, "ccnl")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        scope = ctx.scope or classify(ctx, legal)
        kind = activity(ctx, not scope.tags.isdisjoint(("social", "cas")))
        if kind is None:
            return not_verifiable("attività dell'appalto non classificabile per settore")
        needed = SOCIAL_SECTORS if kind == "social" else ACTIVITY_SECTORS[kind]
        entries = [(n, registry_entry(n, legal)) for n in named]
        known = [(n, e) for n, e in entries if e is not None]
        figures = {"ccnl": [n.label for n in named], "matched": [e.label for _, e in known],
                   "registry_status": [e.status for _, e in known], "activity": kind,
                   "required_sectors": sorted(needed)}
        evidence = ctx.evidence("ccnl")
        unknown = [n.label for n, e in entries if e is None]
        covering = next((e for _, e in known if not needed.isdisjoint(e.sectors)), None)
        if covering is not None:
            return compliant(f"Il CCNL indicato ({covering.label}) copre l'attività dell'appalto.",
                             figures=figures, evidence=evidence)
        if unknown:
            return not_verifiable(f"CCNL «{'; '.join(unknown)}» non presente nel registro: verificarne il campo di "
                                  "applicazione sull'archivio CNEL", figures=figures, evidence=evidence)
        wanted = ", ".join(label for key, label in SECTOR_LABELS.items() if key in needed)
        return violation(
            f"Il CCNL indicato ({'; '.join(e.label for _, e in known)}) non è quello del settore dell'appalto "
            f"({wanted}): l'art. 11 c. 1 del D.Lgs. 36/2023 richiede il contratto strettamente connesso "
            "all'attività oggetto dell'appalto.",
            figures=figures, evidence=evidence,
        )
