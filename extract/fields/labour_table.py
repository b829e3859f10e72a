"""Which Ministry of Labour cost table the tender says its labour cost is computed on (art. 41 c. 13).

`labour_table` is the decree named, as "DD <number>/<year>" ("DD 30/2024", "DD 7/2020"), from
"decreto direttoriale n. 30 del 14 giugno 2024", "D.D. 7/2020", "DD n. 7 del 17 febbraio 2020".
Only a decree cited beside the words of a labour-cost table counts ("tabelle", "costo orario",
"manodopera", "costo del personale"): the first such citation wins. R-CAS-1 flags DD 7/2020 (the
2017-2019 CCNL) in reception tenders.
"""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.textindex import TextIndex

_MONTHS = r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
_DECREE = re.compile(
    r"\b(?:decreto\s+direttoriale|D\.\s?D\.|DD)\s*(?:n\.?\s*|numero\s+)?(?P<n>\d{1,3})\s*"
    rf"(?:/\s*|del\s+(?:\d{{1,2}}[./]\d{{1,2}}[./]|\d{{1,2}}\s+(?:{_MONTHS})\s+))(?P<y>(?:19|20)\d\d)\b",
    re.I,
)
_TABLE_WORDS = re.compile(r"tabell\w*|cost[oi]\s+(?:medi[oi]\s+)?orari|manodopera|costo\s+del\s+(?:personale|lavoro)", re.I)


def labour_table(index: TextIndex) -> Found:
    for decree in index.finditer(_DECREE, "decreto direttoriale|d.d.|d. d.|dd ", after=80):
        s, e = index.sentence_bounds(decree.start(), decree.end())
        if _TABLE_WORDS.search(index.text, s, e):
            return Found(f"DD {int(decree.group('n'))}/{decree.group('y')}", [index.evidence(decree.start(), decree.end())])
    return Found()
