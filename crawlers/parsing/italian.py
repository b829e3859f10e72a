"""Italian dates, times and amounts as the portals print them.

Portals show local time (Europe/Rome) without an offset; the database stores aware datetimes, so
every datetime returned here carries the Rome time zone (DST handled by zoneinfo).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

MONTHS = {
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
    # abbreviations seen in portal lists ("11 set 2026")
    "gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6, "lug": 7, "ago": 8, "set": 9,
    "ott": 10, "nov": 11, "dic": 12,
}

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})(?:°|º)?\s+([A-Za-zàèéìòù]+)\.?\s+(\d{4})(?!\d)", re.IGNORECASE)
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:.]([0-5]\d)(?::([0-5]\d))?(?!\d)")


def clean_text(value: str | None) -> str | None:
    """Collapse whitespace (portals indent and break lines inside values); empty -> None."""
    if value is None:
        return None
    text = re.sub(r"\s+", " ", value.replace("\xa0", " ")).strip()
    return text or None


def parse_date(text: str | None) -> dt.date | None:
    """First date in `text`: "15/06/2026", "15.06.2026", "2026-06-15", "11 settembre 2026", "1° giugno 2026"."""
    found = _find_date(text)
    return found[0] if found else None


def _find_date(text: str | None) -> tuple[dt.date, int] | None:
    """The first date in `text` and the index where it ends (a time is looked for after it)."""
    if not text:
        return None
    candidates: list[tuple[int, dt.date, int]] = []
    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        date = _safe_date(year, month, day)
        if date:
            candidates.append((match.start(), date, match.end()))
            break
    for match in _ISO_DATE.finditer(text):
        date = _safe_date(int(match[1]), int(match[2]), int(match[3]))
        if date:
            candidates.append((match.start(), date, match.end()))
            break
    for match in _WORD_DATE.finditer(text):
        month = MONTHS.get(match[2].lower())
        date = _safe_date(int(match[3]), month, int(match[1])) if month else None
        if date:
            candidates.append((match.start(), date, match.end()))
            break
    if not candidates:
        return None
    _, date, end = min(candidates, key=lambda c: c[0])
    return date, end


def _safe_date(year: int, month: int | None, day: int) -> dt.date | None:
    if month is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_datetime(text: str | None, *, default_time: dt.time | None = None) -> dt.datetime | None:
    """Date and optional time in Rome time: "15/06/2026 10:00", "30 giugno 2026 ore 12.00",
    "2026-07-05T00:00:00.000". Without a time, `default_time` (None -> midnight)."""
    found = _find_date(text)
    if not found:
        return None
    date, end = found
    assert text is not None
    time_match = _TIME.search(text[end:])
    if time_match:
        time = dt.time(int(time_match[1]), int(time_match[2]), int(time_match[3] or 0))
    else:
        time = default_time or dt.time(0, 0)
    return dt.datetime.combine(date, time, tzinfo=ROME)


_AMOUNT = re.compile(r"\d[\d.,' ]*\d|\d")


def parse_amount(text: str | None) -> Decimal | None:
    """An amount as Italian pages print it: "€ 1.234.567,89", "62.000,00 euro", "€. 62.000,00",
    "Euro 245.310,50 (IVA esclusa)", "1.234" (thousands), "245310.5" (an open-data decimal point)."""
    if text is None:
        return None
    match = _AMOUNT.search(text.replace("\xa0", " "))
    if not match:
        return None
    digits = match.group(0).replace(" ", "").replace("'", "")
    if "," in digits and "." in digits:
        # Both separators: the last one is the decimal separator.
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        head, _, tail = digits.rpartition(",")
        digits = head.replace(",", "") + "." + tail if len(tail) != 3 or head.count(",") == 0 else digits.replace(",", "")
    elif "." in digits:
        parts = digits.split(".")
        # "1.234" and "1.234.567" are Italian thousands; "245310.5" is a decimal point.
        if len(parts) > 2 or len(parts[-1]) == 3:
            digits = digits.replace(".", "")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def parse_plain_decimal(value: object) -> Decimal | None:
    """A machine-formatted number from an open-data feed ("245310.5", 245310.5)."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None
