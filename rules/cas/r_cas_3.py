from __future__ import annotations

import re

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData

# The centre type from the field only (every CAS title says "centri di accoglienza straordinaria"), single
# housing units first: "centri ... costituiti da singole unità abitative" are single units.
SINGLE_UNITS = re.compile(r"singol|single|unit[aà]\s+abitativ|appartament|accoglienza diffusa|\bunits?\b", re.IGNORECASE)
COLLECTIVE = re.compile(r"collettiv|\bcentr[oi]\b|\bcollective\b", re.IGNORECASE)


def centre_type(value: str) -> str | None:
    if SINGLE_UNITS.search(value):
        return "single_units"
    if COLLECTIVE.search(value):
        return "collective"
    return None


class R_CAS_3(Rule):
    """The CAS price per person per day is below the capitolato reference for the centre type.

    Why it matters:
        A base below the capitolato's reference cannot cover the staff hours the capitolato itself requires.

    Legal basis:
        Schema di capitolato of the Interior Ministry: DM 29/1/2021 (from 16/2/2021), then DM 4/3/2024, with
        reference prices per person per day by centre type and size. Reading (RULES_AUDIT.md §3 #8): the
        DM 4/3/2024 tables were not retrieved, and the shipped references are prices of single tenders
        (Rimini 2021, Prato 2023), not capitolato figures; a comparison with an estimated reference is not a
        verdict. `cas_prices.yaml` keeps the status of each reference.

    Methodology:
        Field `daily_price` (prezzo pro capite pro die, VAT excluded) and `centre_type` (single housing units
        or collective centres, from the field only). Reference of the capitolato in force at publication.
        With a verified reference: violation (warning) when the price is below it, compliant otherwise;
        the message adds when the price equals (±1 %) the previous capitolato's reference. With an estimated
        reference: not verifiable, the comparison kept in the figures.

    Does not flag:
        Any price against an estimated reference (all shipped ones, until the DM 4/3/2024 tables are
        transcribed); a centre type read from the title ("centri di accoglienza straordinaria" is every
        CAS); no centre type or daily price; no capitolato for the date; not a CAS.

    Assumptions:
        The reference figures carry their status; verified ones are transcribed from the decree's tables.

    Flagged example:
        With the capitolato's verified reference of € 34,70 for collective centres up to 50 places, a price
        of € 28,00 per person per day.

    Not flagged example:
        € 30,00 for "centri di accoglienza straordinaria costituiti da singole unità abitative" against the
        estimated references shipped today (not verifiable).
    """

    code = "R-CAS-3"
    name = "cas.daily_price_below_reference"
    family = "R-CAS"
    severity = "warning"
    version = "2"
    legal_basis = "Schema di capitolato del Ministero dell'Interno (DM 29/1/2021; DM 4/3/2024)"
    applies_to = ("cas",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        price = ctx.number("daily_price")
        if price is None:
            return not_verifiable("prezzo pro capite pro die non trovato nei documenti")
        if ctx.published_on is None or (version := legal.cas_capitolato(ctx.published_on)) is None:
            return not_verifiable("nessuno schema di capitolato di riferimento per la data di pubblicazione")
        centre = centre_type(str(ctx.value("centre_type") or ""))
        if centre is None:
            return not_verifiable("tipo di centro (singole unità abitative o centri collettivi) non indicato nei "
                                  "documenti")
        reference = next((p for p in version["prices"] if p["centre_type"] == centre), None)
        if reference is None:
            return not_verifiable(f"nessun prezzo di riferimento per il tipo di centro {centre}")
        ref = float(reference["price"])
        gap = (price - ref) / ref * 100
        figures = {"daily_price": price, "reference_price": ref, "centre_type": centre, "capitolato": version["id"],
                   "reference_status": reference["status"], "reference_source": reference["source"],
                   "gap_pct": round(gap, 2)}
        label = "centri collettivi" if centre == "collective" else "singole unità abitative"
        evidence = ctx.evidence("daily_price", "centre_type")
        if reference["status"] != "verified":
            return not_verifiable(f"prezzo di riferimento per {label} ({fmt.euro(ref)}) stimato dal prezzo di singole "
                                  f"gare, non dalle tabelle del {version['title']}: confronto non probante",
                                  figures=figures, evidence=evidence)
        note = ""
        earlier = [v for v in legal.cas if v["valid_from"] < version["valid_from"]]
        if earlier:  # a price still at the previous capitolato's level: not re-costed since then
            previous = max(earlier, key=lambda v: v["valid_from"])
            old = next((p for p in previous["prices"] if p["centre_type"] == centre), None)
            if old is not None and abs(price / float(old["price"]) - 1) <= 0.01:
                figures |= {"unchanged_since": previous["id"], "previous_reference_price": float(old["price"])}
                note = f" Il prezzo è quello del {previous['title']}: non aggiornato da allora."
        if price >= ref:
            return compliant(lambda: f"Prezzo pro capite pro die {fmt.euro(price)} non inferiore al riferimento "
                             f"di {fmt.euro(ref)} ({label}, {version['title']}).{note}", figures=figures,
                             evidence=evidence)
        return violation(lambda: f"Prezzo pro capite pro die {fmt.euro(price)} contro {fmt.euro(ref)} di "
                         f"riferimento ({label}, {version['title']}): {fmt.pct(gap, signed=True)}.{note}",
                         figures=figures, evidence=evidence)
