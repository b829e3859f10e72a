"""Award criterion (art. 108) and the maximum technical and economic points."""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.textindex import TextIndex

AWARD_HINT = "vantaggios|oepv|o.e.p.v|rapporto|criteri|aggiudica|affidat|108"
_OEPV = re.compile(
    r"offerta\s+economicamente\s+più\s+vantaggiosa|\bO\.?E\.?P\.?V\.?\b|miglior(?:e)?\s+rapporto\s+qualità[\s/\-]*prezzo"
    r"|criteri\s+di\s+aggiudicazione\s+criterio:\s*tipo:\s*qualità",
    re.I,
)
_LOWEST = re.compile(
    r"criterio\s+del\s+(?:minor\s+prezzo|prezzo\s+più\s+basso|massimo\s+ribasso)|"
    r"(?:aggiudica[tz]\w+|affidat\w+)\s+(?:\w+\s+){0,4}?(?:al|con\s+il|secondo\s+il|mediante\s+il)\s+(?:criterio\s+del\s+)?"
    r"(?:minor\s+prezzo|prezzo\s+più\s+basso|massimo\s+ribasso)|art(?:icolo|\.)?\s*108,?\s*(?:comma|c\.)\s*3\b",
    re.I,
)

_GAP = r"[^\n\d]{0,45}?"  # matches whose gap holds leader dots (a table of contents) are dropped below
_TECH = re.compile(rf"(?:offerta|punteggio|componente|valutazione|elementi?)\s+(?:qualitativ[ao]|tecnic[ao]){_GAP}(\d{{1,3}}(?:[.,]\d+)?)(?!\s*(?:%|/\d|\.\d))", re.I)
_ECON = re.compile(rf"(?:offerta|punteggio|componente|valutazione|elementi?)\s+(?:economic[ao]|prezzo|quantitativ[ao]){_GAP}(\d{{1,3}}(?:[.,]\d+)?)(?!\s*(?:%|/\d|\.\d))", re.I)
_TECH_BEFORE = re.compile(r"(\d{1,3})\s+punti\s+(?:\w+\s+){0,3}?(?:all'|per\s+l'|afferenti\s+alla\s+valutazione\s+)(?:offerta\s+tecnica|qualitativa)", re.I)
_TECH_LABEL_FIRST = re.compile(r"\b(?:qualità|offerta\s+tecnica)\s+(?:max\.?\s+)?punti\s+(\d{1,3})", re.I)
_ECON_LABEL_FIRST = re.compile(r"\b(?:prezzo|offerta\s+economica)\s+(?:max\.?\s+)?punti\s+(\d{1,3})", re.I)
_ECON_BEFORE = re.compile(r"(\d{1,3})\s+punti\s+(?:\w+\s+){0,3}?(?:all'|per\s+l'|per\s+il\s+)(?:offerta\s+economica|prezzo|coefficiente\s+prezzo)", re.I)


def award_criterion(index: TextIndex) -> Found:
    lowest = index.search(_LOWEST, AWARD_HINT, before=20, after=250)
    oepv = index.search(_OEPV, AWARD_HINT, before=20, after=250)
    # Only explicit wordings count as lowest price ("criterio del minor prezzo", "aggiudicato al prezzo più
    # basso"): the lowest price inside an OEPV price formula does not. The first criterion stated wins.
    if lowest and (not oepv or lowest.start() < oepv.start()):
        return Found("lowest_price", [index.evidence(lowest.start(), lowest.end())])
    if oepv:
        return Found("oepv", [index.evidence(oepv.start(), oepv.end())])
    return Found()


_POINTS_HINT = "punt"


def _number(text: str) -> float | int:
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def points(index: TextIndex) -> tuple[Found, Found]:
    """(technical_points, economic_points): the pair that sums to 100 when there is one."""
    # Points are stated near the word "punti"/"punteggio" (a table's header at worst): search only there.
    spans = index.windows(_POINTS_HINT, 300, 300)
    tech = [(m, _number(m.group(1))) for p in (_TECH, _TECH_BEFORE, _TECH_LABEL_FIRST) for s, e in spans for m in p.finditer(index.text, s, e)]
    econ = [(m, _number(m.group(1))) for p in (_ECON, _ECON_BEFORE, _ECON_LABEL_FIRST) for s, e in spans for m in p.finditer(index.text, s, e)]
    tech = sorted([t for t in tech if 0 < t[1] <= 100 and ".." not in t[0].group(0)], key=lambda t: t[0].start())
    econ = sorted([e for e in econ if 0 < e[1] <= 100 and ".." not in e[0].group(0)], key=lambda e: e[0].start())
    for t in tech:
        for e in econ:
            if abs(t[1] + e[1] - 100) < 0.01:
                return (
                    Found(t[1], [index.evidence(t[0].start(), t[0].end())]),
                    Found(e[1], [index.evidence(e[0].start(), e[0].end())]),
                )
    return Found(), Found()
