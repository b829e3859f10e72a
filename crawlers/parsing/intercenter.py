"""Intercent-ER (Emilia-Romagna): the Plone `@search` JSON and the HTML detail page."""

from __future__ import annotations

import json
import re
from typing import Any

from parsel import Selector

from crawlers.items import AuthorityRef, DocumentRef, LotItem, NoticeItem
from crawlers.parsing.codes import award_criterion_code, find_cigs, find_cpv
from crawlers.parsing.fields import document_links
from crawlers.parsing.italian import clean_text, parse_amount, parse_date, parse_datetime

EMILIA_ROMAGNA = "08"


def parse_search(text: str | bytes) -> tuple[int, list[dict[str, Any]]]:
    """(items_total, items) of one `@search` page; raises ValueError on a body that is not that JSON."""
    data = json.loads(text)
    if not isinstance(data, dict) or "items" not in data:
        raise ValueError("not a Plone @search answer: no 'items'")
    return int(data.get("items_total") or 0), list(data["items"])


def notice_from_item(item: dict[str, Any], source: str) -> NoticeItem:
    """The notice as the search API gives it (the detail page adds lots, criterion and documents)."""
    data = (item.get("@components") or {}).get("intercenter-data", {}).get("data") or {}
    cigs = [c.get("codice") for c in data.get("cig") or [] if c.get("codice")]
    authority = clean_text(data.get("ente_appaltante"))
    return NoticeItem(
        source=source,
        source_notice_id=str(data.get("id") or item.get("@id")),
        title=clean_text(data.get("title") or item.get("title")) or "",
        notice_type="bando",
        description=clean_text(data.get("description") or item.get("description")),
        procedure=clean_text(data.get("procedura_gara")),
        cig=cigs[0] if len(cigs) == 1 else None,
        amount=parse_amount(data.get("importo_appalto")),
        published_on=parse_date(data.get("pubdate")),
        deadline_at=parse_datetime(data.get("scadenza")),
        url=item.get("@id"),
        documents_url=item.get("@id"),
        authority=AuthorityRef(name=authority, istat_region=EMILIA_ROMAGNA, place_source="portal:intercenter")
        if authority else None,
        place_istat_region=EMILIA_ROMAGNA,
        lots=[LotItem(lot_key=cig, cig=cig) for cig in cigs],
        raw={"intercenter": data},
    )


_LOT_NUMBER = re.compile(r"Lotto\s+(\d+)", re.IGNORECASE)


def complete_from_detail(notice: NoticeItem, html: str, url: str) -> NoticeItem:
    """Lots (CIG, CPV, amount), award criterion and attachments from the detail page."""
    page = Selector(text=html)
    lots: list[LotItem] = []
    for line in page.css("#listacig > ul > li"):
        text = clean_text(" ".join(line.xpath(".//text()").getall())) or ""
        cigs = find_cigs(text)
        number = _LOT_NUMBER.search(text)
        amount_text = text.split("Importo", 1)[1] if "Importo" in text else None
        lots.append(LotItem(
            lot_key=number.group(1) if number else (cigs[0] if cigs else str(len(lots) + 1)),
            cig=cigs[0] if cigs else None,
            title=clean_text(text),
            cpv=find_cpv(text.split("CPV", 1)[1]) if "CPV" in text else None,
            amount=parse_amount(amount_text),
        ))
    if lots:
        notice.lots = lots
        notice.cpv = notice.cpv or next((lot.cpv for lot in lots if lot.cpv), None)
        if len(lots) == 1:
            notice.cig = notice.cig or lots[0].cig
    body = clean_text(" ".join(page.xpath("//main//text()").getall())) or ""
    criterion = re.search(r"Criterio di aggiudicazione:?\s*([^.(]+)", body, re.IGNORECASE)
    if criterion:
        notice.award_criterion = award_criterion_code(criterion.group(1))
        notice.raw["award_criterion_text"] = clean_text(criterion.group(1))
    if notice.amount is None:
        amount = re.search(r"Importo appalto\s*([\d.,]+)", body, re.IGNORECASE)
        notice.amount = parse_amount(amount.group(1)) if amount else None
    notice.documents = [
        DocumentRef(url=link, title=title)
        for link, title in document_links(page.css("#allegati"), url, also=".//li/a[@href]")
    ]
    return notice
