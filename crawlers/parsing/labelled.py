"""A notice from a detail page whose data are label/value pairs (most Italian portals).

Each portal names its labels (`NoticeLabels`); the reading is shared: fields by label, codes found in
the values, Italian dates and amounts parsed, attachments collected from one area of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawlers.items import AuthorityRef, DocumentRef, LotItem, NoticeItem
from crawlers.parsing.codes import award_criterion_code, find_cigs, find_cpv, is_cig
from crawlers.parsing.fields import document_links, labelled_fields, pick
from crawlers.parsing.italian import clean_text, parse_amount, parse_date, parse_datetime


@dataclass(frozen=True)
class NoticeLabels:
    title: tuple[str, ...] = ("Oggetto", "Titolo")
    authority: tuple[str, ...] = ("Stazione appaltante", "Ente appaltante", "Ente", "Amministrazione aggiudicatrice")
    fiscal_code: tuple[str, ...] = ("Codice fiscale", "Codice fiscale ente", "Codice fiscale stazione appaltante", "C.F.")
    cig: tuple[str, ...] = ("CIG", "Codice CIG", "Codice identificativo gara")
    cpv: tuple[str, ...] = ("CPV", "Codice CPV")
    amount: tuple[str, ...] = ("Importo a base di gara", "Importo base asta", "Importo a base d'asta", "Importo",
                               "Importo complessivo", "Valore stimato")
    criterion: tuple[str, ...] = ("Criterio di aggiudicazione", "Criterio")
    procedure: tuple[str, ...] = ("Procedura di gara", "Procedura", "Tipo di procedura", "Scelta del contraente")
    published: tuple[str, ...] = ("Data pubblicazione", "Data di pubblicazione", "Pubblicato il")
    deadline: tuple[str, ...] = ("Termine presentazione offerte", "Data scadenza", "Scadenza",
                                 "Termine ultimo per la presentazione delle offerte", "Termine di presentazione delle offerte")
    notice_type: tuple[str, ...] = ("Tipologia", "Tipo")


@dataclass
class PageContext:
    """What the spider knows of a page before reading it (listing row, tenant)."""

    source: str
    source_notice_id: str
    url: str
    region: str | None = None
    authority: str | None = None
    fiscal_code: str | None = None
    title: str | None = None
    deadline_text: str | None = None
    published_text: str | None = None
    notice_type: str | None = "bando"
    place_source: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def notice_from_labelled_page(
    html: str,
    context: PageContext,
    *,
    labels: NoticeLabels = NoticeLabels(),
    record_css: str | None = None,
    attachments_css: str | None = None,
    attachments_also: str | None = ".//a[@href]",
    title_css: str | None = "h1",
) -> NoticeItem:
    page = Selector(text=html)
    record = page.css(record_css) if record_css else page
    fields = labelled_fields(record or page)
    title = (
        pick(fields, *labels.title)
        or (clean_text(" ".join(page.css(f"{title_css} ::text").getall())) if title_css else None)
        or context.title
        or ""
    )
    cig_values = pick(fields, *labels.cig)
    cigs = [c for c in find_cigs(cig_values) if is_cig(c)] or find_cigs(title)
    cpv = find_cpv(pick(fields, *labels.cpv))
    authority = pick(fields, *labels.authority) or context.authority
    fiscal_code = (pick(fields, *labels.fiscal_code) or context.fiscal_code or "").strip() or None
    criterion_text = pick(fields, *labels.criterion)
    documents: list[DocumentRef] = []
    if attachments_css is not None:
        area = page.css(attachments_css)
        documents = [DocumentRef(url=u, title=t) for u, t in document_links(area, context.url, also=attachments_also)]
    return NoticeItem(
        source=context.source,
        source_notice_id=context.source_notice_id,
        title=title,
        notice_type=context.notice_type or (pick(fields, *labels.notice_type) or "").lower() or None,
        procedure=pick(fields, *labels.procedure) or context.raw.get("procedure"),
        award_criterion=award_criterion_code(criterion_text),
        cpv=cpv,
        cig=cigs[0] if len(cigs) == 1 else None,
        amount=parse_amount(pick(fields, *labels.amount)),
        published_on=parse_date(pick(fields, *labels.published) or context.published_text),
        deadline_at=parse_datetime(pick(fields, *labels.deadline) or context.deadline_text),
        url=context.url,
        authority=AuthorityRef(name=authority, fiscal_code=fiscal_code, istat_region=context.region,
                               place_source=context.place_source) if authority else None,
        place_istat_region=context.region,
        lots=[LotItem(lot_key=cig, cig=cig, cpv=cpv) for cig in cigs] if len(cigs) > 1 else [],
        documents=documents,
        raw={**context.raw, "fields": fields, "award_criterion_text": criterion_text},
    )


def absolute(base: str, href: str | None) -> str | None:
    return urljoin(base, href) if href else None
