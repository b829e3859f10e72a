"""Italian formatting of figures for finding messages (read in e-mails): `€ 1.234,56`, `-15,9 %`, `ottobre 2025`."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
)


_SWAP = str.maketrans(",.", ".,")
_FORMATS = {d: f"{{:,.{d}f}}".format for d in range(6)}  # bound once: messages format many numbers


def number(value: float, decimals: int = 2) -> str:
    """1234567.891 -> '1.234.567,89' (dot for thousands, comma for decimals); never '-0,00'."""
    text: str = _FORMATS[decimals](value).translate(_SWAP)
    if text[0] == "-" and not text.strip("-0.,"):
        return text[1:]
    return text


def euro(value: float, decimals: int = 2) -> str:
    return "€ " + number(value, decimals)


def euro_hour(value: float) -> str:
    return "€ " + number(value) + "/h"


def pct(value: float, decimals: int = 1, signed: bool = False) -> str:
    """-15.93 -> '-15,9 %'; signed=True writes '+' on positive values."""
    text = number(value, decimals)
    if signed and round(value, decimals) > 0:
        return "+" + text + " %"
    return text + " %"


def month(date: dt.date) -> str:
    return f"{MONTHS[date.month - 1]} {date.year}"


def day(date: dt.date) -> str:
    return f"{date.day}/{date.month}/{date.year}"


def del_pct(value: float, decimals: int = 1) -> str:
    """'del 38,0 %' / 'dell'82,0 %' (Italian article before a number read with a vowel: 1, 8, 11, 80-89)."""
    whole = int(abs(round(value, decimals)))
    vowel = str(whole).startswith("8") or whole in (1, 11)
    return f"{'dell' + chr(39) if vowel else 'del '}{pct(value, decimals)}"


def period(value: str) -> str:
    """'2025-Q2' -> 'secondo trimestre 2025'; '2025' -> 'anno 2025'."""
    year, _, rest = value.partition("-")
    quarter = rest.upper().removeprefix("Q")
    names = {"1": "primo", "2": "secondo", "3": "terzo", "4": "quarto"}
    if quarter in names:
        return f"{names[quarter]} trimestre {year}"
    return f"anno {year}" if not rest else value
