"""Reading the national payment platform's figures (Piattaforma dei crediti commerciali, PCC).

Since 2020 the official payment figures of every public administration are computed by the RGS on
the PCC from the electronic invoices (DOMAIN.md §1.9). L. 145/2018 art. 1 c. 869-870 makes them
public per administration (RGS, "Il monitoraggio dello stock di debiti commerciali residui"):

- every quarter, **cumulated from the start of the year** over the invoices received in the year:
  amount of the invoices received, amount paid, and the amount-weighted average days to pay
  (from receipt) and days of delay (after the due date; negative = paid early) — the delay is the
  DPCM 22/9/2014 indicator computed by the RGS;
- every year, the stock of commercial debts due and unpaid at the end of the previous year.

Two places carry them:
1. the national per-administration files (`read_dataset`): one row per administration and
   period, read by the header's words, not by position, because the column names are not
   documented anywhere we could check (`tests/authorities/files/README.md`);
2. the authorities' own "Pagamenti dell'amministrazione" pages, which often republish a block
   "Dati della piattaforma dei crediti commerciali (PCC)" next to their own indicator
   (`read_republished_block`): kept as a separate series, never mixed with the authority's figure.

Both are pure functions returning `PageReading`s; `authorities.payments` stores them
with the PCC sign convention below.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from authorities.figures import (
    DPCM,
    PageReading,
    PaymentFigure,
    fold,
    parse_number,
    parse_period,
    sheet_cell,
)

SOURCE = "pcc"
REPUBLISHED_SOURCE = "pcc_republished"
LEGAL_BASIS = "L. 145/2018 art. 1 c. 869-870"
# The words "scadenza", "ponderati", "negativo" mark the DPCM definition for the rules (R-PAY-2).
SIGN_CONVENTION = ("giorni di ritardo rispetto alla scadenza, ponderati per importo, calcolati dalla RGS sulla "
                   "Piattaforma dei crediti commerciali (PCC); dati trimestrali cumulati dall'inizio dell'anno; "
                   "negativo = pagamenti in anticipo")

_FISCAL_CODE = re.compile(r"^\d{11}$|^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$")


# -- the national files ------------------------------------------------------------------------

# Column roles by the words of the header (folded: lower case, no accents). Order matters: the
# first role whose words all occur wins, so "importo pagato" is not taken for "importo ricevute".
_COLUMN_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fiscal_code", ("codice fiscale",)),
    ("fiscal_code", ("cod", "fisc")),
    ("name", ("denominazione",)),
    ("name", ("amministrazione",)),
    ("name", ("ente",)),
    ("delay", ("ritardo",)),
    ("days_to_pay", ("tempo", "pagamento")),
    ("days_to_pay", ("tempi", "pagamento")),
    ("overdue_debt", ("stock",)),
    ("overdue_debt", ("debit", "scadut")),
    ("creditors", ("imprese", "creditric")),
    ("creditors", ("numero", "creditor")),
    ("paid_amount", ("importo", "pagat")),
    ("invoices_amount", ("importo", "ricevut")),
    ("invoices_amount", ("importo", "fattur")),
    ("quarter", ("trimestre",)),
    ("quarter", ("periodo",)),
    ("year", ("anno",)),
    ("year", ("esercizio",)),
)
_SKIPPED_WORDS = ("numero fatture", "n. fatture", "n fatture")  # invoice counts: not stored


def column_roles(header: Iterable[str]) -> dict[str, int]:
    """{role: column index} from a header row; the first column of each role wins."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        folded = fold(cell).replace("_", " ")
        if not folded or any(w in folded for w in _SKIPPED_WORDS):
            continue
        for role, words in _COLUMN_ROLES:
            if all(w in folded for w in words):
                roles.setdefault(role, index)
                break
    return roles


@dataclass
class DatasetReading:
    """A national PCC file: one reading per administration (fiscal code), names, and rejected rows."""

    by_authority: dict[str, PageReading] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)  # "row 12: reason"
    unreadable: str | None = None  # the whole file could not be read as a PCC file


def read_dataset(data: bytes, filename: str) -> DatasetReading:
    """Read a national PCC file (.csv with ; or , or .xlsx): figures grouped by fiscal code."""
    try:
        rows = list(_table_rows(data, filename))
    except ValueError as exc:
        return DatasetReading(unreadable=str(exc))
    header_at = next((i for i, row in enumerate(rows[:10])
                      if {"fiscal_code", "year"} <= column_roles(row).keys()), None)
    if header_at is None:
        return DatasetReading(unreadable=f"header: {filename} non ha le colonne codice fiscale e anno di un file PCC")
    roles = column_roles(rows[header_at])
    metrics = {"delay", "days_to_pay", "overdue_debt", "creditors", "paid_amount", "invoices_amount"} & roles.keys()
    if not metrics:
        return DatasetReading(unreadable=f"header: {filename} non ha nessuna colonna di tempi o importi PCC")
    reading = DatasetReading()
    for number, row in enumerate(rows[header_at + 1:], header_at + 2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {role: (row[index].strip() if index < len(row) else "") for role, index in roles.items()}
        fiscal_code = cells["fiscal_code"].upper().replace(" ", "")
        if fiscal_code.isdigit() and len(fiscal_code) < 11:
            fiscal_code = fiscal_code.zfill(11)  # spreadsheets drop leading zeros of numeric codes
        if not _FISCAL_CODE.match(fiscal_code):
            reading.rejected.append(f"riga {number}: codice fiscale non valido {cells['fiscal_code']!r}")
            continue
        period = _period(cells.get("year", ""), cells.get("quarter", ""))
        if period is None:
            reading.rejected.append(f"riga {number} ({fiscal_code}): periodo non leggibile "
                                    f"{cells.get('year', '')!r} {cells.get('quarter', '')!r}")
            continue
        figure = _figure(period, cells, " | ".join(c for c in row if c.strip()))
        if figure is None:
            reading.rejected.append(f"riga {number} ({fiscal_code}, {period}): nessuna cifra")
            continue
        authority = reading.by_authority.setdefault(fiscal_code, PageReading(definition=DPCM))
        authority.figures.append(figure)
        if cells.get("name"):
            reading.names.setdefault(fiscal_code, " ".join(cells["name"].split()))
    return reading


def _figure(period: str, cells: dict[str, str], evidence: str) -> PaymentFigure | None:
    figure = PaymentFigure(period, evidence=f"PCC ({LEGAL_BASIS}): {evidence}"[:400])
    figure.itp_days = parse_number(cells.get("delay"))
    figure.days_to_pay = parse_number(cells.get("days_to_pay"))
    figure.overdue_debt = parse_number(cells.get("overdue_debt"), money=True)
    figure.invoices_amount = parse_number(cells.get("invoices_amount"), money=True)
    figure.paid_amount = parse_number(cells.get("paid_amount"), money=True)
    creditors = parse_number(cells.get("creditors"), money=True)
    figure.creditors_overdue = int(creditors) if creditors is not None else None
    return figure if figure.has_value() else None


def _period(year: str, quarter: str) -> str | None:
    """("2025", "3") / ("2025", "III trimestre") / ("2025", "") -> "2025-Q3" / "2025-Q3" / "2025"."""
    year = year.strip().split(".")[0]  # 2025.0 from a spreadsheet
    if not re.fullmatch(r"(19|20)\d{2}", year):
        return None
    quarter = quarter.strip()
    if not quarter or fold(quarter) in ("annuale", "anno", "totale"):
        return year
    if re.fullmatch(r"[1-4](\.0)?", quarter):
        return f"{year}-Q{quarter[0]}"
    words = f"{quarter} {year}" if "trim" in fold(quarter) else f"{quarter} trimestre {year}"  # "II" alone
    period = parse_period(words)
    return period if period and period.startswith(f"{year}-Q") else None


def _table_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises zipfile/KeyError/ValueError on bad files
            raise ValueError(f"spreadsheet_unreadable: {type(exc).__name__}: {exc}"[:300]) from None
        try:
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    yield [sheet_cell(v) for v in row]
        finally:
            workbook.close()
        return
    if name.endswith((".xls", ".ods")):
        raise ValueError(f"unsupported: formato {filename.rsplit('.', 1)[-1]!r} non leggibile (solo .xlsx e .csv)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")  # Excel's "CSV (delimitato dal separatore di elenco)"
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


# -- the block republished on an authority's page ----------------------------------------------

_BLOCK_START = re.compile(r"piattaforma (dei|per i) crediti commerciali|\(pcc\)|\bdati pcc\b")
# Line labels of the block (folded), in the order they are tried.
_BLOCK_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("delay", ("ritardo",)),
    ("days_to_pay", ("tempo medio", "pagamento")),
    ("paid_amount", ("importo", "pagat")),
    ("invoices_amount", ("importo", "ricevut")),
    ("overdue_debt", ("debit",)),
)
_LABEL_VALUE = re.compile(r"^(?P<label>[^:]{3,120}):\s*(?P<value>.+)$")


def read_republished_block(lines: list[str]) -> tuple[PageReading, range]:
    """The PCC figures an authority republishes on its page, as labelled lines under period headings,
    and the span of lines the block took (so that the authority's own reading can leave them out):

        Dati della piattaforma dei crediti commerciali (PCC)
        Anno 2020 (1° trimestre)
        Importo fatture ricevute: 1.864.611,10 euro
        Tempo medio di pagamento ponderato: 8,97
        Tempo medio di ritardo ponderato: – 22,96

    Lines before the block's title are the authority's own figures and are not read here; the block
    ends at the next line that is neither a period heading nor a labelled figure ("Ammontare
    complessivo dei debiti", ...). A page that only says its figures come from the PCC has no block:
    nothing is read and the span is empty.
    """
    for start, raw in enumerate(lines):
        if _BLOCK_START.search(fold(raw)):
            reading, end = _read_block(lines, start + 1)
            if reading.figures:
                return reading, range(start, end)
    return PageReading(definition=DPCM), range(0)


def _read_block(lines: list[str], first: int) -> tuple[PageReading, int]:
    period: str | None = None
    figures: dict[str, PaymentFigure] = {}
    end = first
    for index in range(first, len(lines)):
        line = " ".join(lines[index].split())
        if not line:
            continue
        labelled = _LABEL_VALUE.match(line)
        if labelled is None:
            # "Anno 2020 (1° trimestre)": the brackets would hide the quarter from parse_period.
            heading_period = parse_period(re.sub(r"[()\[\]]", " ", line))
            if heading_period is None:
                break  # another section begins: the block is over
            period, end = heading_period, index + 1
            continue
        role = next((r for r, words in _BLOCK_LABELS if all(w in fold(labelled["label"]) for w in words)), None)
        if role is None or period is None:
            break
        figure = figures.setdefault(period, PaymentFigure(period, evidence=f"PCC ripubblicato dall'ente, {period}"))
        money = role in ("paid_amount", "invoices_amount", "overdue_debt")
        setattr(figure, "itp_days" if role == "delay" else role, parse_number(labelled["value"], money=money))
        figure.evidence = f"{figure.evidence} | {line}"[:400]
        end = index + 1
    reading = PageReading(definition=DPCM, figures=[f for f in figures.values() if f.has_value()])
    return reading, end
