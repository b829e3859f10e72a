"""HTML pages (a portal's notice page saved as a document): visible text and tables."""

from __future__ import annotations

import re

import lxml.html

from extract.errors import CORRUPT, ExtractionError
from extract.model import Page, Table

_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "dd", "dt"}


def _decode(data: bytes) -> str:
    """Declared charset, else UTF-8, else Windows-1252 (lxml alone would assume Latin-1)."""
    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096])
    candidates = [declared.group(1).decode("ascii")] if declared else []
    for encoding in [*candidates, "utf-8", "cp1252"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def html_pages(data: bytes) -> list[Page]:
    text = _decode(data)
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ExtractionError(CORRUPT, f"unreadable HTML ({exc})") from None
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    tables: list[Table] = []
    for table in root.xpath("//table"):
        rows = []
        for tr in table.xpath(".//tr"):
            rows.append([" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")])
        if rows:
            tables.append(rows)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK:
            element.tail = "\n" + (element.tail or "")
        if isinstance(element.tag, str) and element.tag in ("td", "th"):
            element.tail = "  " + (element.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [Page(1, "\n".join(line for line in lines if line), tables=tables)]
