"""Halley "Amministrazione trasparente" (Zend app): the category menu and the category pages.

Each row is one published file (the link opens it directly): the notice is the row, its one
document the link. No CIG column: a CIG written in the text is read from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from crawlers.items import DocumentRef, NoticeItem
from crawlers.mixins.tenants import Tenant
from crawlers.parsing.codes import find_cigs
from crawlers.parsing.fields import normalise_label
from crawlers.parsing.italian import clean_text, parse_date
from crawlers.parsing.labelled import absolute

LANDING_PATH = "/zf/index.php/trasparenza/index/index"
SECTION = "bandi di gara e contratti"
_SIZE = re.compile(r"\s*\((?:\d+(?:[.,]\d+)?)\s*[KMG]?B\)\s*$", re.IGNORECASE)


def find_section(html: str, url: str) -> str | None:
    """URL of the "Bandi di gara e contratti" category in the menu, or None."""
    page = Selector(text=html)
    for link in page.xpath("//a[contains(@href, '/trasparenza/index/index/categoria/')]"):
        if normalise_label(" ".join(link.xpath(".//text()").getall())) == SECTION:
            return absolute(url, link.attrib["href"])
    return None


@dataclass
class Row:
    document_id: str
    title: str
    file_url: str
    published_text: str | None


def parse_category(html: str, url: str) -> tuple[list[Row], str | None]:
    """Rows of one category page and the URL of the next page ("Successiva"), if any."""
    page = Selector(text=html)
    rows = []
    for tr in page.xpath("//tr[@data-href]"):
        link = tr.css("a.prevent-default")
        href = link.attrib.get("href") or tr.attrib["data-href"]
        text = clean_text(" ".join(link.css("::text").getall())) or ""
        inserted = next((clean_text(t) for t in tr.css("div.small::text").getall() if "Inserita" in t), None)
        rows.append(Row(document_id=href.rstrip("/").rsplit("/", 1)[-1], title=_SIZE.sub("", text),
                        file_url=absolute(url, href) or url, published_text=inserted))
    next_href = page.xpath("//a[contains(normalize-space(.), 'Successiva')]/@href").get()
    return rows, absolute(url, next_href)


def notice_from_row(row: Row, tenant: Tenant, source: str) -> NoticeItem:
    cigs = find_cigs(row.title)
    return NoticeItem(
        source=source,
        source_notice_id=f"{tenant.key}:{row.document_id}",
        title=row.title,
        notice_type="atto",
        cig=cigs[0] if cigs else None,
        published_on=parse_date(row.published_text),
        url=row.file_url,
        authority=tenant.authority_ref("platform:halley"),
        place_istat_region=tenant.region,
        place_istat_comune=tenant.extra.get("istat"),
        documents=[DocumentRef(url=row.file_url, title=row.title)],
        raw={"tenant": tenant.key, "inserita": row.published_text},
    )
