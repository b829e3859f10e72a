from __future__ import annotations

import re
from functools import lru_cache

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData
from rules.scope import notice_cpvs

WAGE_INDEX = re.compile(r"retribuzion|contrattual|\bir\b|salari|costo del lavoro|tabelle ministeriali", re.IGNORECASE)
PRICE_INDEX = re.compile(r"\bfoi\b|\bnic\b|\bipca\b|\bppi\b|prezzi al consumo|prezzi (alla )?produzione|"
                         r"indice dei prezzi|istat", re.IGNORECASE)
# The clause takes its indices from the Allegato itself (Tabella D): nothing left to compare.
ANNEX_INDICES = re.compile(r"allegato\s+ii\.?\s*2[- ]?bis|tabella\s+d\b", re.IGNORECASE)
# Art. 60 c. 2-bis: ordinary index-linked adjustments (e.g. ISTAT inflation) outside the art. 60 trigger.
ORDINARY_ADJUSTMENT = re.compile(r"comma\s+2[- ]?bis|c\.\s*2[- ]?bis|adeguament\w+ (ordinari|annual|periodic)",
                                 re.IGNORECASE)
CPV_WITH_WAGE_INDEX = ("85311", "85312", "85321", "85322")


@lru_cache(maxsize=4096)  # CPV codes repeat across notices
def wage_index_cpv(cpv: str) -> bool:
    return re.sub(r"\D", "", cpv).startswith(CPV_WITH_WAGE_INDEX)


class R_REV_3(Rule):
    """Price revision of a residential or non-residential social service uses price indices only.

    Why it matters:
        In social care most of the price is wages. A clause tied only to FOI/NIC consumer prices misses the
        CCNL tranches, which outrun inflation.

    Legal basis:
        Art. 60 D.Lgs. 36/2023 and Allegato II.2-bis, Tabella D, introduced by the correttivo D.Lgs.
        209/2024: for CPV 85311 and 85312 (and 85321/85322) the composite index includes the ISTAT index of
        hourly contractual wages (IR, ATECO 87/88). Before the correttivo the original art. 60 c. 3 let the
        authority choose consumer, producer or wage indices. Reading on the start (open point, art. 16 of
        the Allegato): for services the Allegato is read as binding procedures published from 31/12/2024,
        the correttivo's entry into force (works wait for the ministerial measure of art. 60 c. 4, MIT
        parere 3312/2025); `thresholds.yaml` topic `revision_indices`. Tabella D is known from a
        third-party parse (DOMAIN.md §1.4), hence the warning severity.

    Methodology:
        Applies to CPVs 85311, 85312, 85321, 85322 published from the start above. Reads
        `price_revision.index` (text or list): compliant when a wage index is named or the clause takes its
        indices from the Allegato II.2-bis / Tabella D; violation when it names only price indices (FOI,
        NIC, IPCA, "ISTAT") for the art. 60 revision.

    Does not flag:
        Tenders published before 31/12/2024 (the Tabella did not exist); an inflation index used for the
        ordinary adjustments of art. 60 c. 2-bis, which sit outside the art. 60 trigger; a clause that refers
        to the Allegato's indices; other CPVs; no clause (R-REV-1); index not stated.

    Assumptions:
        The extractor reports the index wording in `price_revision.index` and the clause's sentence as
        evidence.

    Flagged example:
        CPV 85312000-9, published 10/2/2025, "adeguamento in base all'indice ISTAT FOI" as the revision index.

    Not flagged example:
        "indice delle retribuzioni contrattuali orarie ATECO 88 e indice FOI"; a 2023 tender revised on FOI.
    """

    code = "R-REV-3"
    name = "revision.no_wage_index"
    family = "R-REV"
    severity = "warning"
    version = "2"
    legal_basis = "art. 60 D.Lgs. 36/2023; Allegato II.2-bis, Tabella D (D.Lgs. 209/2024)"
    applies_to = ("social",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        if not any(map(wage_index_cpv, notice_cpvs(ctx))):
            return not_verifiable(f"regola per i CPV 85311/85312/85321/85322 (CPV della gara: {ctx.cpv or 'n.d.'})")
        law, not_applicable = law_in_force(ctx, legal, "revision_indices")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        clause = sub_dict(ctx, "price_revision") or {}
        if clause.get("present") is not True:
            return not_verifiable("clausola di revisione prezzi assente o non trovata (vedi R-REV-1)")
        index = clause.get("index")
        text = " ".join(map(str, index)) if isinstance(index, list) else str(index or "")
        evidence = ctx.evidence("price_revision")
        around = " ".join(str(e.get("text") or "") for e in evidence)
        figures = {"cpv": ctx.cpv, "index": index, "law_version": law["id"]}
        if WAGE_INDEX.search(text):
            return compliant("La revisione prezzi usa un indice delle retribuzioni contrattuali.",
                             figures=figures, evidence=evidence)
        if ANNEX_INDICES.search(f"{text} {around}"):
            return compliant("La revisione prezzi rinvia agli indici dell'Allegato II.2-bis (Tabella D), che per i "
                             "servizi sociali comprendono l'indice delle retribuzioni contrattuali.",
                             figures=figures, evidence=evidence)
        if not text.strip():
            return not_verifiable("indice di revisione non indicato nella clausola")
        if ORDINARY_ADJUSTMENT.search(f"{text} {around}"):
            return not_verifiable("l'indice indicato serve all'adeguamento ordinario dell'art. 60 c. 2-bis, fuori dal "
                                  "meccanismo di revisione: indici della revisione non indicati", figures=figures,
                                  evidence=evidence)
        if PRICE_INDEX.search(text):
            return violation(f"La revisione prezzi usa solo indici di prezzo ({text}) e nessun indice delle "
                             "retribuzioni contrattuali, come invece prevede la Tabella D dell'Allegato II.2-bis "
                             "per i servizi sociali: gli aumenti del CCNL non verrebbero recuperati.",
                             figures=figures, evidence=evidence)
        return not_verifiable(f"indice di revisione non riconosciuto: {text}", figures=figures, evidence=evidence)
