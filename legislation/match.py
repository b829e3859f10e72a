"""Which watch topics a title matches: word groups from `data/topics.yaml`; accreditation tariffs by R-ACC-6."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from legislation.sources import has_word, topics
from rules.accreditation.context import ActContext
from rules.registry import rules_by_code

_MINISTRY_TABLE = re.compile(r"cooperative\s+social|socio[- ]sanitario[- ]assistenzial", re.I)


def match_title(title: str, *, region: str | None = None, act_kind: str | None = None, act_number: str | None = None,
                act_date: dt.date | None = None) -> list[dict[str, Any]]:
    """[{"topic", "label", "terms"}] for every topic the title matches (empty: not relevant)."""
    text = " ".join(title.lower().split())
    found = []
    for topic in topics():
        if topic.rule:
            rule = rules_by_code()[topic.rule]()
            hit = rule.evaluate(ActContext(title, region, act_kind, act_number, act_date))
            if hit is not None:
                found.append({"topic": topic.key, "label": topic.label,
                              "terms": [*hit.tariff_terms, *hit.service_terms], "rule": topic.rule})
            continue
        terms = []
        for group in topic.groups:
            hits = [w for w in group if has_word(text, w)]
            if not hits:
                break
            terms.extend(hits)
        else:
            found.append({"topic": topic.key, "label": topic.label, "terms": terms})
    return found


def is_new_table(title: str, topics_found: list[dict[str, Any]]) -> bool:
    """A Ministry cost-table decree for the cooperatives' CCNL (on a tables page)."""
    return any(t["topic"] == "ccnl_tables" for t in topics_found) or bool(
        _MINISTRY_TABLE.search(title) and re.search(r"decreto|d\.d\.|tabell", title, re.I))


_DECREE = re.compile(r"\b(?:decreto\s+direttoriale|d\.\s?d\.|dd|decreto)\s*(?:n\.?\s*)?(\d{1,3})\s*(?:/\s*|del\s+[^,;-]*?)"
                     r"((?:19|20)\d\d)\b", re.I)


def is_known_table(title: str) -> bool:
    """The decree is already among the Ministry tables the rules know (shipped or imported): not new."""
    from rules.legal import DATA_DIR, load_legal_data

    match = _DECREE.search(title)
    if match is None:
        return False
    return f"DD{int(match.group(1))}-{match.group(2)}" in load_legal_data(DATA_DIR).decrees
