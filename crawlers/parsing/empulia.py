"""EmPULIA (Regione Puglia): the SharePoint "Bandi di gara" table and the detail page."""

from __future__ import annotations

from parsel import Selector

from crawlers.items import NoticeItem
from crawlers.parsing.italian import clean_text
from crawlers.parsing.labelled import NoticeLabels, PageContext, absolute, notice_from_labelled_page

PUGLIA = "16"
LABELS = NoticeLabels(authority=("Ente appaltante",), fiscal_code=("Codice fiscale ente",))


def parse_list(html: str, url: str, source: str) -> list[PageContext]:
    page = Selector(text=html)
    contexts = []
    for row in page.xpath("//tr[td[7]/a[@href]]"):
        cell = row.xpath("./td[2]")
        title = clean_text(" ".join(cell.xpath("./b//text()").getall()))
        authority = clean_text(" ".join(cell.xpath("./text()").getall()))
        registry = clean_text(row.xpath("string(./td[6])").get())
        if not registry:
            continue
        contexts.append(PageContext(
            source=source, source_notice_id=registry, url=absolute(url, row.xpath("./td[7]/a/@href").get()) or url,
            region=PUGLIA, authority=authority, title=title, deadline_text=clean_text(row.xpath("string(./td[5])").get()),
            place_source="portal:empulia", raw={"registro": registry},
        ))
    return contexts


def parse_detail(html: str, context: PageContext) -> NoticeItem:
    return notice_from_labelled_page(
        html, context, labels=LABELS, record_css="table.dettaglio-bando", attachments_css="div.allegati", title_css=None
    )
