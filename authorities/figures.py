"""Payment-timeliness figures and the words they are written in: periods ("II trimestre 2025"), Italian
numbers, the definition a page uses (DPCM indicator or plain average), and figures from table rows or
running text. Shared by the authorities' own pages (`itp`) and the national platform's files (`pcc`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

DPCM = "dpcm_weighted_delay"
AVERAGE = "average_days_to_pay"
UNKNOWN = "unknown"

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4, "primo": 1, "secondo": 2,
          "terzo": 3, "quarto": 4}
_QUARTER_PATTERNS = (
    re.compile(r"\b(primo|secondo|terzo|quarto|iv|iii|ii|i|[1-4])\s*(?:°|º|o\b)?\s*trim(?:estre|\.)?\s*"
               r"(?:del(?:l'anno)?\s*|anno\s*|[-/–]\s*)?((?:19|20)\d{2})\b"),
    re.compile(r"\btrim(?:estre|\.)?\s*(iv|iii|ii|i|[1-4])\s*(?:°|º)?\s*(?:del\s*|anno\s*|[-/–]\s*)?((?:19|20)\d{2})\b"),
    re.compile(r"\bq([1-4])\s*[-/ ]?\s*((?:19|20)\d{2})\b"),
)
_QUARTER_YEAR_FIRST = (
    re.compile(r"\b((?:19|20)\d{2})\s*[-/–]?\s*(iv|iii|ii|i|[1-4])\s*(?:°|º)?\s*trim"),
    re.compile(r"\b((?:19|20)\d{2})\s*[-/ ]?\s*q([1-4])\b"),
)
_MONTH_RANGES = {  # "gennaio-marzo 2025", "01/01/2025 - 31/03/2025"
    ("gennaio", "marzo"): 1, ("aprile", "giugno"): 2, ("luglio", "settembre"): 3, ("ottobre", "dicembre"): 4,
}
_DATE_RANGE = re.compile(r"\b01[/.-](01|04|07|10)[/.-]((?:19|20)\d{2})\s*(?:-|–|al|a)\s*3[01][/.-](03|06|09|12)[/.-]\2\b")
# A stock "al 30/09/2025" belongs to the quarter it closes; "al 31/12/2025" to the year.
_STOCK_DATE = re.compile(r"\bal\s+(31[/.-]03|30[/.-]06|30[/.-]09|31[/.-]12)[/.-]((?:19|20)\d{2})\b")
_QUARTER_END = {"31/03": 1, "30/06": 2, "30/09": 3}
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_ANNUAL = re.compile(r"\b(annual[ei]|anno|esercizio|indicator[ei]|tempestivita|itp|pagamenti)\b")
_NUMBER = re.compile(r"(?<![\w/])([-−–]\s*)?(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)(?![\w/])")


def fold(text: str | None) -> str:
    """Lower case, accents removed, whitespace collapsed (for keyword tests)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def parse_period(text: str | None) -> str | None:
    """"III trimestre 2025" -> "2025-Q3"; "Anno 2024" / "2024" -> "2024"; None if no period."""
    folded = fold(text).replace("’", "'").replace("_", " ")
    if not folded:
        return None
    for pattern in _QUARTER_PATTERNS:
        match = pattern.search(folded)
        if match:
            return f"{match.group(2)}-Q{_ROMAN[match.group(1)]}"
    for pattern in _QUARTER_YEAR_FIRST:
        match = pattern.search(folded)
        if match:
            return f"{match.group(1)}-Q{_ROMAN[match.group(2)]}"
    match = _DATE_RANGE.search(folded)
    if match:
        return f"{match.group(2)}-Q{(int(match.group(1)) - 1) // 3 + 1}"
    for (start, end), quarter in _MONTH_RANGES.items():
        match = re.search(rf"\b{start}\s*[-–/]\s*{end}\s*((?:19|20)\d{{2}})\b", folded)
        if match:
            return f"{match.group(1)}-Q{quarter}"
    match = _STOCK_DATE.search(folded)
    if match:
        day_month, year = match.group(1).replace(".", "/").replace("-", "/"), match.group(2)
        return year if day_month == "31/12" else f"{year}-Q{_QUARTER_END[day_month]}"
    years = _YEAR.findall(folded)
    if len(set(years)) == 1 and (_ANNUAL.search(folded) or re.fullmatch(r"\D{0,12}(19|20)\d{2}\D{0,3}", folded)):
        return years[0]
    return None


def parse_number(text: str | None, *, money: bool = False) -> Decimal | None:
    """Italian figures: "-3,52", "− 3,52 giorni", "1.234.567,89 €", "12.5"; None when there is none.

    With `money`, "12.345" is twelve thousand (thousands dot); for days it is a decimal point.
    """
    if not text:
        return None
    cleaned = text.replace("\u00a0", " ").replace("€", " ")
    cleaned = _YEAR_IN_PERIOD.sub(" ", cleaned)
    match = _NUMBER.search(cleaned)
    if not match:
        return None
    sign = "-" if match.group(1) else ""
    digits = match.group(2)
    if "," in digits:
        digits = digits.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", digits) and (money or digits.count(".") > 1):
        digits = digits.replace(".", "")
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        return None


# Periods and dates inside a cell are not the figure: "al 31/12/2024", "trimestre 2025".
_YEAR_IN_PERIOD = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d{2}\b(?!\s*,\d)|\b(?:iv|iii|ii|i|[1-4])\s*(?:°|º)?\s*trim\w*",
    re.IGNORECASE,
)


def detect_definition(text: str | None) -> str:
    folded = fold(text)
    dpcm_words = ("scadenz", "ponderat", "dpcm", "22 settembre 2014", "22/09/2014", "art. 9", "articolo 9")
    average_words = ("tempo medio", "media dei giorni", "giorni medi", "media semplice", "tempi medi")
    receipt_words = ("ricevimento", "ricezione", "arrivo della fattura", "protocollazione")
    has_dpcm = any(w in folded for w in dpcm_words)
    has_average = any(w in folded for w in average_words) and any(w in folded for w in receipt_words)
    if has_average and not has_dpcm:
        return AVERAGE
    if has_dpcm or "tempestivita" in folded:
        return DPCM
    return UNKNOWN


@dataclass
class PaymentFigure:
    period: str  # "2025-Q3" or "2025"
    itp_days: Decimal | None = None
    overdue_debt: Decimal | None = None
    creditors_overdue: int | None = None
    # Published by the national payment platform (PCC) only: amount of the invoices received and
    # paid in the period, and the amount-weighted days from receipt to payment.
    invoices_amount: Decimal | None = None
    paid_amount: Decimal | None = None
    days_to_pay: Decimal | None = None
    evidence: str = ""  # the row or line the figure was read from
    page: int | None = None  # PDF page

    VALUES = ("itp_days", "overdue_debt", "creditors_overdue", "invoices_amount", "paid_amount", "days_to_pay")

    def has_value(self) -> bool:
        return any(getattr(self, name) is not None for name in self.VALUES)


@dataclass
class PageReading:
    """What one page (HTML, PDF or spreadsheet) gave: figures, the definition used, and problems."""

    figures: list[PaymentFigure] = field(default_factory=list)
    definition: str = UNKNOWN
    unreadable: str | None = None  # why nothing could be read at all (unreadable scan, unsupported format)
    problems: list[str] = field(default_factory=list)  # figures seen but not usable (two values for one period)
    # The PCC's own figures when the page republishes them in a block of their own
    # (authorities.pcc): a second series, never merged with the authority's figures.
    republished_pcc: PageReading | None = None

    def merge(self, other: PageReading) -> None:
        self.figures.extend(other.figures)
        self.problems.extend(other.problems)
        if self.definition == UNKNOWN:
            self.definition = other.definition


def _metric_of(label: str) -> str | None:
    folded = fold(label)
    if any(w in folded for w in ("numero", "n. imprese", "imprese creditrici", "creditori", "n. creditori")):
        return "creditors"
    if any(w in folded for w in ("ammontare", "debiti", "importo", "stock", "euro")):
        return "debt"
    if any(w in folded for w in ("indicatore", "tempestivita", "itp", "giorni", "valore", "tempo medio", "ritardo")):
        return "itp"
    return None


def _set(figure: PaymentFigure, metric: str, cell: str) -> None:
    if metric == "itp":
        figure.itp_days = parse_number(cell)
    elif metric == "debt":
        figure.overdue_debt = parse_number(cell, money=True)
    elif metric == "creditors":
        number = parse_number(cell, money=True)
        figure.creditors_overdue = int(number) if number is not None else None


def figures_from_rows(rows: list[list[str]]) -> list[PaymentFigure]:
    """Figures from a table: periods down the first column (usual) or across the header row."""
    rows = [[" ".join((c or "").split()) for c in row] for row in rows if any((c or "").strip() for c in row)]
    if not rows:
        return []
    header_index = next((i for i, row in enumerate(rows[:5]) if sum(_metric_of(c) is not None for c in row) >= 1
                         and not any(parse_period(c) for c in row[1:])), None)
    periods_across = next((i for i, row in enumerate(rows[:5]) if sum(parse_period(c) is not None for c in row[1:]) >= 2),
                          None)
    figures: list[PaymentFigure] = []
    if periods_across is not None:
        header = rows[periods_across]
        by_column = {j: PaymentFigure(parse_period(c)) for j, c in enumerate(header) if j and parse_period(c)}
        for row in rows[periods_across + 1:]:
            metric = _metric_of(row[0]) if row else None
            if metric is None:
                continue
            for j, figure in by_column.items():
                if j < len(row):
                    _set(figure, metric, row[j])
                    figure.evidence = (figure.evidence + " | " if figure.evidence else "") + f"{row[0]}: {row[j]}"
        return [f for f in by_column.values() if f.has_value()]
    metrics: dict[int, str] = {}
    if header_index is not None:
        for j, cell in enumerate(rows[header_index]):
            metric = _metric_of(cell)
            if metric and parse_period(cell) is None:
                metrics.setdefault(j, metric) if metric not in metrics.values() else None
    start = header_index + 1 if header_index is not None else 0
    for row in rows[start:]:
        period_col = next((j for j, c in enumerate(row) if parse_period(c)), None)
        if period_col is None:
            continue
        figure = PaymentFigure(parse_period(row[period_col]), evidence=" | ".join(row))
        if metrics:
            for j, metric in metrics.items():
                if j < len(row) and j != period_col:
                    _set(figure, metric, row[j])
        else:
            numbers = [c for j, c in enumerate(row) if j != period_col and parse_number(c) is not None]
            if numbers:
                figure.itp_days = parse_number(numbers[0])
        if figure.has_value():
            figures.append(figure)
    return figures


_METRIC_WORDS = {
    "itp": ("indicatore", "tempestivita", "itp", "giorni"),
    "debt": ("ammontare", "debiti", "importo"),
    "creditors": ("numero", "imprese creditrici", "creditori"),
}


def _header_columns(line: str) -> list[str] | None:
    """The metric columns of a table header flattened into one text line, in order; None if not a header."""
    folded = fold(line)
    if parse_period(line) is not None:
        return None
    positions = []
    for metric, words in _METRIC_WORDS.items():
        found = [folded.find(w) for w in words if w in folded]
        if found:
            positions.append((min(found), metric))
    return [metric for _, metric in sorted(positions)] if len(positions) >= 2 else None


def figures_from_text(text: str, *, page: int | None = None) -> list[PaymentFigure]:
    """Figures from running text: one line naming a period and a figure ("ITP III trimestre 2025: -4,21"),
    or the rows of a table that lost its grid (PDF text), read with the columns of its header line."""
    figures: list[PaymentFigure] = []
    columns: list[str] | None = None
    heading_metric: str | None = None  # "Numero delle imprese creditrici" over "al 30/09/2025: 312"
    for line in text.splitlines():
        header = _header_columns(line)
        if header:
            columns = header
            continue
        period = parse_period(line)
        if period is None:
            heading_metric = _metric_of(line) or heading_metric
            continue
        figure = PaymentFigure(period, evidence=" ".join(line.split()), page=page)
        rest = _after_period(line)
        cells = [m.group(0) for m in _NUMBER.finditer(rest.replace("\u00a0", " ").replace("€", " "))]
        if columns and len(cells) >= 2:
            for metric, cell in zip(columns, cells, strict=False):
                _set(figure, metric, cell)
        else:
            _set(figure, _metric_of(line) or heading_metric or "itp", rest)
        if figure.has_value():
            figures.append(figure)
    return figures


def _after_period(line: str) -> str:
    """The part of a line after its period words (the figure follows the period in running text)."""
    folded = line
    for pattern in (*_QUARTER_PATTERNS, *_QUARTER_YEAR_FIRST, _DATE_RANGE):
        match = pattern.search(fold(folded))
        if match:
            return folded[match.end():] if len(fold(folded)) == len(folded) else fold(folded)[match.end():]
    match = _YEAR.search(folded)
    return folded[match.end():] if match else folded


def sheet_cell(value: Any) -> str:
    """A spreadsheet cell as the text a page would show (decimal comma), "" for an empty one."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)
