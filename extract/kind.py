"""Kind of tender document, from its title: disciplinare, bando, capitolato, determina or other."""

from __future__ import annotations

import re

from extract.model import Page
from extract.textindex import normalise

KINDS = ("disciplinare", "bando", "capitolato", "determina", "other")
_PATTERNS = [
    ("disciplinare", re.compile(r"\bdisciplinare\s+(?:di\s+gara|della\s+procedura|di\s+concessione)|\blettera\s+(?:di\s+)?invito\b", re.I)),
    ("capitolato", re.compile(r"\bcapitolato\s+(?:speciale|tecnico|d'oneri|prestazionale|descrittivo)|\bcapitolato\b", re.I)),
    ("bando", re.compile(r"\bbando\s+(?:di\s+gara|europeo|integrale)|\bavviso\s+(?:di\s+gara|pubblico)|bando\s+di\s+gara\s+o\s+di\s+concessione", re.I)),
    ("other", re.compile(r"\batto\s+aggiuntivo|\bschema\s+di\s+contratto|\bverbale\s+di\s+gara", re.I)),
    ("determina", re.compile(r"\bdetermin(?:a|azione)\s+(?:a\s+contrarre|dirigenziale|n\.)|\bdecisione\s+di\s+contrarre|\bdeliberazione\b|\bdelibera\s+(?:di\s+)?(?:giunta|n\.)|\bdetermina\b", re.I)),
]


def document_kind(pages: list[Page]) -> str:
    """The kind whose title appears first on the first pages (a table of contents comes later)."""
    head = normalise("\n".join(p.text for p in pages[:2]))[:1500]
    first: tuple[int, str] | None = None
    for kind, pattern in _PATTERNS:
        hit = pattern.search(head)
        if hit and (first is None or hit.start() < first[0]):
            first = (hit.start(), kind)
    return first[1] if first else "other"
