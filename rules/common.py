"""Helpers shared by several rules (kept small: each rule's logic stays in its own file)."""

from __future__ import annotations

import re
from typing import Any

from rules.base import Message, Verdict, not_verifiable, violation
from rules.context import NoticeContext

NEGATION = re.compile(r"non (è|e') previst|non si applica|non sar[aà] applicat|"
                      r"esclus[ao] (ogni|qualsiasi) revision|fiss[oi] e invariabil|prezz[oi] fiss", re.IGNORECASE)


def missing_clause(ctx: NoticeContext, message: Message, **kwargs: Any) -> Verdict:
    """A clause not found is a violation only when every document was retrieved and read, and the notice is
    the call itself (not a market survey, whose clauses come with the invitation letter)."""
    if ctx.scope is not None and "preliminary" in ctx.scope.tags:
        return not_verifiable("avviso preliminare (indagine di mercato o manifestazione di interesse): le clausole "
                              "si verificano sulla lettera d'invito", **kwargs)
    if ctx.all_documents_read:
        if not kwargs.get("evidence") and ctx.read_documents:
            kwargs["evidence"] = [dict(doc, text="documento letto per intero: nessun passo pertinente")
                                  for doc in ctx.read_documents]
        return violation(message, **kwargs)
    return not_verifiable(ctx.unread_reason(), **kwargs)


def field_not_found(label: str) -> Verdict:
    return not_verifiable(f"{label}: dato non trovato nei documenti letti")


def ccnl_names(value: Any) -> list[str]:
    """The CCNL field as a list of names: a string, a list, or dicts with name/code."""
    if isinstance(value, str):  # the usual shape, read by six rules per notice
        text = value.strip()
        return [text] if text else []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            text = " ".join(str(item[k]) for k in ("name", "code") if item.get(k))
        else:
            text = str(item or "")
        if text.strip():
            names.append(text.strip())
    return names


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
