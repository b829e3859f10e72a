"""Regional bulletins (BUR) read for tariff acts: the list of acts and the page of one act.

Documented shapes (ACCREDITATION.md §4): Emilia-Romagna publishes one HTML page per act
(`/dettaglio-inserzione?i=<hash>`, Parte Seconda = Giunta acts); Veneto one page per DGR
(`/BurvServices/pubblica/DettaglioDgr.aspx?id=<n>`, with "Note per la trasparenza" and a printable version).
The listing pages that lead to them are not documented: they are read as pages of links to those act pages,
with the act's title as the link text and a date beside it. Attachments are the PDF links of the act page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from legislation.feeds import date_in

_NUMBER = re.compile(r"\b(?:n\.|numero|dgr)\s*(\d{1,5})", re.I)


@dataclass(frozen=True)
class ActRow:
    title: str
    url: str
    published_on: dt.date | None
    number: str | None


def parse_act_list(html: str, base_url: str, act_link: str) -> list[ActRow] | None:
    """The acts listed on a bulletin page (links whose URL holds `act_link`); None when the page has no list."""
    page = Selector(text=html)
    links = page.css(f"a[href*='{act_link}']")
    if not links and not page.css("main, #content, .elenco, table"):
        return None
    rows: dict[str, ActRow] = {}
    for link in links:
        title = " ".join(" ".join(link.css("::text").getall()).split())
        container = link.xpath("ancestor::*[self::li or self::tr or self::div][1]")
        context = " ".join(" ".join(container.css("::text").getall()).split()) if container else title
        url = urljoin(base_url, link.attrib["href"].strip())
        if title:
            number = _NUMBER.search(context)
            rows.setdefault(url, ActRow(title if len(title) >= len(context) / 2 else context, url, date_in(context),
                                        number.group(1) if number else None))
    return list(rows.values())


@dataclass(frozen=True)
class ActPage:
    title: str
    pdfs: list[tuple[str, str]]  # (url, link text)


def parse_act_page(html: str, base_url: str) -> ActPage | None:
    """The act's title (heading + oggetto) and its PDF attachments; None when the page has no heading."""
    page = Selector(text=html)
    heading = " ".join(" ".join(page.css("h1 ::text, h2 ::text").getall()[:2]).split())
    if not heading:
        return None
    subject = " ".join(" ".join(page.css(".oggetto ::text, #oggetto ::text, dd.oggetto ::text").getall()).split())
    pdfs = []
    for link in page.css("a[href]"):
        href = link.attrib["href"].strip()
        text = " ".join(" ".join(link.css("::text").getall()).split())
        if href.lower().endswith(".pdf") or re.search(r"allegat|download", href + " " + text, re.I):
            url = urljoin(base_url, href)
            if url not in {u for u, _ in pdfs}:
                pdfs.append((url, text))
    return ActPage(f"{heading} {subject}".strip(), pdfs)
