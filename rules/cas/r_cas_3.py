from __future__ import annotations

import re

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData

COLLECTIVE = re.compile(r"collettiv|centr[oi]", re.IGNORECASE)
PRICE_ESTIMATE_NOTE = ESTIMATE_NOTE.replace("il costo di tabella usato", "il prezzo di riferimento")


class R_CAS_3(Rule):
    """The CAS price per person per day is below the capitolato reference for the centre type.

    Why it matters:
        The Interior Ministry capitolato (DM 29/1/2021, DM 4/3/2024) sets reference prices per
        person per day by centre type and size; a base below them cannot cover the staff hours the
        capitolato itself requires.

    Methodology:
        Field `daily_price` (prezzo pro capite pro die, VAT excluded) and `centre_type` (single units
        or collective centres, from the field or the title). Reference from `cas_prices.yaml` for the
        capitolato in force at publication. Violation when the price is below the reference; the
        message adds when the price equals (±1 %) the previous capitolato's reference (not re-costed).

    Exclusions:
        Not a CAS tender; daily price not found (not verifiable).

    Assumptions:
        The reference figures are price points of tenders built on each capitolato (estimated): the
        DM 4/3/2024 tables were not retrieved, and every verdict says so.

    Flagged example:
        2025, collective centre up to 50 places, € 28,00 per person per day.

    Not flagged example:
        € 35,00 per person per day.
    """

    code = "R-CAS-3"
    name = "cas.daily_price_below_reference"
    family = "R-CAS"
    severity = "warning"
    version = "1"
    legal_basis = "Schema di capitolato del Ministero dell'Interno (DM 29/1/2021; DM 4/3/2024)"
    applies_to = ("cas",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        price = ctx.number("daily_price")
        if price is None:
            return not_verifiable("prezzo pro capite pro die non trovato nei documenti")
        if ctx.published_on is None or (version := legal.cas_capitolato(ctx.published_on)) is None:
            return not_verifiable("nessuno schema di capitolato di riferimento per la data di pubblicazione")
        kind = str(ctx.value("centre_type") or "")
        centre = "collective" if COLLECTIVE.search(kind or ctx.title) and "unit" not in kind else "single_units"
        reference = next((p for p in version["prices"] if p["centre_type"] == centre), None)
        if reference is None:
            return not_verifiable(f"nessun prezzo di riferimento per il tipo di centro {centre}")
        ref = float(reference["price"])
        estimated = reference["status"] != "verified"
        gap = (price - ref) / ref * 100
        figures = {"daily_price": price, "reference_price": ref, "centre_type": centre, "capitolato": version["id"],
                   "reference_status": reference["status"], "reference_source": reference["source"],
                   "gap_pct": round(gap, 2)}
        note = f" {PRICE_ESTIMATE_NOTE}" if estimated else ""
        earlier = [v for v in legal.cas if v["valid_from"] < version["valid_from"]]
        if earlier:  # a price still at the previous capitolato's level: not re-costed since then
            previous = max(earlier, key=lambda v: v["valid_from"])
            old = next((p for p in previous["prices"] if p["centre_type"] == centre), None)
            if old is not None and abs(price / float(old["price"]) - 1) <= 0.01:
                figures |= {"unchanged_since": previous["id"], "previous_reference_price": float(old["price"])}
                note = f" Il prezzo è quello del {previous['title']}: non aggiornato da allora.{note}"
        evidence = ctx.evidence("daily_price")
        label = "centri collettivi" if centre == "collective" else "singole unità abitative"
        if price >= ref:
            return compliant(lambda: f"Prezzo pro capite pro die {fmt.euro(price)} non inferiore al riferimento "
                             f"di {fmt.euro(ref)} ({label}, {version['title']}).{note}", figures=figures,
                             evidence=evidence, uses_estimate=estimated)
        return violation(lambda: f"Prezzo pro capite pro die {fmt.euro(price)} contro {fmt.euro(ref)} di "
                         f"riferimento ({label}, {version['title']}): {fmt.pct(gap, signed=True)}.{note}",
                         figures=figures, evidence=evidence, uses_estimate=estimated)
