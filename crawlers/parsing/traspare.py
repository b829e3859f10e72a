"""Traspare (`<ente>.traspare.com`): the announcements list and an announcement's page."""

from __future__ import annotations

from parsel import Selector

from crawlers.items import NoticeItem
from crawlers.parsing.italian import clean_text
from crawlers.parsing.labelled import NoticeLabels, PageContext, absolute, notice_from_labelled_page

LIST_PATH = "/announcements"
LABELS = NoticeLabels()


def parse_list(html: str, url: str, source: str, *, region: str | None, authority: str | None,
               fiscal_code: str | None) -> list[PageContext]:
    page = Selector(text=html)
    contexts = []
    for card in page.css("div.announcement"):
        href = card.css(".announcement-title a::attr(href)").get()
        if not href:
            continue
        ident = href.rstrip("/").rsplit("/", 1)[-1]
        contexts.append(PageContext(
            source=source, source_notice_id=ident, url=absolute(url, href) or url, region=region,
            authority=authority, fiscal_code=fiscal_code,
            title=clean_text(" ".join(card.css(".announcement-title a ::text").getall())),
            published_text=clean_text(card.css(".announcement-date::text").get()),
            place_source="platform:traspare",
            raw={"status": clean_text(card.css(".announcement-status::text").get())},
        ))
    return contexts


def parse_announcement(html: str, context: PageContext) -> NoticeItem:
    return notice_from_labelled_page(html, context, labels=LABELS, record_css="table.announcement-data",
                                     attachments_css="div.announcement-attachments")
