from __future__ import annotations

import re

from rules.base import Rule, Verdict, compliant, not_verifiable
from rules.common import law_in_force
from rules.context import NoticeContext
from rules.legal import LegalData

STEEP = re.compile(r"\blineare\b|linear|proporzional[ei](?! inversa)|ribasso\s*/\s*ribasso\s*max|ri\s*/\s*rmax",
                   re.IGNORECASE)
FLAT = re.compile(r"bilinear|concav|non lineare|interdipendente|radice|\^\s*0[.,]\d|alpha|α|proporzionale inversa|"
                  r"prezzo minimo\s*/\s*prezzo", re.IGNORECASE)


class R_CRIT_3(Rule):
    """The economic-score formula rewards large discounts steeply (linear on the discount): an observation.

    Why it matters:
        A linear formula (points = max × discount / best discount) keeps paying for every extra point of
        discount, so bidders compete on labour cost. A concave or bilinear formula flattens near the best
        discount and takes the pressure off wages.

    Legal basis:
        No provision: art. 108 D.Lgs. 36/2023 (from 1/7/2023) leaves the formula to the authority, and case
        law accepts linear and non-linear formulas alike (DOMAIN.md §1.5). A linear formula is lawful, so
        the rule never gives a violation (RULES_AUDIT.md: "an observation, not a violation"): it records the
        observation on a compliant verdict, where `rules explain` and the workspace show it.

    Methodology:
        Reads the field `economic_formula` (text or name). Linear / proportional on the discount → compliant
        with the observation (figure `observation: linear_formula`, message "Osservazione (formula lecita)");
        bilinear, concave, non-linear or inverse-proportional → compliant.

    Does not flag:
        Any formula as unlawful; lowest-price tenders (no score); formula not extracted or not classified
        (not verifiable); notices before 1/7/2023.

    Assumptions:
        The extractor reports the formula's name or text in `economic_formula`.

    Flagged example:
        None as a violation: "Pe = 30 × Ri / Rmax (formula lineare)" is compliant with the observation.

    Not flagged example:
        "formula bilineare con coefficiente X = 0,85".
    """

    code = "R-CRIT-3"
    name = "criteria.steep_price_formula"
    family = "R-CRIT"
    severity = "info"
    version = "3"
    results = ("compliant", "not_verifiable")
    legal_basis = "nessuna norma: osservazione sulla formula del punteggio economico (art. 108 D.Lgs. 36/2023)"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        formula = ctx.value("economic_formula")
        if not formula:
            return not_verifiable("formula del punteggio economico non estratta dai documenti")
        law, not_applicable = law_in_force(ctx, legal, "award")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        text = str(formula)
        figures = {"economic_formula": text}
        evidence = ctx.evidence("economic_formula")
        if FLAT.search(text):
            return compliant("Formula del punteggio economico non lineare: premia meno i ribassi estremi.",
                             figures=figures, evidence=evidence)
        if STEEP.search(text):
            return compliant("Osservazione (formula lecita): la formula è lineare sul ribasso, ogni punto di ribasso "
                             "in più vale punti e spinge a comprimere il costo del lavoro; una formula bilineare o "
                             "concava ridurrebbe la pressione.", figures={**figures, "observation": "linear_formula"},
                             evidence=evidence)
        return not_verifiable(f"formula non classificata: {text[:120]}", figures=figures, evidence=evidence)
