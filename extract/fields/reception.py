"""Reception-centre (CAS) terms: the price per person per day and the type of centre (DOMAIN.md §3).

`daily_price` is the base price "pro capite pro die" in euro, as the tender states it (the Interior
Ministry capitolato prices are VAT excluded). The pocket money (2,50 € pro capite pro die), the phone
card and the entry kit are also priced per person: sentences about them are skipped, and so are
amounts outside a plausible daily price.

`centre_type` is "singole unità abitative" or "centri collettivi" (the capitolato's two types), taken
from the daily price's sentence when it names one, else from the first mention in the document.
"""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.fields.numbers import AMOUNT, amount_in
from extract.textindex import TextIndex

_PER_DAY = re.compile(
    r"\bpro[\s-]*capite[\s,/-]*(?:e\s+)?pro[\s-]*die\b|\bpro[\s-]*die[\s,/-]*(?:e\s+)?pro[\s-]*capite\b|"
    r"\bper\s+(?:ospite|persona|posto)\s+(?:e\s+)?(?:al|per)\s+giorno\b|\bgiornalier[oa]\s+pro[\s-]*capite\b",
    re.I,
)
_PER_DAY_HINT = "pro capite|pro-capite|procapite|pro die|pro-die|prodie|al giorno|per giorno|giornalier"
_PRICE_WORDS = re.compile(r"\bprezz\w*|\bbase\s+d|\bimport\w*|\bcorrispettiv\w*|\btariff\w*|\bquota\b|\bretta\b", re.I)
_EXTRAS = re.compile(r"pocket\s*money|tascabil|scheda\s+telefonica|ricarica\s+telefonica|kit\s+di\s+(?:primo\s+)?ingresso", re.I)
_PLAUSIBLE = (5.0, 300.0)
_REACH = 150

_CENTRE_TYPES = (
    ("singole unità abitative", re.compile(r"\bsingol[ea]\s+unità\s+abitativ[ea]\b|\bunità\s+abitative\b", re.I)),
    ("centri collettivi", re.compile(r"\bcentr[oi]\s+(?:di\s+accoglienza\s+)?collettiv[oi]\b|\bcentr[oi]\s+collettiv[oi]\b", re.I)),
)
_CENTRE_HINT = "unità abitativ|collettiv"


def _price_near(index: TextIndex, label: re.Match[str]) -> re.Match[str] | None:
    """The amount closest after the label (then before it), inside the label's sentence."""
    s, e = index.sentence_bounds(label.start(), label.end())
    after = [a for a in AMOUNT.finditer(index.text, label.end(), min(e, label.end() + _REACH))]
    before = [a for a in AMOUNT.finditer(index.text, max(s, label.start() - _REACH), label.start())]
    for amount in after + before[::-1]:
        if _PLAUSIBLE[0] <= amount_in(amount) <= _PLAUSIBLE[1]:
            return amount
    return None


def daily_price(index: TextIndex) -> tuple[Found, tuple[int, int] | None]:
    """(daily_price, the bounds of its sentence)."""
    for label in index.finditer(_PER_DAY, _PER_DAY_HINT, before=30, after=60):
        s, e = index.sentence_bounds(label.start(), label.end())
        sentence = index.text[s:e]
        if _EXTRAS.search(sentence) or not _PRICE_WORDS.search(sentence):
            continue
        amount = _price_near(index, label)
        if amount is None:
            continue
        start, end = min(label.start(), amount.start()), max(label.end(), amount.end())
        return Found(amount_in(amount), [index.evidence(start, end)]), (s, e)
    return Found(), None


def centre_type(index: TextIndex, price_sentence: tuple[int, int] | None) -> Found:
    if price_sentence is not None:
        s, e = price_sentence
        named = [(m.start(), name, m) for name, pattern in _CENTRE_TYPES if (m := pattern.search(index.text, s, e))]
        if named:
            _, name, match = min(named, key=lambda item: item[0])
            return Found(name, [index.evidence(match.start(), match.end())])
    first = None
    for name, pattern in _CENTRE_TYPES:
        match = index.search(pattern, _CENTRE_HINT, before=30, after=40)
        if match and (first is None or match.start() < first[1].start()):
            first = (name, match)
    if first is None:
        return Found()
    return Found(first[0], [index.evidence(first[1].start(), first[1].end())])
