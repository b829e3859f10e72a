"""Italian numbers: "€ 1.234.567,89", "2 079 176,66 EUR", "24 (ventiquattro) mesi", "trenta giorni"."""

from __future__ import annotations

import re

_NUM = r"\d{1,3}(?:[.' ]\d{3})+(?:,\d{1,2})?|\d+(?:,\d{1,2})?"
# An amount with its currency before or after it.
AMOUNT = re.compile(
    rf"(?:€|\beuro\b|\beur\b)\.?\s*(?P<a>{_NUM})(?![\d/])|(?<![\d.,/])(?P<b>{_NUM})\s*(?:€|\beuro\b|\beur\b)",
    re.I,
)

WORDS = {
    "uno": 1, "un": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
    "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "quindici": 15, "diciotto": 18, "venti": 20,
    "ventiquattro": 24, "trenta": 30, "trentasei": 36, "quaranta": 40, "quarantacinque": 45,
    "quarantotto": 48, "sessanta": 60, "settantadue": 72, "novanta": 90, "centoventi": 120,
}
WORD_NUMBER = "|".join(sorted(WORDS, key=len, reverse=True))
# "24", "24 (ventiquattro)", "ventiquattro", "ventiquattro (24)"
COUNT = rf"(?P<n>\d{{1,3}})(?:\s*\((?:{WORD_NUMBER})\))?|(?P<w>{WORD_NUMBER})(?:\s*\(\d{{1,3}}\))?"


def parse_amount(text: str) -> float:
    """'1.234.567,89' -> 1234567.89; '2 079 176,66' -> 2079176.66; '756064' -> 756064.0."""
    cleaned = text.replace(" ", "").replace("'", "")
    if "," in cleaned:
        integer, decimals = cleaned.rsplit(",", 1)
        return round(float(integer.replace(".", "") + "." + decimals), 2)
    return float(cleaned.replace(".", ""))


def amount_in(match: re.Match[str]) -> float:
    return parse_amount(match.group("a") or match.group("b"))


def count_value(match: re.Match[str]) -> int:
    if match.group("n"):
        return int(match.group("n"))
    return WORDS[match.group("w").lower()]


def parse_percent(text: str) -> float:
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value
