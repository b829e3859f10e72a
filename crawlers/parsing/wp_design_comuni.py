"""WordPress "Design Comuni Italia": REST list of post type `bando`, and the bando's HTML page."""

from __future__ import annotations

import html as html_lib
import json
from typing import Any

from parsel import Selector

from crawlers.items import NoticeItem
from crawlers.parsing.labelled import NoticeLabels, PageContext, notice_from_labelled_page

REST_PATH = "/wp-json/wp/v2/bando"
LABELS = NoticeLabels(
    authority=("Struttura proponente",), fiscal_code=("Codice fiscale SA", "Codice fiscale"),
    amount=("Importo", "Importo di aggiudicazione", "Importo a base di gara"),
    procedure=("Procedura di scelta del contraente", "Procedura"),
    published=("Data inizio", "Data di pubblicazione"), deadline=("Data fine", "Scadenza"),
)


def parse_rest(text: str | bytes) -> list[dict[str, Any]]:
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("not a WordPress REST list")
    return data


def context_of(post: dict[str, Any], source: str, tenant_key: str, *, region: str | None, authority: str | None,
               fiscal_code: str | None) -> PageContext:
    title = html_lib.unescape((post.get("title") or {}).get("rendered") or "")
    return PageContext(
        source=source, source_notice_id=f"{tenant_key}:{post.get('id')}", url=post.get("link") or "",
        region=region, authority=authority, fiscal_code=fiscal_code, title=title or None,
        published_text=post.get("date"), place_source="platform:wp_design_comuni",
        raw={"wp_id": post.get("id"), "slug": post.get("slug")},
    )


def parse_bando(html: str, context: PageContext) -> NoticeItem:
    notice = notice_from_labelled_page(html, context, labels=LABELS, record_css="#dettagli", attachments_css="#allegati")
    page = Selector(text=html)
    # `link_piattaforma`: where the documents are when the page has none of its own.
    platform = page.xpath("//*[@id='dettagli']//a[contains(translate(., 'PIATTAFORMA', 'piattaforma'), 'piattaforma')]/@href").get()
    if platform:
        notice.raw["link_piattaforma"] = platform
        if not notice.documents:
            notice.documents_url = platform
    # The page prints the office ("Comune di X - Settore ..."); the tenant names the authority.
    if notice.authority and context.authority:
        notice.raw["struttura_proponente"] = notice.authority.name
        notice.authority.name = context.authority
    return notice
