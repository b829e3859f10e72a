from __future__ import annotations

import re
from dataclasses import dataclass

from rules.accreditation import data
from rules.accreditation.base import TariffRule
from rules.accreditation.context import ActContext
from rules.legal import LegalData


@dataclass(frozen=True)
class WatchMatch:
    tariff_terms: tuple[str, ...]
    service_terms: tuple[str, ...]
    region: str | None
    act: str


class R_ACC_6(TariffRule):
    """A new act's title speaks of accreditation tariffs for the services of the social cooperatives.

    Why it matters:
        Tariff acts are event-driven (no periodic indexation) and published in bulletins without feeds:
        an Observatory that learns of a DGR late cannot lobby on it. The watch reads the Gazzetta
        Ufficiale, Normattiva and the regional bulletins every night.

    Legal basis:
        No provision of law: the watch serves the Observatories' mandate on regional accreditation systems
        (L. 328/2000 art. 8 c. 3 lett. n and art. 11, since 2000; D.Lgs. 502/1992 art. 8-quater and 8-sexies,
        as amended by D.Lgs. 229/1999). It gives no verdict, only a match on a new act's title.

    Methodology:
        A title matches when it holds one word of each list of the legal data: tariff words ("tariff",
        "retta", "quota sanitaria", "costo di riferimento", "remunerazione", "accreditamento") and service
        words ("RSA", "CRA", "centro diurno", "disabil", "cooperative sociali", "CCNL"). The match carries
        the region, the act number and date; the watch sends it to the National Observatory and, for a
        regional act, to the region's. Info only: no verdict, no state.

    Does not flag:
        Titles with words of one list only (a procurement act on canteens, a health-service decree
        without tariffs): no match.

    Assumptions:
        Words are matched case-insensitively at the start of a word ("disabil" matches "disabilità").

    Flagged example:
        "DGR n. 1234 del 02/12/2026 - Aggiornamento delle tariffe dei centri diurni per persone con
        disabilità": match.

    Not flagged example:
        "Decreto 3 novembre 2026 - Disposizioni sul servizio di mensa scolastica": no match.
    """

    code = "R-ACC-6"
    name = "accreditation.watch_tariff_acts"
    family = "R-ACC"
    severity = "info"
    version = "1"
    legal_basis = "L. 328/2000 art. 8 c. 3 lett. n); D.Lgs. 502/1992 art. 8-sexies"
    subject = "act"
    results = ()

    def evaluate(self, ctx: ActContext, legal: LegalData | None = None) -> WatchMatch | None:  # type: ignore[override]
        settings = data.load()
        title = " ".join(ctx.title.lower().split())
        tariff = tuple(w for w in settings.tariff_words if _has_word(title, w))
        service = tuple(w for w in settings.service_words if _has_word(title, w))
        if not tariff or not service:
            return None
        act = " ".join(p for p in (ctx.act_kind, ctx.act_number) if p) or "atto"
        if ctx.act_date:
            act += f" del {ctx.act_date.day}/{ctx.act_date.month}/{ctx.act_date.year}"
        return WatchMatch(tariff, service, ctx.region, act)


def _has_word(text: str, stem: str) -> bool:
    return re.search(r"(?<![a-zà-ý0-9])" + re.escape(stem), text) is not None
