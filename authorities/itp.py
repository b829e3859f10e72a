"""Reading payment-timeliness figures from "Amministrazione trasparente > Pagamenti dell'amministrazione".

Authorities publish the indicatore di tempestività dei pagamenti (ITP, art. 33 D.Lgs. 33/2013, formula
of DPCM 22/9/2014 art. 9: days between due date and payment, weighted by amount; negative = early),
the stock of overdue debts and the number of creditor firms, as an HTML table, a PDF or a spreadsheet.
These pure functions turn each shape into `PaymentFigure`s (`authorities.figures`); `authorities.payments`
stores them. A scanned PDF is read with OCR (the evidence says so); what cannot be read (a scan OCR finds no
figure in, an .xls) is returned as a problem, never as zero.

Trap (DOMAIN.md §1.9): some authorities publish a plain average of days from invoice receipt to
payment instead of the DPCM figure; `detect_definition` tells them apart from the page's own words.
"""

from __future__ import annotations

import csv
import io

from authorities.figures import (
    PageReading,
    detect_definition,
    figures_from_rows,
    figures_from_text,
    sheet_cell,
)
from authorities.pcc import read_republished_block


def read_html(html: str | bytes) -> PageReading:
    from parsel import Selector


    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    root = Selector(text=text)
    body_text = " ".join(t.strip() for t in root.xpath("//body//text()[not(ancestor::script)]").getall() if t.strip())
    reading = PageReading(definition=detect_definition(body_text))
    for table in root.xpath("//table"):
        rows = [[" ".join(cell.xpath(".//text()").getall()) for cell in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")]
        reading.figures.extend(figures_from_rows(rows))
    blocks = root.xpath("//body//*[self::p or self::li or self::h2 or self::h3 or self::h4 or self::div[not(*)]]")
    lines = [" ".join(b.xpath(".//text()").getall()) for b in blocks]
    pcc, span = read_republished_block(lines)
    if pcc.figures:
        reading.republished_pcc = pcc
        lines = [line for index, line in enumerate(lines) if index not in span]
    if not reading.figures:
        reading.figures.extend(figures_from_text("\n".join(lines)))
    return reading


def read_pdf(data: bytes) -> PageReading:
    import pdfplumber


    reading = PageReading()
    texts: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                text = page.extract_text() or ""
                texts.append(text)
                for table in page.extract_tables() or []:
                    for figure in figures_from_rows([[c or "" for c in row] for row in table]):
                        figure.page = number
                        reading.figures.append(figure)
                if not reading.figures or all(f.page != number for f in reading.figures):
                    reading.figures.extend(figures_from_text(text, page=number))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on broken files
        reading.unreadable = f"pdf_unreadable: {type(exc).__name__}: {exc}"[:300]
        return reading
    all_text = "\n".join(texts)
    reading.definition = detect_definition(all_text)
    pcc, _ = read_republished_block(all_text.splitlines())
    reading.republished_pcc = pcc if pcc.figures else None
    if len(all_text.strip()) < 20:
        _read_scan(data, reading)
    return reading


OCR_MARK = "[letto con OCR dalla scansione: da verificare sul documento]"


def _read_scan(data: bytes, reading: PageReading) -> None:
    """A PDF without a text layer (a scan): read it with OCR (extract.pdf, Tesseract ita). Figures read
    so carry OCR_MARK in their evidence, which the stored note repeats; when OCR is not installed or
    finds no figure, the file stays "unreadable" with the reason, never zero."""
    from extract.errors import ExtractionError
    from extract.pdf import page_texts

    try:
        pages, warnings = page_texts(data, max_pages=50)
    except ExtractionError as exc:
        reading.unreadable = f"scanned_pdf: il PDF non ha testo (scansione) e l'OCR non l'ha letto ({exc})"[:300]
        return
    for page in pages:
        for figure in figures_from_text(page.text, page=page.number):
            figure.evidence = f"{OCR_MARK} {figure.evidence}"
            reading.figures.append(figure)
    reading.definition = detect_definition("\n".join(page.text for page in pages))
    if not reading.figures:
        why = f": {warnings[0]}" if warnings else ""
        reading.unreadable = f"scanned_pdf: il PDF non ha testo (scansione); l'OCR non vi ha trovato cifre{why}"[:300]


def read_spreadsheet(data: bytes, filename: str) -> PageReading:
    name = filename.lower()
    reading = PageReading()
    if name.endswith((".xls", ".ods", ".numbers")):
        reading.unreadable = f"unsupported: formato {filename.rsplit('.', 1)[-1]!r} non leggibile (solo .xlsx e .csv)"
        return reading
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises zipfile/KeyError/ValueError on bad files
            reading.unreadable = f"spreadsheet_unreadable: {type(exc).__name__}: {exc}"[:300]
            return reading
        words: list[str] = []
        for sheet in workbook.worksheets:
            rows = [[sheet_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            words.extend(c for row in rows for c in row if c)
            reading.figures.extend(figures_from_rows(rows))
        workbook.close()
        reading.definition = detect_definition(" ".join(words))
        return reading
    if name.endswith((".csv", ".txt")):
        text = data.decode("utf-8-sig", "replace")
        dialect_delimiter = ";" if text.count(";") >= text.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=dialect_delimiter))
        reading.figures = figures_from_rows(rows)
        reading.definition = detect_definition(text)
        return reading
    reading.unreadable = f"unsupported: formato {filename.rsplit('.', 1)[-1]!r} non leggibile (solo .xlsx e .csv)"
    return reading
