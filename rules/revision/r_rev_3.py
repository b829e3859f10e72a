from __future__ import annotations

import re
from functools import lru_cache

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData

WAGE_INDEX = re.compile(r"retribuzion|contrattual|\bir\b|salari|costo del lavoro|tabelle ministeriali", re.IGNORECASE)
PRICE_INDEX = re.compile(r"\bfoi\b|\bnic\b|\bipca\b|\bppi\b|prezzi al consumo|prezzi (alla )?produzione|"
                         r"indice dei prezzi|istat", re.IGNORECASE)
CPV_WITH_WAGE_INDEX = ("85311", "85312", "85321", "85322")


@lru_cache(maxsize=4096)  # CPV codes repeat across notices
def wage_index_cpv(cpv: str) -> bool:
    return re.sub(r"\D", "", cpv).startswith(CPV_WITH_WAGE_INDEX)


class R_REV_3(Rule):
    """Price revision of a residential or non-residential social service uses consumer prices only.

    Why it matters:
        In social care most of the price is wages. Allegato II.2-bis Tabella D pairs CPV 85311 and
        85312 (and 85321/85322) with the ISTAT index of hourly contractual wages (IR, ATECO 87/88). A
        clause tied only to FOI/NIC consumer prices misses CCNL tranches, which outrun inflation.

    Methodology:
        Applies to CPVs 85311, 85312, 85321, 85322. Reads `price_revision.index` (text or list):
        violation when it names a consumer-price index (FOI, NIC, IPCA, "ISTAT") and no wage index
        (retribuzioni contrattuali, IR); compliant when a wage index is named.

    Exclusions:
        Other CPVs; no clause (R-REV-1); index not stated (not verifiable).

    Assumptions:
        Heuristic reading of Tabella D (third-party parse, DOMAIN.md §1.4).

    Flagged example:
        CPV 85312000-9, "adeguamento annuale in base all'indice ISTAT FOI".

    Not flagged example:
        "indice delle retribuzioni contrattuali orarie ATECO 88 e indice FOI".
    """

    code = "R-REV-3"
    name = "revision.no_wage_index"
    family = "R-REV"
    severity = "warning"
    version = "1"
    legal_basis = "art. 60 D.Lgs. 36/2023; Allegato II.2-bis, Tabella D"
    applies_to = ("social",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        listed = ctx.value("cpv")
        cpvs = [ctx.cpv, *(listed if isinstance(listed, list) else [listed])]
        if not any(map(wage_index_cpv, map(str, filter(None, cpvs)))):
            return not_verifiable(f"regola per i CPV 85311/85312/85321/85322 (CPV della gara: {ctx.cpv or 'n.d.'})")
        clause = sub_dict(ctx, "price_revision") or {}
        if clause.get("present") is not True:
            return not_verifiable("clausola di revisione prezzi assente o non trovata (vedi R-REV-1)")
        index = clause.get("index")
        text = " ".join(map(str, index)) if isinstance(index, list) else str(index or "")
        if not text.strip():
            return not_verifiable("indice di revisione non indicato nella clausola")
        figures = {"cpv": ctx.cpv, "index": index}
        evidence = ctx.evidence("price_revision")
        if WAGE_INDEX.search(text):
            return compliant("La revisione prezzi usa un indice delle retribuzioni contrattuali.",
                             figures=figures, evidence=evidence)
        if PRICE_INDEX.search(text):
            return violation(f"La revisione prezzi usa solo indici di prezzo ({text}) e nessun indice "
                             "delle retribuzioni contrattuali, come invece prevede la Tabella D dell'Allegato II.2-bis "
                             "per i servizi sociali: gli aumenti del CCNL non verrebbero recuperati.",
                             figures=figures, evidence=evidence)
        return not_verifiable(f"indice di revisione non riconosciuto: {text}", figures=figures, evidence=evidence)
