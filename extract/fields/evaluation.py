"""How offers are evaluated: the economic-score formula (art. 108) and the anomaly elements (art. 110).

`economic_formula` is "<name>: <equation>" (or the name alone, or the equation alone when it has no
recognisable shape), the name being one of the Italian names analysts use and R-CRIT-3 classifies:
"bilineare", "non lineare" (concave: an exponent α < 1 on the discount ratio), "proporzionale inversa"
(Pmin / Pi), "lineare" (Ri / Rmax, steep on the discount). Only formulas in the price part count:
the technical score's aggregative-compensator formula and "interpolazione lineare" of quantitative
technical criteria are skipped by looking at which offer the text before the match speaks about.

`anomaly_elements` lists, as "; "-separated Italian labels, the specific elements the call gives for
the anomalous-offer check (art. 110 c. 1): the four-fifths threshold on the points, labour cost below
the tables or the contractual minimums, a discount above a stated percentage. The law's words alone
("in base a elementi specifici ... appaia anormalmente bassa") are not elements: nothing is reported.
"""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.fields.numbers import parse_percent
from extract.textindex import TextIndex

# --- economic-score formula ----------------------------------------------------------------------
# (name, pattern), most specific first: a bilinear formula is described with "interpolazione lineare"
# below the threshold, and a concave one with "Ri/Rmax" raised to α.
_FORMULA_NAMES = (
    ("bilineare", re.compile(r"\bbi-?lineare\b", re.I)),
    ("non lineare", re.compile(
        r"\bnon\s+lineare\b|\bconcav[ao]\b|\bquadratic[ao]\b|\bradice\s+(?:quadrata|n-esima)|"
        r"\)\s*\^\s*(?:α|alfa|alpha|0[.,]\d+)|\besponente\s+(?:α|alfa|alpha)\b|\b(?:α|alfa|alpha)\s*=\s*0[.,]\d+", re.I)),
    ("proporzionale inversa", re.compile(
        r"\bproporzionalità\s+inversa\b|\binversamente\s+proporzional[ei]\b|\bproporzional[ei]\s+invers[ao]\b|"
        r"\bP\s?min\s*/\s*P\s?(?:i|o|a|off)\b|\bprezzo\s+minimo\s*/\s*prezzo\b", re.I)),
    ("lineare", re.compile(
        r"\b(?:formula|interpolazione|proporzione)\s+lineare\b|\blineare\s+(?:semplice|sul\s+ribasso|al\s+ribasso)\b|"
        r"\bdirettamente\s+proporzional[ei]\b|\bR\s?i\s*/\s*R\s?(?:max|best|migliore)\b|"
        r"\bribasso\s+(?:offerto|del\s+concorrente)\s*/\s*ribasso\s+(?:massimo|migliore|più\s+alto)", re.I)),
)
_FORMULA_HINT = ("lineare|concav|quadratic|radice|^|esponente|α|alfa|alpha|proporzional|pmin|p min|prezzo minimo|"
                 "ri/|ri /|r i/|r i /|ribasso offerto|ribasso del")
# What the text just before a formula speaks about: the last of these words decides.
_PRICE_CONTEXT = re.compile(r"offerta\s+economica|punteggio\s+economico|punteggio\s+(?:del\s+|relativo\s+al\s+)?prezzo|"
                            r"elemento\s+prezzo|coefficiente\s+prezzo|componente\s+(?:economica|prezzo)|\bribass\w*|"
                            r"prezzo\s+(?:offerto|più\s+basso|minimo)", re.I)
_TECHNICAL_CONTEXT = re.compile(r"offerta\s+tecnica|punteggio\s+tecnico|qualitativ\w+|criteri\s+quantitativ\w*|"
                                r"elementi\s+quantitativ\w*|aggregativo[\s-]+compensatore|sub-?criteri", re.I)
# "PE = PEmax x Pmin / Po", "Pi = 30 * (Ri / Rmax)^0,3": a symbol, "=", then formula tokens up to the
# words that open the legend ("ove", "dove", "in cui") or the end of the sentence.
_EQUATION = re.compile(
    r"\b(?P<lhs>[A-Z][A-Za-z]{0,7}(?:\s?\(\w{1,4}\))?|V\s?\(\s?a\s?\)\s?i)\s*=\s*"
    r"(?P<rhs>[\w\s×x*·/+\-–.,^()\[\]αΣ∑]{3,90}?)(?=\s+(?:ove|dove|in\s+cui|essendo|con|nella|nel|per)\b|[;:\n]|[.,]\s|$)",
)
# A formula computes from variables: "X = 0,85" (a coefficient) is not one.
_OPERATION = re.compile(r"[A-Za-zα][^/*×^]*[/*×^]|[/*×^][^A-Za-zα]*[A-Za-zα]|\sx\s")
_LOOKBACK = 500


def _about_price(index: TextIndex, start: int) -> bool:
    window = index.text[max(start - _LOOKBACK, 0) : start + 40]
    price = [m.end() for m in _PRICE_CONTEXT.finditer(window)]
    technical = [m.end() for m in _TECHNICAL_CONTEXT.finditer(window)]
    return bool(price) and (not technical or price[-1] > technical[-1])


def economic_formula(index: TextIndex) -> Found:
    hits = []
    for name, pattern in _FORMULA_NAMES:
        for match in index.finditer(pattern, _FORMULA_HINT, before=20, after=80):
            if _about_price(index, match.start()):
                hits.append((name, match))
                break
    if not hits:
        return Found()
    name, match = hits[0]  # the most specific shape stated for the price
    evidence = [index.evidence(match.start(), match.end())]
    around = (max(match.start() - 200, 0), min(match.end() + 300, len(index.text)))
    equation = next((e for e in _EQUATION.finditer(index.text, *around) if _OPERATION.search(e.group("rhs"))), None)
    text = name
    if equation:
        text = f"{name}: {equation.group('lhs')} = {' '.join(equation.group('rhs').split())}"
        if index.sentence_bounds(equation.start()) != index.sentence_bounds(match.start()):
            evidence.append(index.evidence(equation.start(), equation.end()))
    return Found(text, evidence)


# --- anomaly elements ----------------------------------------------------------------------------
_ANOMALY_HINT = "anomal|congruit|anormalmente"
_FOUR_FIFTHS = re.compile(r"\bquattro\s+quinti\b|\b4\s*/\s*5\b|\b4/5\s*(?:dei|del)", re.I)
_LABOUR_BELOW = re.compile(
    r"\b(?:cost[oi]\s+(?:della\s+manodopera|del\s+personale|del\s+lavoro|orari[oi])|trattament[oi]\s+(?:salarial|retributiv)\w*)"
    r"[^.;]{0,140}?\b(?:inferior[ei]|al\s+di\s+sotto|sotto|non\s+congru\w*\s+rispetto)\b[^.;]{0,100}?"
    r"\b(?:tabell\w*|minim[ie]\s+(?:salarial|retributiv|contrattual)\w*|CCNL|contratt\w+\s+collettiv\w*)",
    re.I,
)
_DISCOUNT_ABOVE = re.compile(
    r"\bribass[oi]\s+(?:percentual[ei]\s+)?(?:offert[oi]\s+)?(?:pari\s+o\s+)?(?:superior[ei]|maggior[ei]|oltre|eccedent[ei])\s+"
    r"(?:al|il|a)\s+(\d{1,2}(?:,\d+)?)\s*(?:%|per\s+cento)",
    re.I,
)


_ELEMENTS = (
    (_FOUR_FIFTHS, lambda m: "punteggi di prezzo e qualità entrambi pari o superiori ai quattro quinti dei massimi"),
    (_LABOUR_BELOW, lambda m: "costo della manodopera inferiore alle tabelle ministeriali o ai minimi contrattuali"),
    (_DISCOUNT_ABOVE, lambda m: f"ribasso superiore al {parse_percent(m.group(1))}%"),
)


def anomaly_elements(index: TextIndex) -> Found:
    elements: list[str] = []
    evidence: list[dict] = []
    sentences: set[int] = set()
    # Only near the anomaly check's own words: a "ribasso superiore al 20%" elsewhere is not an element.
    for start, end in index.windows(_ANOMALY_HINT, 400, 900):
        for pattern, label_of in _ELEMENTS:
            match = pattern.search(index.text, start, end)
            if not match or (label := label_of(match)) in elements:
                continue
            elements.append(label)
            sentence = index.sentence_bounds(match.start())[0]
            if sentence not in sentences:
                sentences.add(sentence)
                evidence.append(index.evidence(match.start(), match.end()))
    if not elements:
        return Found()
    return Found("; ".join(elements), evidence)
