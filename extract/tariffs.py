"""Tariff tables of a regional act (DGR, decree, determination): the tariffs per service and variant, the staff
standard (minutes per guest by profile) and the hourly costs the act assumed, each with its evidence.

Regional acts print their tariffs in annex tables; PDFium gives each table row as one line, so the reader works
on the lines of each page, in blocks opened by a header line:

* tariff block: a header naming the tariff ("tariffa", "retta", "costo di riferimento", "quota sanitaria",
  "quota sociale"); each row is a label and one to three amounts in euro, matched to the header's amount
  columns in order (tariff, quota sanitaria, quota sociale); the unit comes from the header or the row
  ("giornaliera", "pro die", "€/giorno", "oraria", "per accesso");
* staff block: a header with "minuti" (per guest, per day or per week); each row is a profile, an optional
  CCNL level and the minutes;
* hourly-cost block: a header with "costo orario"; each row is a profile or level and € per hour.

The act's number and date ("DELIBERAZIONE DELLA GIUNTA REGIONALE n. 1234 del 2 dicembre 2026", "DGR n.
1234/2026") and the start of validity ("a decorrere dal 1° gennaio 2027") come from the text. The service label
is returned as printed; naming its service type from the controlled list is the accreditation package's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from extract.fields.numbers import parse_amount
from extract.model import Page

_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre")
_MONTH = "|".join(_MONTHS)
_DATE = rf"(?:\d{{1,2}}[./]\d{{1,2}}[./](?:19|20)\d\d|\d{{1,2}}°?\s+(?:{_MONTH})\s+(?:19|20)\d\d)"
_EURO = r"(?:€\s*)?(\d{1,3}(?:\.\d{3})*,\d{2})(?:\s*(?:€|euro))?"
_AMOUNT = re.compile(_EURO, re.I)
_ACT = re.compile(
    rf"(?:deliberazione|delibera)\s+(?:della\s+|di\s+)?giunta\s+regionale\s+(?:n\.|numero)\s*(?P<n>\d{{1,5}})"
    rf"(?:\s*/\s*(?P<y>(?:19|20)\d\d))?(?:\s+(?:del|in\s+data)\s+(?P<d>{_DATE}))?"
    rf"|\bD\.?G\.?R\.?\s*(?:n\.?\s*)?(?P<n2>\d{{1,5}})\s*(?:/\s*(?P<y2>(?:19|20)\d\d)|\s+del\s+(?P<d2>{_DATE}))",
    re.I)
_VALID_FROM = re.compile(rf"(?:a\s+decorrere\s+dal|con\s+decorrenza\s+(?:dal|dall'|dal\s+giorno)|in\s+vigore\s+dal|"
                         rf"valid[ei]\s+dal|applicano\s+dal)\s+(?P<d>{_DATE})", re.I)
_TARIFF_HEADER = re.compile(r"tariff|rett[ae]\b|costo\s+di\s+riferimento|quota\s+sanitaria|quota\s+sociale|"
                            r"remunerazion", re.I)
_STAFF_HEADER = re.compile(r"minut[io]", re.I)
_HOURLY_HEADER = re.compile(r"costo\s+orario|costi\s+orari|€\s*/\s*ora\b", re.I)
_UNIT = (("hour", re.compile(r"orari[ao]|€\s*/\s*ora\b|all'ora|per\s+ora\b", re.I)),
         ("access", re.compile(r"per\s+accesso|ad\s+accesso|€\s*/\s*accesso", re.I)),
         ("week", re.compile(r"settimanal|€\s*/\s*settimana", re.I)),
         ("day", re.compile(r"giornalier|pro\s+die|€\s*/\s*(?:giorno|die)|al\s+giorno|per\s+giornata", re.I)))
_COLUMNS = (("health_share", re.compile(r"quota\s+(?:a\s+carico\s+del\s+(?:ssn|fondo|ssr)|sanitaria|di\s+rilievo\s+sanitario)"
                                        r"|\bfrna\b|\bssr\b|\bssn\b", re.I)),
            ("social_share", re.compile(r"quota\s+(?:sociale|a\s+carico\s+(?:dell'utente|del\s+comune|dell'ospite))|"
                                        r"compartecipazione|\bretta\b", re.I)),
            ("amount", re.compile(r"tariffa|costo\s+di\s+riferimento|totale|remunerazione", re.I)))
_LEVEL = re.compile(r"\b(?:liv(?:ello)?\.?\s*|cat(?:egoria)?\.?\s*)?\(?([A-F])\s?([1-3])\)?(?=\s|$|\))")
_ROW_LABEL = re.compile(r"^[A-Za-zÀ-ÿ\"«(]")


@dataclass
class TariffTable:
    """What the reader found in one act."""

    act_kind: str | None = None
    act_number: str | None = None
    act_date: dt.date | None = None
    valid_from: dt.date | None = None
    tariffs: list[dict[str, Any]] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)
    hourly_costs: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # act, valid_from, staff, hourly_costs


def parse_date(text: str) -> dt.date | None:
    text = text.strip().lower().replace("°", "")
    match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})", text)
        if not match:
            return None
        day, month, year = int(match.group(1)), _MONTHS.index(match.group(2)) + 1, int(match.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def wants_table(page: Page) -> bool:
    """Pages whose tables pdfplumber should read (`extract.pdf.page_texts(..., wants_table=...)`): an annex with
    tariffs or a staff standard. The rows are read from the text lines too; the cells keep the columns apart."""
    return not page.ocr and bool(_TARIFF_HEADER.search(page.text) or _STAFF_HEADER.search(page.text)) and bool(
        _AMOUNT.search(page.text) or re.search(r"\bminut", page.text, re.I))


def _lines(page: Page) -> list[str]:
    return [" ".join(line.split()) for line in page.text.replace("\u00a0", " ").splitlines() if line.strip()]


def _unit(text: str) -> str | None:
    for unit, pattern in _UNIT:
        if pattern.search(text):
            return unit
    return None


def _amount_columns(header: str) -> list[str]:
    """The amount columns of a tariff header, in the order they appear."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _COLUMNS:
        for match in pattern.finditer(header):
            if not any(s <= match.start() < e for s, e in taken):
                found.append((match.start(), name))
                taken.append((match.start(), match.end()))
    names = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    return names or ["amount"]


def _split_label(label: str) -> tuple[str, str]:
    """'Centro socio-riabilitativo diurno – livello severo' -> (service, variant)."""
    parts = re.split(r"\s+[–—-]\s+|:\s+|\s*\|\s*", label, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(" .;"), parts[1].strip(" .;")
    return label.strip(" .;"), ""


def _act(text: str) -> tuple[str | None, dt.date | None, re.Match[str] | None]:
    match = _ACT.search(text)
    if not match:
        return None, None, None
    number = match.group("n") or match.group("n2")
    date_text = match.group("d") or match.group("d2")
    date = parse_date(date_text) if date_text else None
    year = match.group("y") or match.group("y2") or (str(date.year) if date else None)
    return (f"{int(number)}/{year}" if year else str(int(number))), date, match


def read_tariff_tables(pages: list[Page]) -> TariffTable:
    out = TariffTable()
    whole = "\n".join(p.text for p in pages)
    number, date, match = _act(" ".join(whole.split()))
    if match is not None:
        out.act_kind, out.act_number, out.act_date = "DGR", number, date
        out.evidence["act"] = {"page": _page_of(pages, match.group(0)), "text": match.group(0)}
    valid = _VALID_FROM.search(" ".join(whole.split()))
    if valid:
        out.valid_from = parse_date(valid.group("d"))
        out.evidence["valid_from"] = {"page": _page_of(pages, valid.group(0)), "text": valid.group(0)}
    for page in pages:
        _read_page(page, out)
    return out


def _page_of(pages: list[Page], snippet: str) -> int | None:
    words = snippet.split()[:4]
    for page in pages:
        if all(w in " ".join(page.text.split()) for w in words):
            return page.number
    return None


def _read_page(page: Page, out: TariffTable) -> None:
    if page.tables:  # pdfplumber's cells keep the columns apart: a missing quota stays in its column
        for table in page.tables:
            _read_table(table, page, out)
        return
    block: str | None = None
    columns: list[str] = []
    unit: str | None = None
    per = "day"
    for line in _lines(page):
        amounts = list(_AMOUNT.finditer(line))
        bare_numbers = re.findall(r"\b\d{1,4}(?:,\d+)?\b", line)
        is_row = _ROW_LABEL.match(line) is not None
        if _HOURLY_HEADER.search(line) and not amounts:
            block, unit = "hourly", "hour"
            continue
        if _STAFF_HEADER.search(line) and not bare_numbers:
            block, per = "staff", ("week" if re.search(r"settiman", line, re.I) else "day")
            continue
        if _TARIFF_HEADER.search(line) and not amounts:
            block, columns, unit = "tariff", _amount_columns(line), _unit(line)
            continue
        if block == "tariff" and amounts and is_row:
            _tariff_row(line, amounts, columns, unit, page, out)
        elif block == "hourly" and amounts and is_row:
            _hourly_row(line, amounts[-1], page, out)
        elif block == "staff" and bare_numbers and is_row and not amounts:
            _staff_row(line, per, page, out)
        elif not amounts and not bare_numbers and len(line) > 60:
            block = None  # a paragraph ends the table


def _read_table(table: list[list[str]], page: Page, out: TariffTable) -> None:
    header = " | ".join(table[0]) if table else ""
    rows = [" | ".join(cell for cell in row if cell) for row in table[1:] if any(row)]
    if _TARIFF_HEADER.search(header) and not _AMOUNT.search(header):
        names = [next((n for n, p in _COLUMNS if p.search(cell)), None) for cell in table[0]]
        for row, line in zip(table[1:], rows, strict=False):
            labels = [c for c, n in zip(row, names, strict=False) if n is None and c and not _AMOUNT.search(c)]
            if not labels or not _ROW_LABEL.match(labels[0]):
                continue
            item: dict[str, Any] = {"service_label": labels[0], "variant": " ".join(labels[1:]),
                                    "unit": _unit(line) or _unit(header) or "day", "evidence": _evidence(page, line)}
            for cell, name in zip(row, names, strict=False):
                amount = _AMOUNT.search(cell or "") if name else None
                if amount and name not in item:
                    item[name] = parse_amount(amount.group(1))
            if any(k in item for k in ("amount", "health_share", "social_share")):
                out.tariffs.append(item)
        return
    if _HOURLY_HEADER.search(header):
        for line in rows:
            amounts = list(_AMOUNT.finditer(line))
            if amounts and _ROW_LABEL.match(line):
                _hourly_row(line, amounts[-1], page, out)
    elif _STAFF_HEADER.search(header):
        per = "week" if re.search(r"settiman", header, re.I) else "day"
        for line in rows:
            if not _AMOUNT.search(line) and _ROW_LABEL.match(line):
                _staff_row(line, per, page, out)


def _evidence(page: Page, line: str) -> dict[str, Any]:
    item: dict[str, Any] = {"page": page.number, "text": line}
    if page.member:
        item["member"] = page.member
    return item


def _tariff_row(line: str, amounts: list[re.Match[str]], columns: list[str], unit: str | None, page: Page,
                out: TariffTable) -> None:
    label = line[: amounts[0].start()].strip(" .:;|€")
    if not label or len(label) < 3:
        return
    service, variant = _split_label(label)
    row: dict[str, Any] = {"service_label": service, "variant": variant,
                           "unit": _unit(line) or unit or "day", "evidence": _evidence(page, line)}
    names = columns if len(columns) >= len(amounts) else ["amount", "health_share", "social_share"]
    for name, amount in zip(names, amounts, strict=False):
        row[name] = parse_amount(amount.group(1))
    out.tariffs.append(row)


def _staff_row(line: str, per: str, page: Page, out: TariffTable) -> None:
    numbers = list(re.finditer(r"\b(\d{1,4}(?:,\d+)?)\b\s*(?:minuti|min\.?)?", line))
    if not numbers:
        return
    minutes_match = numbers[-1]
    head = line[: minutes_match.start()]
    level = _LEVEL.search(head)
    profile = (head[: level.start()] if level else head).strip(" .:;|-–(")
    if not profile:
        return
    row_per = "week" if re.search(r"settiman", line[minutes_match.start():], re.I) else per
    out.staff.append({"profile": profile, "level": f"{level.group(1)}{level.group(2)}" if level else None,
                      "minutes": parse_amount(minutes_match.group(1)), "per": row_per})
    out.evidence.setdefault("staff", _evidence(page, line))


def _hourly_row(line: str, amount: re.Match[str], page: Page, out: TariffTable) -> None:
    head = line[: amount.start()]
    level = _LEVEL.search(head)
    if level is None:
        return
    profile = head[: level.start()].strip(" .:;|-–(") or None
    out.hourly_costs.append({"profile": profile, "level": f"{level.group(1)}{level.group(2)}",
                             "hourly_cost": parse_amount(amount.group(1))})
    out.evidence.setdefault("hourly_costs", _evidence(page, line))
