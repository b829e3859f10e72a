"""Helpers shared by several rules (kept small: each rule's logic stays in its own file)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, NamedTuple

from rules import format as fmt
from rules.base import Message, Verdict, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import CcnlEntry, LegalData

NEGATION = re.compile(r"non (è|e') previst|non si applica|non sar[aà] applicat|"
                      r"esclus[ao] (ogni|qualsiasi) revision|fiss[oi] e invariabil|prezz[oi] fiss", re.IGNORECASE)
# Where a string names two agreements ("CCNL Cooperative sociali per il lotto 1 e CCNL Multiservizi per il
# lotto 2"), each starts with one of these words.
CCNL_START = re.compile(r"\b(?:c\.?\s?c\.?\s?n\.?\s?l\.?|contratt[oi] collettiv[oi])", re.IGNORECASE)
CCNL_JOIN = re.compile(r"\s*(?:;|,|\be\b|\bnonché\b|\bed\b|/)\s*$", re.IGNORECASE)


def missing_clause(ctx: NoticeContext, message: Message, **kwargs: Any) -> Verdict:
    """A clause not found is a violation only when every document was retrieved and read, the notice is the
    call itself (not a market survey, whose clauses come with the invitation letter) and not a direct award
    (whose acts, the request for a quote and the decision to contract, are seldom all published)."""
    if ctx.scope is not None and "preliminary" in ctx.scope.tags:
        return not_verifiable("avviso preliminare (indagine di mercato o manifestazione di interesse): le clausole "
                              "si verificano sulla lettera d'invito", **kwargs)
    if ctx.scope is not None and "direct_award" in ctx.scope.tags:
        return not_verifiable("affidamento diretto: la richiesta di preventivo e la decisione di contrarre non sono "
                              "sempre pubblicate, l'assenza della clausola non è accertabile", **kwargs)
    if ctx.all_documents_read:
        if not kwargs.get("evidence") and ctx.read_documents:
            kwargs["evidence"] = [dict(doc, text="documento letto per intero: nessun passo pertinente")
                                  for doc in ctx.read_documents]
        return violation(message, **kwargs)
    return not_verifiable(ctx.unread_reason(), **kwargs)


def field_not_found(label: str) -> Verdict:
    return not_verifiable(f"{label}: dato non trovato nei documenti letti")


def law_in_force(ctx: NoticeContext, legal: LegalData, topic: str) -> tuple[dict[str, Any] | None, Verdict | None]:
    """The law version of `topic` in force on the publication date, or the not_verifiable verdict that says
    why none applies (no date, or a notice published before the text applied)."""
    date = ctx.published_on
    if date is None:
        return None, _NO_DATE
    laws = legal.laws
    found = laws.get((topic, date))
    if found is None:  # every rule asks for every notice: one dictionary look-up once known
        if len(laws) > 100_000:
            laws.clear()
        found = laws[(topic, date)] = _law(legal, topic, date)
    return found


def _law(legal: LegalData, topic: str, date: dt.date) -> tuple[dict[str, Any] | None, Verdict | None]:
    law = legal.threshold(topic, date)
    if law is not None:
        return law, None
    first = legal.thresholds[topic][0]
    return None, not_verifiable(f"gara pubblicata il {fmt.day(date)}, prima che si applicasse {first['legal_basis']} "
                                f"(dal {fmt.day(first['valid_from'])})")


_NO_DATE = not_verifiable("data di pubblicazione sconosciuta: norma applicabile non individuabile")


class NamedCcnl(NamedTuple):
    """One collective agreement the tender names: its name as written and its CNEL code when known."""

    name: str
    code: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} (CNEL {self.code})" if self.code and self.code not in self.name else self.name


def named_ccnls(value: Any) -> list[NamedCcnl]:
    """The `ccnl` field as the agreements it names. Accepts the name string, a list, the extraction's object
    {"name", "cnel_code", "matched_text"} (code null where the registry does not know it) and the older
    {"name", "code"}; a string naming two agreements counts as two."""
    if isinstance(value, str):  # the usual shape, read by six rules per notice
        return list(_split_names(value))
    items = value if isinstance(value, list) else [value]
    found: list[NamedCcnl] = []
    for item in items:
        if isinstance(item, dict):
            code = str(item.get("cnel_code") or item.get("code") or "").strip() or None
            name = str(item.get("name") or item.get("matched_text") or "").strip()
            if name:
                pieces = _split_names(name)
                # A code belongs to one agreement: with two names in the string, the code is not assigned.
                found.extend(NamedCcnl(p.name, code if len(pieces) == 1 else None) for p in pieces)
            elif code:
                found.append(NamedCcnl(code, code))
        elif isinstance(item, str):
            found.extend(_split_names(item))
    return found


@lru_cache(maxsize=4096)
def _split_names(text: str) -> tuple[NamedCcnl, ...]:
    text = text.strip()
    if not text:
        return ()
    starts = [m.start() for m in CCNL_START.finditer(text)]
    pieces = []
    if len(starts) > 1:
        bounds = [0, *starts[1:], len(text)]
        for begin, end in zip(bounds, bounds[1:], strict=False):
            piece = CCNL_JOIN.sub("", text[begin:end]).strip(" ;,")
            if piece:
                pieces.append(piece)
    else:
        pieces = [text]
    return tuple(NamedCcnl(p) for p in pieces)


def ctx_ccnls(ctx: NoticeContext) -> list[NamedCcnl]:
    """The agreements the notice's `ccnl` field names, worked out once per notice (six rules ask)."""
    found = ctx._ccnls
    if found is None:
        found = ctx._ccnls = named_ccnls(ctx.value("ccnl"))
    return found


def ccnl_names(value: Any) -> list[str]:
    """The CCNL field as a list of names (for messages and figures)."""
    return [n.label for n in named_ccnls(value)]


def registry_entry(named: NamedCcnl, legal: LegalData) -> CcnlEntry | None:
    """The registry entry of a named agreement: by its CNEL code when the extraction gives one, else by name."""
    if named.code:
        entry = legal.ccnl_by_code(named.code)
        if entry is not None:
            return entry
    return legal.match_ccnl(named.name)


def explicitly_excluded(evidence: list[dict[str, Any]]) -> bool:
    """True when the evidence sentence itself says the clause is excluded ("non è prevista ...")."""
    return any(NEGATION.search(str(e.get("text") or "")) for e in evidence)


def sub_dict(ctx: NoticeContext, name: str) -> dict[str, Any] | None:
    value = ctx.value(name)
    if isinstance(value, dict):
        return value
    if isinstance(value, bool):
        return {"present": value}
    return None


def option(rule_options: dict[str, Any], key: str) -> float:
    """A numeric option of a rule (calibration.yaml, or the configuration's override)."""
    return float(rule_options[key])
