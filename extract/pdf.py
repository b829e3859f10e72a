"""PDF text: PDFium for every page (fast), Tesseract for pages without a text layer, pdfplumber only
for the pages whose text announces a table the fields need (staff tables).

Measured (ECOSYSTEM.md §3.1): PDFium text is ~77x faster than pdfplumber text; pdfplumber tables
are cell-exact, so pdfplumber is opened only for the few pages that need a table.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable

import pypdfium2 as pdfium

from extract.errors import (
    CORRUPT,
    ENCRYPTED,
    IMAGE_ONLY_UNREADABLE,
    PAGE_BOMB,
    TRUNCATED,
    ZERO_PAGES,
    ExtractionError,
)
from extract.model import Page, Table
from extract.ocr import OCR_DPI, OCRUnavailable, ocr_image

log = logging.getLogger(__name__)

MAX_PAGES = 3000  # a tender document beyond this is a page bomb, not a tender
MAX_OCR_PAGES = 300  # beyond this the rest of a scan is left unread, with a warning
MIN_TEXT_CHARS = 25  # a page with fewer characters is treated as scanned (no text layer)

# A page needs pdfplumber's tables when it looks like a staff table (profile, CCNL level, hours).
_TABLE_HINT = re.compile(r"(livell|categori|inquadrament|qualific|profil)", re.I)
_TABLE_HINT_HOURS = re.compile(r"\bore\b|monte\s+ore|n\.\s*operatori|unit[àa]", re.I)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ExtractionError(ENCRYPTED, "the PDF needs a password") from None
        if b"%%EOF" not in data[-2048:]:
            raise ExtractionError(TRUNCATED, "the PDF ends before its end-of-file marker") from None
        if _pypdf_page_count(data) == 0:
            raise ExtractionError(ZERO_PAGES, "the PDF has no pages") from None
        raise ExtractionError(CORRUPT, f"PDFium cannot parse the file ({exc})") from None


def _pypdf_page_count(data: bytes) -> int | None:
    """A second opinion when PDFium refuses a file (it refuses an empty page tree as a format error)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        return None


def page_texts(data: bytes, *, max_pages: int = MAX_PAGES, ocr: bool = True,
               wants_table: Callable[[Page], bool] | None = None) -> tuple[list[Page], list[str]]:
    """Text of every page; OCR for pages with no text layer. Returns (pages, warnings). `wants_table` says which
    pages need pdfplumber's tables (default: the pages that look like a staff table)."""
    document = _open(data)
    warnings: list[str] = []
    try:
        count = len(document)
        if count == 0:
            raise ExtractionError(ZERO_PAGES, "the PDF has no pages")
        if count > max_pages:
            raise ExtractionError(PAGE_BOMB, f"{count} pages, more than the limit of {max_pages}")
        pages: list[Page] = []
        ocr_done = 0
        for index in range(count):
            try:
                page = document[index]
            except pdfium.PdfiumError as exc:
                warnings.append(f"page {index + 1} unreadable: {exc}")
                pages.append(Page(index + 1, ""))
                continue
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                textpage.close()
                if len(text.strip()) < MIN_TEXT_CHARS and ocr and _has_image(page):
                    if ocr_done >= MAX_OCR_PAGES:
                        if ocr_done == MAX_OCR_PAGES:
                            warnings.append(f"OCR stopped after {MAX_OCR_PAGES} pages")
                        ocr_done += 1
                        pages.append(Page(index + 1, text))
                        continue
                    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
                    try:
                        text = ocr_image(image)
                    except OCRUnavailable as exc:
                        warnings.append(f"page {index + 1} has no text layer and OCR failed: {exc}")
                        ocr = False
                        pages.append(Page(index + 1, ""))
                        continue
                    ocr_done += 1
                    pages.append(Page(index + 1, text, ocr=True))
                else:
                    pages.append(Page(index + 1, text))
            finally:
                page.close()
        if not any(p.text.strip() for p in pages):
            why = f" ({warnings[0]})" if warnings else ""
            raise ExtractionError(IMAGE_ONLY_UNREADABLE, f"no text on any of the {count} pages, even with OCR{why}")
        _add_tables(data, pages, warnings, wants_table or _wants_table)
        return pages, warnings
    finally:
        document.close()


def _has_image(page: pdfium.PdfPage) -> bool:
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
            return True
    return False


def _wants_table(page: Page) -> bool:
    return not page.ocr and bool(_TABLE_HINT.search(page.text)) and bool(_TABLE_HINT_HOURS.search(page.text)) and (
        bool(re.search(r"\b[A-F]\s?[1-6]\b", page.text))
    )


def _add_tables(data: bytes, pages: list[Page], warnings: list[str], wants: Callable[[Page], bool]) -> None:
    wanted = [p for p in pages if wants(p)]
    if not wanted:
        return
    import pdfplumber  # imported lazily: most documents never need it

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in wanted:
                plumber_page = pdf.pages[page.number - 1]
                try:
                    page.tables = [_clean(t) for t in plumber_page.extract_tables() if t]
                finally:
                    plumber_page.close()
    except Exception as exc:  # noqa: BLE001 - tables are a refinement; the text is already read
        warnings.append(f"tables not read: {exc.__class__.__name__}: {exc}")


def _clean(table: list[list[str | None]]) -> Table:
    return [[" ".join((cell or "").split()) for cell in row] for row in table]
