"""Base amount (with or without VAT), labour cost (and whether it is subject to discount), safety costs."""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.fields.numbers import AMOUNT, amount_in
from extract.textindex import TextIndex

_BASE_LABEL = re.compile(
    r"\b(?:importo|valore|prezzo)\s+(?:\w+\s+){0,3}?(?:posto\s+|complessivo\s+|totale\s+|massimo\s+)*"
    r"a\s+base\s+(?:di\s+gara|d'asta|d'appalto|dell'appalto|della\s+procedura)"
    r"|\bbase\s+d'asta\s+(?:complessiva|totale|dell'appalto)"
    r"|\bimporto\s+(?:complessivo|totale)\s+(?:dell'appalto|del\s+contratto|stimato)",
    re.I,
)
_TOTAL = re.compile(r"complessiv|total|global", re.I)
# "IVA", "I.V.A.", "Iva"
IVA = r"i\.?v\.?a\.?(?![a-z])"
_VAT_EXCLUDED = re.compile(
    rf"\b(?:al\s+netto\s+(?:dell'|di\s+|della\s+)?{IVA}|{IVA}\s+esclusa|esclus[ao]\s+(?:l')?{IVA}|oltre\s+(?:l')?{IVA}|"
    rf"\+\s*{IVA}|{IVA}\s+escl|al\s+netto\s+degli\s+oneri\s+fiscali|{IVA}\s+di\s+legge\s+esclusa|escluso\s+{IVA}|netto\s+{IVA})",
    re.I,
)
_VAT_INCLUDED = re.compile(rf"\b(?:{IVA}\s+(?:inclusa|compresa)|inclus[ao]\s+(?:l')?{IVA}|compres[ao]\s+(?:l')?{IVA}|comprensiv[oa]\s+di\s+{IVA})", re.I)

_LABOUR_LABEL = re.compile(
    r"\b(?:cost[oi]\s+(?:complessiv[oi]\s+|stimat[oi]\s+)?(?:della|del|per\s+la)\s+manodopera|"
    r"cost[oi]\s+(?:complessiv[oi]\s+)?del\s+personale|stima\s+dei\s+costi\s+della\s+manodopera)",
    re.I,
)
_NOT_DISCOUNTED = re.compile(
    r"\b(?:non\s+(?:sono\s+|è\s+)?(?:soggett[oie]|assoggettat[oie])\s+a(?:l)?\s+ribasso|non\s+ribassabil[ie]|"
    r"scorporat[oi]\s+dall'importo\s+(?:assoggettato|soggetto)\s+a(?:l)?\s+ribasso)",
    re.I,
)
_DISCOUNTED = re.compile(r"\b(?:soggett[oie]\s+a(?:l)?\s+ribasso|ribassabil[ie]|inclus[oi]\s+nell'importo\s+soggetto\s+a\s+ribasso)", re.I)

_SAFETY_LABEL = re.compile(
    r"\b(?:oneri|costi)\s+(?:per\s+la|della|di|relativi\s+alla)\s+sicurezza(?!\s+aziendal)(?:\s+(?:da|per)\s+(?:rischi\s+(?:da\s+)?)?interferenz[ae])?",
    re.I,
)
_ZERO = re.compile(r"\b(?:pari\s+a\s+(?:zero|0(?:,00)?)|nulli|non\s+(?:sono\s+)?previsti|€\s*0,00|euro\s+zero)\b", re.I)


def _amount_after(index: TextIndex, label: re.Match[str], *, reach: int = 220) -> re.Match[str] | None:
    """The first amount after a label, inside the label's sentence and within `reach` characters."""
    _, sentence_end = index.sentence_bounds(label.start(), label.end())
    stop = min(sentence_end, label.end() + reach)
    return AMOUNT.search(index.text, label.end(), stop)


def base_amount(index: TextIndex) -> tuple[Found, Found]:
    """(base_amount, base_amount_includes_vat). With lots, the total ("complessivo", "totale") wins over
    the first lot's amount."""
    candidates = []
    for label in index.finditer(_BASE_LABEL, "base|importo|valore", before=80, after=300):
        amount = _amount_after(index, label)
        if amount:
            candidates.append((label, amount))
    if not candidates:
        return Found(), Found()
    label, amount = next((c for c in candidates if _TOTAL.search(c[0].group(0))), candidates[0])
    evidence = [index.evidence(label.start(), amount.end())]
    s, e = index.sentence_bounds(label.start(), amount.end())
    return Found(amount_in(amount), evidence), _vat(index, s, e)


def _vat(index: TextIndex, start: int, end: int) -> Found:
    sentence = index.text[start:end]
    for pattern, value in ((_VAT_INCLUDED, True), (_VAT_EXCLUDED, False)):
        hit = pattern.search(sentence)
        if hit:
            return Found(value, [index.evidence(start + hit.start(), start + hit.end())])
    # The amount's own sentence is silent: the document's general statement on amounts and VAT.
    general = re.compile(r"\b(?:import|valor)\w*[^.\n]{0,200}")
    for pattern, value in ((_VAT_EXCLUDED, False), (_VAT_INCLUDED, True)):
        for hit in index.finditer(pattern, "iva|i.v.a|fiscal", before=60, after=60):
            s, e = index.sentence_bounds(hit.start(), hit.end())
            if general.search(index.text[s:e]):
                return Found(value, [index.evidence(hit.start(), hit.end())])
    return Found()


def labour_cost(index: TextIndex) -> tuple[Found, Found]:
    """(labour_cost, labour_cost_subject_to_discount)."""
    cost = Found()
    discount = Found()
    for label in index.finditer(_LABOUR_LABEL, "cost|stima", after=200):
        s, e = index.sentence_bounds(label.start(), label.end())
        if cost.value is None:
            amount = _amount_after(index, label, reach=260)
            if amount:
                cost = Found(amount_in(amount), [index.evidence(label.start(), amount.end())])
        if discount.value is None:
            sentence = index.text[s:e]
            negative = _NOT_DISCOUNTED.search(sentence)
            if negative:
                discount = Found(False, [index.evidence(s + negative.start(), s + negative.end())])
            else:
                positive = _DISCOUNTED.search(sentence)
                if positive:
                    discount = Found(True, [index.evidence(s + positive.start(), s + positive.end())])
        if cost.value is not None and discount.value is not None:
            break
    return cost, discount


def safety_costs(index: TextIndex) -> Found:
    for label in index.finditer(_SAFETY_LABEL, "oneri|costi", after=200):
        amount = _amount_after(index, label, reach=200)
        s, e = index.sentence_bounds(label.start(), label.end())
        zero = _ZERO.search(index.text, label.end(), e)
        if zero and (not amount or zero.start() < amount.start()):
            return Found(0.0, [index.evidence(label.start(), zero.end())])
        if amount:
            return Found(amount_in(amount), [index.evidence(label.start(), amount.end())])
    return Found()
