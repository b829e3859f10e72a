from __future__ import annotations

import re
from functools import lru_cache

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData
from rules.scope import classify

LOWEST = re.compile(r"lowest|minor prezzo|prezzo pi[uù] basso|massimo ribasso", re.IGNORECASE)
OEPV = re.compile(r"oepv|economicamente pi[uù] vantaggiosa|qualit[aà]\s*/?\s*prezzo|best", re.IGNORECASE)


@lru_cache(maxsize=1024)  # three rules per notice ask, and the criteria are a handful of strings
def criterion(value: str | None) -> str | None:
    if not value:
        return None
    if LOWEST.search(value):
        return "lowest_price"
    if OEPV.search(value):
        return "oepv"
    return None


class R_CRIT_1(Rule):
    """A social-service tender is awarded on the lowest price.

    Why it matters:
        Art. 108 c. 2 lett. a) and art. 128 c. 7 D.Lgs. 36/2023 require the most economically
        advantageous tender (OEPV, best price-quality ratio) for social services and labour-intensive
        services. The lowest price turns a care service into a race to cut wages.

    Methodology:
        Award criterion from the documents (`award_criterion`), else the feed, else the lots.
        Violation (critical) when it is the lowest price; compliant when OEPV.

    Exclusions:
        Direct awards below the art. 50 threshold in force at publication (140.000 €): the MIT (parere
        2103/2023) reads art. 128 c. 8 as allowing them without OEPV. Criterion unknown: not verifiable.

    Assumptions:
        The feed's criterion codes are normalised to "oepv"/"lowest_price" by the crawlers.

    Flagged example:
        Open procedure for school assistance, "criterio del minor prezzo".

    Not flagged example:
        The same tender on OEPV; or a direct award of € 39.000,00 on price.
    """

    code = "R-CRIT-1"
    name = "criteria.lowest_price_on_social_service"
    family = "R-CRIT"
    severity = "critical"
    version = "1"
    legal_basis = "art. 108 c. 2 lett. a) e art. 128 c. 7 D.Lgs. 36/2023"
    applies_to = ("social", "labour_intensive")

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        raw, evidence = ctx.award_criterion_value
        found = criterion(raw)
        if found is None:
            return not_verifiable("criterio di aggiudicazione non trovato" if raw is None
                                  else f"criterio di aggiudicazione non riconosciuto: {raw}")
        figures = {"award_criterion": found}
        if found == "oepv":
            return compliant("Aggiudicazione con l'offerta economicamente più vantaggiosa.", figures=figures,
                             evidence=evidence)
        scope = ctx.scope or classify(ctx, legal)
        if "direct_award_below_threshold" in scope.tags:
            return compliant("Minor prezzo in un affidamento diretto sotto soglia (art. 50 c. 1 lett. b; parere MIT "
                             "2103/2023): consentito.", figures=figures | {"direct_award": True}, evidence=evidence)
        return violation("Servizio sociale o ad alta intensità di manodopera aggiudicato al minor prezzo: l'art. 108 "
                         "c. 2 del D.Lgs. 36/2023 impone l'offerta economicamente più vantaggiosa.",
                         figures=figures, evidence=evidence)
