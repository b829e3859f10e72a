"""Report periods: "2026-Q3" (quarter), "2026-H1" (half year), "2026-09" (month), "2026" (year)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
          "novembre", "dicembre")
ORDINALS = {1: "primo", 2: "secondo", 3: "terzo", 4: "quarto"}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    code: str
    start: dt.date
    end: dt.date  # inclusive
    label: str  # Italian

    def previous(self) -> Period:
        return parse_period(_previous_code(self.code))

    def contains(self, date: dt.date | None) -> bool:
        return date is not None and self.start <= date <= self.end


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def parse_period(code: str) -> Period:
    text = code.strip().upper()
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match.group(1)), int(match.group(2))
        return Period(text, dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter),
                      f"{ORDINALS[quarter]} trimestre {year}")
    if match := re.fullmatch(r"(\d{4})-H([12])", text):
        year, half = int(match.group(1)), int(match.group(2))
        return Period(text, dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half),
                      f"{'primo' if half == 1 else 'secondo'} semestre {year}")
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return Period(text, dt.date(year, month, 1), _month_end(year, month), f"{MONTHS[month - 1]} {year}")
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(text, dt.date(year, 1, 1), dt.date(year, 12, 31), f"anno {year}")
    raise PeriodError(f"period {code!r}: use 2026-Q3, 2026-H1, 2026-09 or 2026")


def _previous_code(code: str) -> str:
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", code):
        year, quarter = int(match.group(1)), int(match.group(2))
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if match := re.fullmatch(r"(\d{4})-H([12])", code):
        year, half = int(match.group(1)), int(match.group(2))
        return f"{year - 1}-H2" if half == 1 else f"{year}-H1"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", code):
        year, month = int(match.group(1)), int(match.group(2))
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return str(int(code) - 1)
