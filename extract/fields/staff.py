"""Staff tables: profile, CCNL level, hours, head count (from the tables of the document)."""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.fields.numbers import parse_amount
from extract.model import Page, Table

_PROFILE = re.compile(r"profil|qualific|figur|mansion|ruolo|operator", re.I)
_LEVEL = re.compile(r"livell|categori|inquadr|posizione\s+economica|cat\.", re.I)
_HOURS = re.compile(r"\bore\b|monte\s+ore|ore\s+(?:annu|settimanal|total)", re.I)
_COUNT = re.compile(r"\bn\.|numero|unità|addetti|operatori\s*\(n|\bn°", re.I)
_LEVEL_VALUE = re.compile(r"\b([A-F])\s?([1-6])\b")


def _column(header: list[str], pattern: re.Pattern[str], taken: set[int]) -> int | None:
    for i, cell in enumerate(header):
        if i not in taken and pattern.search(cell or ""):
            return i
    return None


def _number(cell: str) -> float | int | None:
    match = re.search(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", cell or "")
    if not match:
        return None
    value = parse_amount(match.group(0))
    return int(value) if float(value).is_integer() else value


_ANNUAL = re.compile(r"annu|/\s*anno|per\s+anno|l'anno", re.I)
_WEEKLY = re.compile(r"settiman", re.I)
WEEKS_PER_MONTH = 52 / 12


def _rows(table: Table) -> tuple[list[dict], str] | None:
    """The staff rows of a table and the header of its hours column (None when it is no staff table)."""
    for h, header in enumerate(table[:3]):
        taken: set[int] = set()
        level = _column(header, _LEVEL, taken)
        if level is None:
            continue
        taken.add(level)
        hours = _column(header, _HOURS, taken)
        if hours is not None:
            taken.add(hours)
        count = _column(header, _COUNT, taken)
        if count is not None:
            taken.add(count)
        profile = _column(header, _PROFILE, taken)
        if profile is None:
            profile = next((i for i in range(len(header)) if i not in taken), None)
        if profile is None or (hours is None and count is None):
            continue
        out = []
        for row in table[h + 1 :]:
            if len(row) <= max(c for c in (profile, level, hours, count) if c is not None):
                continue
            level_match = _LEVEL_VALUE.search(row[level] or "")
            name = " ".join((row[profile] or "").split())
            if not level_match or not name or re.match(r"total", name, re.I):
                continue
            out.append(
                {
                    "profile": name,
                    "level": level_match.group(1) + level_match.group(2),
                    "hours": _number(row[hours]) if hours is not None else None,
                    "count": _number(row[count]) if count is not None else None,
                }
            )
        if out:
            return out, (header[hours] if hours is not None else "")
    return None


def _contract_hours(rows: list[dict], hours_header: str, duration_months: int | None) -> str:
    """Hours are reported over the whole contract (what the rules price): an annual or weekly column is
    multiplied by the duration. Returns the note that goes into the evidence."""
    if _ANNUAL.search(hours_header):
        factor, unit = (duration_months / 12 if duration_months else None), "ore annue"
    elif _WEEKLY.search(hours_header):
        factor, unit = (duration_months * WEEKS_PER_MONTH if duration_months else None), "ore settimanali"
    else:
        return "ore per l'intera durata, come indicate"
    if factor is None:
        return f"{unit} come indicate: durata del contratto non trovata"
    for row in rows:
        if row["hours"] is not None:
            total = row["hours"] * factor
            row["hours"] = int(round(total)) if abs(total - round(total)) < 0.01 else round(total, 2)
    return f"{unit} × {duration_months} mesi = ore per l'intera durata"


def staff(pages: list[Page], duration_months: int | None = None) -> Found:
    rows: list[dict] = []
    evidence = []
    for page in pages:
        for table in page.tables:
            found = _rows(table)
            if found:
                table_rows, hours_header = found
                note = _contract_hours(table_rows, hours_header, duration_months)
                rows.extend(table_rows)
                item = {
                    "page": page.number,
                    "text": " | ".join(table[0]) + " … " + " | ".join(table[1] if len(table) > 1 else []) + f" ({note})",
                }
                if page.member:
                    item["member"] = page.member
                evidence.append(item)
    return Found(rows, evidence) if rows else Found()
