from __future__ import annotations

import re

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData

STEEP = re.compile(r"\blineare\b|linear|proporzional[ei](?! inversa)|ribasso\s*/\s*ribasso\s*max|ri\s*/\s*rmax",
                   re.IGNORECASE)
FLAT = re.compile(r"bilinear|concav|non lineare|interdipendente|radice|\^\s*0[.,]\d|alpha|α|proporzionale inversa|"
                  r"prezzo minimo\s*/\s*prezzo", re.IGNORECASE)


class R_CRIT_3(Rule):
    """The economic-score formula rewards large discounts steeply (linear on the discount).

    Why it matters:
        A linear formula (points = max × discount / best discount) keeps paying for every extra point
        of discount, so bidders compete on labour cost. A concave or bilinear formula flattens near
        the best discount and takes the pressure off wages (case law accepts both: heuristic).

    Methodology:
        Reads the field `economic_formula` (text or name). Violation when it names a linear /
        proportional formula on the discount; compliant for bilinear, concave, non-linear or
        inverse-proportional formulas.

    Exclusions:
        Lowest-price tenders (no score); formula not extracted (not verifiable).

    Assumptions:
        The extractor reports the formula's name or text in `economic_formula`.

    Flagged example:
        "Pe = 30 × Ri / Rmax (formula lineare)".

    Not flagged example:
        "formula bilineare con coefficiente X = 0,85".
    """

    code = "R-CRIT-3"
    name = "criteria.steep_price_formula"
    family = "R-CRIT"
    severity = "info"
    version = "1"
    legal_basis = "art. 108 D.Lgs. 36/2023 (prassi; giurisprudenza sulle formule non lineari)"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        formula = ctx.value("economic_formula")
        if not formula:
            return not_verifiable("formula del punteggio economico non estratta dai documenti")
        text = str(formula)
        figures = {"economic_formula": text}
        evidence = ctx.evidence("economic_formula")
        if FLAT.search(text):
            return compliant("Formula del punteggio economico non lineare: premia meno i ribassi estremi.",
                             figures=figures, evidence=evidence)
        if STEEP.search(text):
            return violation("Formula lineare sul ribasso: ogni punto di ribasso in più vale punti, il che spinge a "
                             "comprimere il costo del lavoro; preferibile una formula bilineare o concava.",
                             figures=figures, evidence=evidence)
        return not_verifiable(f"formula non classificata: {text[:120]}", figures=figures, evidence=evidence)
