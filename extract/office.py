"""Word processing files: .docx (WordprocessingML) and .odt (OpenDocument), text and tables.

XML is parsed with defusedxml (no entity expansion). A docx has no fixed pages: explicit page
breaks split it, otherwise it is one page.
"""

from __future__ import annotations

import io
import re
import zipfile

from defusedxml import ElementTree

from extract.errors import CORRUPT, ExtractionError
from extract.model import Page, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
MAX_XML_BYTES = 100 * 1024 * 1024


def _read(data: bytes, name: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(name)
            if info.file_size > MAX_XML_BYTES:
                raise ExtractionError(CORRUPT, f"{name} is {info.file_size} bytes")
            return archive.read(name)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ExtractionError(CORRUPT, f"cannot read {name} ({exc})") from None


def _parse(xml: bytes):
    try:
        return ElementTree.fromstring(xml)
    except Exception as exc:  # noqa: BLE001 - defusedxml raises several kinds
        raise ExtractionError(CORRUPT, f"malformed XML ({exc.__class__.__name__})") from None


def docx_pages(data: bytes) -> list[Page]:
    root = _parse(_read(data, "word/document.xml"))
    body = root.find(f"{W}body")
    pages: list[Page] = [Page(1, "")]
    lines: list[str] = []

    def paragraph_text(p) -> tuple[str, bool]:
        parts, breaks = [], False
        for node in p.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append("\t")
            elif node.tag == f"{W}br" and node.get(f"{W}type") == "page":
                breaks = True
        return "".join(parts), breaks

    def flush() -> None:
        pages[-1].text = "\n".join(lines)
        lines.clear()

    for child in list(body) if body is not None else []:
        if child.tag == f"{W}p":
            text, page_break = paragraph_text(child)
            lines.append(text)
            if page_break:
                flush()
                pages.append(Page(len(pages) + 1, ""))
        elif child.tag == f"{W}tbl":
            table: Table = []
            for row in child.iter(f"{W}tr"):
                cells = []
                for cell in row.iter(f"{W}tc"):
                    cells.append(" ".join(paragraph_text(p)[0] for p in cell.iter(f"{W}p")).strip())
                table.append(cells)
                lines.append("  ".join(cells))
            pages[-1].tables.append(table)
    flush()
    return pages


def odt_pages(data: bytes) -> list[Page]:
    root = _parse(_read(data, "content.xml"))
    page = Page(1, "")
    lines: list[str] = []

    def text_of(node) -> str:
        return "".join(node.itertext())

    def walk(node) -> None:
        for child in list(node):
            if child.tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
                lines.append(text_of(child))
            elif child.tag == f"{TABLE_NS}table":
                table: Table = []
                for row in child.iter(f"{TABLE_NS}table-row"):
                    cells = [" ".join(text_of(c).split()) for c in row.iter(f"{TABLE_NS}table-cell")]
                    table.append(cells)
                    lines.append("  ".join(cells))
                page.tables.append(table)
            else:
                walk(child)

    walk(root)
    page.text = "\n".join(lines)
    return [page]


MAX_SHEET_ROWS = 20_000


def xlsx_pages(data: bytes) -> list[Page]:
    """One page per sheet: its rows as a table and as tab-separated lines (lots and staff tables)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise ExtractionError(CORRUPT, f"unreadable spreadsheet ({exc.__class__.__name__})") from None
    pages = []
    try:
        for number, sheet in enumerate(workbook.worksheets, start=1):
            table: Table = []
            for row in sheet.iter_rows(values_only=True, max_row=MAX_SHEET_ROWS):
                cells = ["" if v is None else _cell_text(v) for v in row]
                if any(cells):
                    table.append(cells)
            text = "\n".join("  ".join(c for c in row if c) for row in table)
            pages.append(Page(number, f"{sheet.title}\n{text}", tables=[table] if table else []))
    finally:
        workbook.close()
    return pages


def _cell_text(value: object) -> str:
    # Amounts typed as numbers are written back in the Italian form the field extractors read.
    if isinstance(value, float):
        whole, _, decimals = f"{value:,.2f}".partition(".")
        return f"{whole.replace(',', '.')},{decimals}"
    return " ".join(str(value).split())


_RTF_TOKEN = re.compile(r"\\'([0-9a-fA-F]{2})|\\u(-?\d+)\??|\\([a-zA-Z]+)(-?\d+)? ?|\\([{}\\])|([{}])|[\r\n]+|([^\\{}\r\n]+)")
_RTF_SKIP = {"fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "listtable", "themedata",
             "datastore", "latentstyles", "rsidtbl", "generator", "xmlnstbl"}
_RTF_BREAKS = {"par": "\n", "line": "\n", "tab": "\t", "cell": "  ", "row": "\n", "page": "\n"}


def rtf_pages(data: bytes) -> list[Page]:
    """Visible text of an RTF file: destinations (fonts, pictures, metadata) skipped, escapes decoded."""
    text = data.decode("latin-1")
    out: list[str] = []
    stack: list[bool] = []
    skipping = False
    for match in _RTF_TOKEN.finditer(text):
        hex_char, unicode_char, word, _arg, escaped, brace, plain = match.groups()
        if brace == "{":
            stack.append(skipping)
        elif brace == "}":
            skipping = stack.pop() if stack else False
        elif skipping:
            continue
        elif word:
            if word in _RTF_SKIP or match.group(0).startswith("\\*"):
                skipping = True
            elif word in _RTF_BREAKS:
                out.append(_RTF_BREAKS[word])
        elif hex_char:
            out.append(bytes([int(hex_char, 16)]).decode("cp1252", "replace"))
        elif unicode_char:
            out.append(chr(int(unicode_char) % 65536))
        elif escaped:
            out.append(escaped)
        elif plain:
            out.append(plain)
    return [Page(1, "".join(out))]
