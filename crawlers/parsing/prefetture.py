"""Prefectures on prefettura.interno.gov.it: "Bandi di gara e contratti" listing and tender pages.

The Drupal portal publishes one page under two prefixes (aliases); the last path segment (the
bando's slug) identifies it, so the listing is deduplicated by slug.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from parsel import Selector

from crawlers.items import DocumentRef, NoticeItem
from crawlers.mixins.tenants import Tenant
from crawlers.parsing.codes import find_cigs, find_cpv
from crawlers.parsing.fields import document_links
from crawlers.parsing.italian import clean_text
from crawlers.parsing.labelled import NoticeLabels, PageContext, absolute, notice_from_labelled_page

LABELS = NoticeLabels(
    title=("Oggetto",), notice_type=("Tipologia del bando",),
    published=("Data di pubblicazione", "Data pubblicazione"), deadline=("Scadenza", "Data di scadenza"),
)


def listing_path(slug: str) -> str:
    return f"/it/prefetture/{slug}/amministrazione-trasparente/bandi-gara-e-contratti"


def bando_slug(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def parse_listing(html: str, url: str, tenant: Tenant, source: str) -> list[PageContext]:
    page = Selector(text=html)
    contexts: dict[str, PageContext] = {}
    prefix = listing_path(tenant.key) + "/"
    for link in page.xpath("//main//a[@href]"):
        href = absolute(url, link.attrib["href"]) or ""
        if prefix not in href:
            continue
        slug = bando_slug(href)
        if slug in contexts:
            continue  # the same page under its other alias
        card = link.xpath("ancestor::div[contains(@class, 'card')][1]")
        contexts[slug] = PageContext(
            source=source, source_notice_id=f"{tenant.key}/{slug}", url=href, region=tenant.region,
            authority=tenant.authority, fiscal_code=tenant.fiscal_code,
            title=clean_text(" ".join(link.xpath(".//text()").getall())),
            published_text=clean_text(" ".join(card.css(".card-text ::text").getall())) if card else None,
            notice_type=None, place_source="prefecture",
            raw={"prefettura": tenant.key, "province": tenant.province},
        )
    return list(contexts.values())


def parse_bando(html: str, context: PageContext) -> NoticeItem:
    notice = notice_from_labelled_page(html, context, labels=LABELS, record_css="article",
                                       attachments_css=".field--name-field-allegati", title_css="h1")
    page = Selector(text=html)
    if not notice.documents:  # no attachments block: files linked from the body (by extension only)
        notice.documents = [DocumentRef(url=u, title=t) for u, t in document_links(page.css("article"), context.url)]
    heading = clean_text(" ".join(page.css("article h1 ::text").getall()))
    body = clean_text(" ".join(page.css("article ::text").getall())) or ""
    subject = notice.title
    if heading:  # h1 is the short title; "Oggetto" the full subject
        notice.title, notice.description = heading, subject
    cigs = find_cigs(body)
    notice.cig = notice.cig or (cigs[0] if len(cigs) == 1 else None)
    if notice.cpv is None and "CPV" in body:
        notice.cpv = find_cpv(body.split("CPV", 1)[1])
    kind = (notice.raw.get("fields") or {}).get("tipologia del bando")
    notice.notice_type = "bando"
    notice.raw["tipologia"] = kind
    notice.raw["categoria"] = (notice.raw.get("fields") or {}).get("categoria del bando")
    return notice
