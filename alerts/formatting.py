"""Italian formats for what the Observatories read: numbers, money, percentages, dates.

Registered as Jinja filters by `alerts.render`. Pure functions, no locale: the process locale of a
server is not something an e-mail should depend on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)
DEFAULT_TZ = "Europe/Rome"


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def it_number(value: Any, decimals: int | None = None) -> str:
    """`1234.5` -> `1.234,50` (decimals=2); integers keep no decimals unless asked.

    Values that are not numbers are returned as text, unchanged: a figure the rules engine wrote as
    a string ("n.d.") must still reach the reader.
    """
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
    quantum = Decimal(1).scaleb(-decimals)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):.{decimals}f}"
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def it_money(value: Any, decimals: int = 2) -> str:
    """`19.89` -> `€ 19,89`; `1250000` -> `€ 1.250.000,00`."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    sign = "-" if number < 0 else ""
    return f"{sign}€ {it_number(abs(number), decimals)}"


def it_percent(value: Any, decimals: int = 1) -> str:
    """`-15.94` -> `-15,9 %` (a number already in per cent)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return f"{it_number(number, decimals)} %"


def _local(value: dt.datetime, tz: str) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(tz))


def _format_day(value: Any, tz: str, fmt: Callable[[dt.date], str]) -> str:
    """Dates as given; datetimes turned into the day they fall on in the Observatories' time zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, tz).date()
    return fmt(value) if isinstance(value, dt.date) else str(value)


def it_date(value: Any, tz: str = DEFAULT_TZ) -> str:
    """`23/11/2026`."""
    return _format_day(value, tz, lambda d: d.strftime("%d/%m/%Y"))


def it_datetime(value: Any, tz: str = DEFAULT_TZ) -> str:
    """`23/11/2026 ore 12:00`; midnight deadlines (a date only, as many feeds give) show the date alone."""
    if not isinstance(value, dt.datetime):
        return it_date(value, tz)
    local = _local(value, tz)
    if (local.hour, local.minute) == (0, 0):
        return local.strftime("%d/%m/%Y")
    return local.strftime("%d/%m/%Y ore %H:%M")


def it_date_long(value: Any, tz: str = DEFAULT_TZ) -> str:
    """`23 novembre 2026`."""
    return _format_day(value, tz, lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}")


def plural(count: int, singular: str, many: str) -> str:
    """`1 gara`, `3 gare`: the count and the right word."""
    return f"{count} {singular if count == 1 else many}"


FILTERS = {
    "it_number": it_number,
    "it_money": it_money,
    "it_percent": it_percent,
    "it_date": it_date,
    "it_datetime": it_datetime,
    "it_date_long": it_date_long,
}
