"""Maggioli PortaleAppalti: `div.list-item` records of the bandi list and the procedure's scheda."""

from __future__ import annotations

from parsel import Selector

from crawlers.items import NoticeItem
from crawlers.parsing.fields import normalise_label
from crawlers.parsing.italian import clean_text, parse_amount
from crawlers.parsing.labelled import NoticeLabels, PageContext, absolute, notice_from_labelled_page

LIST_PATH = "/PortaleAppalti/it/ppgare_bandi_lista.wp"
LABELS = NoticeLabels(title=("Titolo", "Oggetto"))


def list_item_fields(item: Selector) -> dict[str, str]:
    """`<label>Titolo : </label> value` rows of one record."""
    fields: dict[str, str] = {}
    for row in item.css("div.list-item-row"):
        label = clean_text(" ".join(row.css("label ::text").getall()))
        value = clean_text(" ".join(row.xpath("./text()|./*[not(self::label)]//text()").getall()))
        if label and value:
            fields.setdefault(normalise_label(label), value)
    return fields


def parse_list(html: str, url: str, source: str, *, region: str | None, authority: str | None,
               fiscal_code: str | None) -> list[PageContext]:
    page = Selector(text=html)
    contexts: list[PageContext] = []
    seen: set[str] = set()
    for item in page.css("div.list-item"):
        fields = list_item_fields(item)
        code = fields.get("riferimento procedura")
        link = item.css("div.list-action a::attr(href)").get()
        if not fields or not code or code in seen:
            continue  # the empty placeholder record; a record repeated on the page
        seen.add(code)
        contexts.append(PageContext(
            source=source, source_notice_id=code, url=absolute(url, link) or url, region=region,
            authority=fields.get("stazione appaltante") or authority, fiscal_code=fiscal_code,
            title=fields.get("titolo"), deadline_text=fields.get("data scadenza"),
            published_text=fields.get("data pubblicazione"), place_source="platform:portaleappalti",
            raw={"list": fields},
        ))
    return contexts


def parse_scheda(html: str, context: PageContext) -> NoticeItem:
    notice = notice_from_labelled_page(html, context, labels=LABELS, record_css="main", attachments_css="main",
                                       attachments_also=".//a[contains(@href, 'downloadDocumentoPubblico')]",
                                       title_css="h2")
    list_fields = context.raw.get("list", {})
    notice.amount = notice.amount or parse_amount(list_fields.get("importo"))
    return notice
