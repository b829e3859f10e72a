"""Labelled fields of server-rendered pages: "Oggetto: ...", <dt>/<dd>, <th>/<td>, <strong>Label</strong> value.

Portals print a record as label/value pairs in a few recurring layouts; `labelled_fields` reads all
of them into one dict keyed by the normalised label, and `pick` looks a field up by any of its
known labels, so a spider names labels, not XPaths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urljoin

from parsel import Selector

from crawlers.parsing.italian import clean_text

DOCUMENT_EXTENSIONS = (".pdf", ".p7m", ".zip", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".rtf", ".tsd", ".m7m")


def normalise_label(label: str) -> str:
    """"Data scadenza :" -> "data scadenza"; accents and punctuation dropped, case folded."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _text(node: Selector) -> str | None:
    return clean_text(" ".join(node.xpath(".//text()").getall()))


def labelled_fields(root: Selector) -> dict[str, str]:
    """Every label/value pair found under `root`; the first occurrence of a label wins
    (portals repeat rows for mobile layouts, e.g. Halley's `hidden-xs`/`visible-xs`)."""
    fields: dict[str, str] = {}

    def add(label: str | None, value: str | None) -> None:
        if not label or value is None:
            return
        key = normalise_label(label)
        if key and key not in fields:
            fields[key] = value

    for dt_node in root.xpath(".//dt"):
        add(_text(dt_node), _text(dt_node.xpath("following-sibling::dd[1]")[0]) if dt_node.xpath("following-sibling::dd[1]") else None)
    for row in root.xpath(".//tr"):
        cells = row.xpath("./th|./td")
        if len(cells) == 2:
            add(_text(cells[0]), _text(cells[1]))
    for node in root.xpath(".//*[self::strong or self::b or self::label or contains(@class,'label')]"):
        label = _text(node)
        if not label or len(label) > 80:
            continue
        sibling = node.xpath("following-sibling::*[1]")
        tail = clean_text("".join(node.xpath("following-sibling::text()[1]").getall()))
        if tail and tail not in {":", "-"}:
            add(label, tail.lstrip(":").strip() or None)
        elif sibling:
            add(label, _text(sibling[0]))
    # "Label: value" written as one text line (START detail, PortaleAppalti list items).
    for line in root.xpath(".//text()").getall():
        text = clean_text(line)
        if text and ":" in text:
            label, _, value = text.partition(":")
            label = label.strip()
            if 0 < len(label) <= 60 and value.strip() and label[0].isalpha() and not label.lower().startswith("http"):
                add(label, value.strip())
    return fields


def pick(fields: dict[str, str], *labels: str) -> str | None:
    """The value of the first label present (labels are matched normalised)."""
    for label in labels:
        value = fields.get(normalise_label(label))
        if value:
            return value
    return None


def document_links(root: Selector, base_url: str, *, extensions: Iterable[str] = DOCUMENT_EXTENSIONS,
                   also: str | None = None) -> list[tuple[str, str | None]]:
    """(absolute URL, link text) of every attachment link under `root`, in page order, once each.

    A link counts when its path ends with a document extension, or when it matches the extra
    XPath `also` (download endpoints without an extension, e.g. `.../download?id=3`)."""
    seen: set[str] = set()
    links: list[tuple[str, str | None]] = []
    nodes = list(root.xpath(".//a[@href]"))
    extra = {node.attrib.get("href", "").strip() for node in root.xpath(also)} if also else set()
    exts = tuple(e.lower() for e in extensions)
    for node in nodes:
        href = node.attrib.get("href", "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = urljoin(base_url, href)
        path = url.split("?", 1)[0].lower()
        if not path.endswith(exts) and href not in extra:
            continue
        if url in seen:
            continue
        seen.add(url)
        links.append((url, _text(node)))
    return links
