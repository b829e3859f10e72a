from __future__ import annotations

import re

from rules.base import Rule, Verdict, compliant, not_verifiable
from rules.common import law_in_force, missing_clause, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData

# A service with no outgoing contractor: nobody to re-hire, no list to give.
NEW_SERVICE = re.compile(r"nuov[oa] (servizio|attivazione)|di nuova (attivazione|istituzione)|primo affidamento|"
                         r"non (vi è|c'è|è presente) personale (uscente|da riassorbire)|assenza di (un )?gestore uscente",
                         re.IGNORECASE)


class R_SOC_2(Rule):
    """The tender has a social clause but gives no list of the outgoing staff.

    Why it matters:
        A social clause can be priced only if bidders know whom they must re-hire: how many workers, at
        which CCNL level, for how many hours and with what seniority. Without the list the clause is empty
        and offers cannot be compared on labour cost.

    Legal basis:
        A practice check built on art. 57 c. 1 D.Lgs. 36/2023 (from 1/7/2023) and CCNL art. 37 ("cambi di
        gestione"); no provision names the list itself, hence the warning severity (DOMAIN.md §1.3:
        heuristic).

    Methodology:
        Applies when the tender has a social clause. Compliant when `social_clause.staff_list` is true;
        otherwise a violation (warning) only when every document was read and the notice is the call
        itself; not verifiable when a document was not read.

    Does not flag:
        Tenders without a social clause (R-SOC-1); a service said to be new, with no outgoing contractor
        ("servizio di nuova attivazione", "primo affidamento"); direct awards and market surveys; a list not
        found when an annex was not read; notices before 1/7/2023.

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
    version = "2"
    legal_basis = "art. 57 c. 1 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali (prassi)"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        clause = sub_dict(ctx, "social_clause")
        if not clause or not clause.get("present"):
            return not_verifiable("la gara non contiene una clausola sociale (vedi R-SOC-1)")
        law, not_applicable = law_in_force(ctx, legal, "social_clause")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        evidence = ctx.evidence("social_clause")
        if clause.get("staff_list"):
            return compliant("La gara allega l'elenco del personale uscente da riassorbire.", evidence=evidence)
        text = " ".join([ctx.title, ctx.description or ""] + [str(e.get("text") or "") for e in evidence])
        if NEW_SERVICE.search(text):
            return not_verifiable("servizio di nuova attivazione: non c'è personale uscente da elencare",
                                  evidence=evidence)
        return missing_clause(ctx, "La gara prevede la clausola sociale ma non fornisce l'elenco del personale "
                                   "uscente (numero, livelli, ore, anzianità): i concorrenti non possono "
                                   "calcolarne il costo.", evidence=evidence)
