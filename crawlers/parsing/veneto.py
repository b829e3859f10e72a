"""bandi.regione.veneto.it: the "IN SCADENZA" landing list (real page in the corpus) and the detail page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

from crawlers.items import AuthorityRef, DocumentRef, NoticeItem
from crawlers.parsing.codes import find_cigs
from crawlers.parsing.fields import document_links, labelled_fields, pick
from crawlers.parsing.italian import clean_text, parse_date, parse_datetime

VENETO = "05"
REGION_AUTHORITY = "Regione del Veneto"
REGION_FISCAL_CODE = "80007580279"  # Regione del Veneto, as printed on its acts
# The letter in the coloured box of each row (legend of the landing page).
KINDS = {"A": "avviso", "B": "bando", "C": "concorso"}


@dataclass
class ListRow:
    id_atto: str
    kind: str | None
    deadline_text: str | None
    title: str
    detail_url: str


def parse_listing(html: str, url: str) -> list[ListRow]:
    page = Selector(text=html)
    rows = []
    for row in page.css("div.row-inScadenza"):
        link = row.css("a[href*='idAtto']")
        if not link:
            continue
        href = urljoin(url, link.attrib["href"])
        id_atto = parse_qs(urlsplit(href).query).get("idAtto", [""])[0]
        letter = clean_text(row.xpath("./div[1]//span/text()").get())
        rows.append(ListRow(
            id_atto=id_atto,
            kind=KINDS.get((letter or "").upper()),
            deadline_text=clean_text(row.css("span.DtScadenza::text").get()),
            title=clean_text(" ".join(link.css("::text").getall())) or "",
            detail_url=href,
        ))
    return rows


def parse_detail(html: str, url: str, row: ListRow, source: str) -> NoticeItem:
    page = Selector(text=html)
    fields = labelled_fields(page.css("#dettaglioAtto") or page)
    title = pick(fields, "Oggetto") or clean_text(page.css("h2.titoloAtto::text").get()) or row.title
    structure = pick(fields, "Struttura")
    cigs = find_cigs(title)
    documents = [
        # every link of the attachments box is a document, whatever its extension
        DocumentRef(url=u, title=t) for u, t in document_links(page.css("div.allegatiAtto"), url, also=".//a[@href]")
    ]
    return NoticeItem(
        source=source,
        source_notice_id=row.id_atto,
        title=title,
        notice_type=row.kind or (pick(fields, "Tipologia") or "").lower() or None,
        cig=cigs[0] if cigs else None,
        published_on=parse_date(pick(fields, "Data pubblicazione")),
        deadline_at=parse_datetime(pick(fields, "Data scadenza") or row.deadline_text),
        url=url,
        authority=AuthorityRef(name=REGION_AUTHORITY, fiscal_code=REGION_FISCAL_CODE, istat_region=VENETO,
                               legal_nature="Regione", place_source="portal:veneto"),
        place_istat_region=VENETO,
        documents=documents,
        raw={"id_atto": row.id_atto, "struttura": structure, "listing_deadline": row.deadline_text},
    )
