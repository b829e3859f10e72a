"""START (Regione Toscana): the initiatives list and the tender detail page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from crawlers.items import AuthorityRef, DocumentRef, LotItem, NoticeItem
from crawlers.parsing.codes import award_criterion_code, find_cigs, find_cpv
from crawlers.parsing.fields import document_links, labelled_fields, pick
from crawlers.parsing.italian import clean_text, parse_amount, parse_date, parse_datetime

TOSCANA = "09"


@dataclass
class ListRow:
    protocol_id: str
    title: str
    detail_url: str
    authority: str | None
    amount_text: str | None
    contract_type: str | None


def parse_list(html: str, url: str) -> list[ListRow]:
    page = Selector(text=html)
    rows = []
    for row in page.xpath("//tr[td[contains(concat(' ', @class, ' '), ' subject ')]]"):
        link = row.css("td.subject > a")
        if not link:
            continue
        protocol = clean_text(row.css("span.protocolId::text").get())
        detail = link.attrib.get("href", "")
        rows.append(ListRow(
            protocol_id=protocol or detail,
            title=clean_text(" ".join(link.css("::text").getall())) or "",
            detail_url=urljoin(url, detail),
            authority=clean_text(row.css("span.organizationUnit::text").get()),
            amount_text=clean_text(row.css("td.amount::text").get()),
            contract_type=clean_text(row.css("td.contractType::text").get()),
        ))
    return rows


def parse_detail(html: str, url: str, row: ListRow, source: str) -> NoticeItem:
    page = Selector(text=html)
    fields = labelled_fields(page)
    title = clean_text(" ".join(page.css("h1.tender-title ::text").getall())) or row.title
    description = clean_text(" ".join(page.css("div.tender-description ::text").getall()))
    authority_name = pick(fields, "Ente", "Stazione appaltante") or row.authority
    lots = []
    for index, lot in enumerate(page.css("li.lot-item-container"), start=1):
        cig_text = clean_text(" ".join(lot.css("div.cig ::text").getall()))
        cigs = find_cigs(cig_text)
        lots.append(LotItem(lot_key=str(index), cig=cigs[0] if cigs else None,
                            title=clean_text(" ".join(lot.css("div.lot-title ::text").getall()))))
    criterion_text = pick(fields, "Criterio di aggiudicazione")
    documents = [
        # every link of the attachments box is a document, whatever its extension
        DocumentRef(url=u, title=t) for u, t in document_links(page.css("div.list-detail-view.sortable"), url, also=".//a[@href]")
    ]
    return NoticeItem(
        source=source,
        source_notice_id=row.protocol_id,
        title=title,
        notice_type="bando",
        description=description,
        procedure=pick(fields, "Scelta del contraente"),
        award_criterion=award_criterion_code(criterion_text),
        cpv=find_cpv(description),
        cig=lots[0].cig if len(lots) == 1 else None,
        amount=parse_amount(pick(fields, "Importo (al netto dell'IVA)", "Importo")) or parse_amount(row.amount_text),
        published_on=parse_date(pick(fields, "Data pubblicazione")),
        deadline_at=parse_datetime(pick(fields, "Data scadenza", "Termine presentazione offerte")),
        url=url,
        authority=AuthorityRef(name=authority_name, istat_region=TOSCANA, place_source="portal:start")
        if authority_name else None,
        place_istat_region=TOSCANA,
        lots=lots,
        documents=documents,
        raw={
            "protocol_id": row.protocol_id,
            "award_criterion_text": criterion_text,
            "safety_costs": pick(fields, "Costi di sicurezza non soggetti a ribasso (al netto dell'IVA)"),
            "rup": pick(fields, "Responsabile unico del procedimento"),
            "contract_type": row.contract_type,
        },
    )
