from __future__ import annotations

from rules.base import Rule, Verdict, compliant, not_verifiable
from rules.common import missing_clause, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData


class R_SOC_2(Rule):
    """The tender gives no list of the outgoing staff (numbers, levels, hours, seniority).

    Why it matters:
        A social clause can be priced only if bidders know whom they must re-hire: how many workers,
        at which CCNL level, for how many hours and with what seniority. Without the list the clause
        is empty and offers cannot be compared on labour cost.

    Methodology:
        Applies when the tender has a social clause. Compliant when `social_clause.staff_list` is
        true; otherwise a violation if every document was read, not verifiable if not.

    Exclusions:
        Tenders without a social clause (not verifiable here: R-SOC-1 reports them); first awards of a
        new service (no outgoing staff; not recognisable from the documents).

    Assumptions:
        A staff list attached as a separate annex counts when the annex was read.

    Flagged example:
        "Si applica la clausola sociale" and no "elenco del personale attualmente impiegato".

    Not flagged example:
        "Allegato 5 – Elenco del personale uscente: 12 OSS C2, 38 ore settimanali, anzianità ...".
    """

    code = "R-SOC-2"
    name = "social.staff_list_missing"
    family = "R-SOC"
    severity = "warning"
    version = "1"
    legal_basis = "art. 57 c. 1 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        clause = sub_dict(ctx, "social_clause")
        if not clause or not clause.get("present"):
            return not_verifiable("la gara non contiene una clausola sociale (vedi R-SOC-1)")
        evidence = ctx.evidence("social_clause")
        if clause.get("staff_list"):
            return compliant("La gara allega l'elenco del personale uscente da riassorbire.", evidence=evidence)
        return missing_clause(ctx, "La gara prevede la clausola sociale ma non fornisce l'elenco del personale "
                                   "uscente (numero, livelli, ore, anzianità): i concorrenti non possono "
                                   "calcolarne il costo.", evidence=evidence)
