from __future__ import annotations

import re
from functools import lru_cache

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force
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
    """A social, care-catering or labour-intensive service is awarded on the lowest price.

    Why it matters:
        The lowest price turns a care service into a race to cut wages.

    Legal basis:
        Art. 108 c. 2 lett. a) D.Lgs. 36/2023, from 1/7/2023 (unchanged on this point by the correttivo):
        awarded "esclusivamente" on the best price-quality ratio are "i contratti relativi ai servizi sociali
        e di ristorazione ospedaliera, assistenziale e scolastica, nonché ai servizi ad alta intensità di
        manodopera" (labour ≥ 50 %, Allegato I.1 art. 2 c. 1 lett. e); c. 3: the lowest price is allowed for
        standardised services "fatta eccezione per i servizi ad alta intensità di manodopera"; art. 128 c. 7
        for the services of Annex XIV; art. 50 c. 4 below the EU threshold in the negotiated procedures of
        lett. c-e. Direct awards of services below 140.000 € (art. 50 c. 1 lett. b) are not competitions on
        award criteria (MIT parere 2103/2023 on art. 128 c. 8). The EU threshold of art. 14 c. 1 for Annex
        XIV services (750.000 €) is recorded in the figures to say which provision applies. Versions:
        `thresholds.yaml` topics `award`, `direct_award`, `eu`.

    Methodology:
        Award criterion from the documents (`award_criterion`), else the feed, else the lots. Compliant when
        OEPV. On the lowest price, a violation (critical) for social services (CAS included) and hospital,
        care and school catering, whatever the labour share, and for other services whose labour share,
        computed from the notice's own figures, is at least 50 %.

    Does not flag:
        A service presumed labour-intensive from its CPV alone (cleaning, catering outside care settings)
        with no figures to compute the share: art. 108 c. 3 allows the lowest price below 50 %, so not
        verifiable; a service whose computed labour share is below 50 % (out of scope); direct awards below
        140.000 €; a direct award whose amount is not stated (not verifiable); works and supplies (out of
        scope); criterion unknown; notices before 1/7/2023.

    Assumptions:
        The feed's criterion codes are normalised to "oepv"/"lowest_price" by the crawlers.

    Flagged example:
        Open procedure for school assistance, "criterio del minor prezzo"; school catering on the lowest
        price.

    Not flagged example:
        The same tender on OEPV; a direct award of € 39.000,00 on price; cleaning offices on price with no
        labour figures (not verifiable).
    """

    code = "R-CRIT-1"
    name = "criteria.lowest_price_on_social_service"
    family = "R-CRIT"
    severity = "critical"
    version = "2"
    legal_basis = "art. 108 c. 2 lett. a) e c. 3, art. 128 c. 7, art. 50 c. 4 D.Lgs. 36/2023"
    applies_to = ("social", "labour_intensive", "care_catering")

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "award")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        raw, evidence = ctx.award_criterion_value
        found = criterion(raw)
        if found is None:
            return not_verifiable("criterio di aggiudicazione non trovato" if raw is None
                                  else f"criterio di aggiudicazione non riconosciuto: {raw}")
        scope = ctx.scope or classify(ctx, legal)
        figures: dict = {"award_criterion": found, "law_version": law["id"]}  # type: ignore[type-arg]
        eu = legal.threshold("eu", ctx.published_on) if ctx.published_on else None
        amount = ctx.base_amount
        if eu is not None and amount is not None:
            figures |= {"eu_threshold_eur": float(eu["social_services_eur"]),
                        "above_eu_threshold": amount >= float(eu["social_services_eur"])}
        if found == "oepv":
            return compliant("Aggiudicazione con l'offerta economicamente più vantaggiosa.", figures=figures,
                             evidence=evidence)
        if "direct_award_below_threshold" in scope.tags:
            return compliant("Minor prezzo in un affidamento diretto sotto soglia (art. 50 c. 1 lett. b; parere MIT "
                             "2103/2023): consentito.", figures=figures | {"direct_award": True}, evidence=evidence)
        if "direct_award" in scope.tags and amount is None:
            return not_verifiable("affidamento diretto di importo non indicato: non si può dire se sia sotto la soglia "
                                  "dell'art. 50 c. 1 lett. b", figures=figures, evidence=evidence)
        if scope.tags.isdisjoint(("social", "cas", "care_catering")) and not scope.labour_intensive_computed:
            return not_verifiable("alta intensità di manodopera solo presunta dal CPV: il minor prezzo è ammesso per i "
                                  "servizi con manodopera sotto il 50 % (art. 108 c. 3), l'incidenza non è calcolabile",
                                  figures=figures, evidence=evidence)
        if not scope.tags.isdisjoint(("social", "cas")):
            what = "Servizio sociale"
        elif "care_catering" in scope.tags:
            what = "Servizio di ristorazione ospedaliera, assistenziale o scolastica"
        else:
            what = "Servizio ad alta intensità di manodopera"
        regime = ""
        if figures.get("above_eu_threshold") is False:
            regime = (f" (sotto la soglia UE di {fmt.euro(figures['eu_threshold_eur'], 0)}: anche art. 50 c. 4 nelle "
                      "procedure negoziate)")
        return violation(f"{what} aggiudicato al minor prezzo: {law['legal_basis'].split(';')[0]} impone l'offerta "
                         f"economicamente più vantaggiosa{regime}.", figures=figures, evidence=evidence)
