"""SardegnaCAT (Regione Sardegna, Jaggaer esop): the current-opportunities list and the detail page."""

from __future__ import annotations

from parsel import Selector

from crawlers.items import NoticeItem
from crawlers.parsing.italian import clean_text
from crawlers.parsing.labelled import NoticeLabels, PageContext, absolute, notice_from_labelled_page

SARDEGNA = "20"
ROWS_XPATH = '//*[@id="OpportunityListManager"]/div/section/div[2]/table/tbody[2]/tr'


def parse_list(html: str, url: str, source: str) -> list[PageContext]:
    page = Selector(text=html)
    contexts = []
    for row in page.xpath(ROWS_XPATH):
        link = row.xpath("./td[4]//a/@href").get()
        code = clean_text(row.xpath("string(./td[1])").get())
        if not link or not code:
            continue
        contexts.append(PageContext(
            source=source, source_notice_id=code, url=absolute(url, link) or url, region=SARDEGNA,
            authority=clean_text(row.xpath("string(./td[3])").get()),
            title=clean_text(row.xpath("string(./td[4])").get()),
            published_text=clean_text(row.xpath("string(./td[5])").get()),
            deadline_text=clean_text(row.xpath("string(./td[6])").get()),
            notice_type="bando", place_source="portal:sardegnacat",
            raw={"procedure": clean_text(row.xpath("string(./td[2])").get())},
        ))
    return contexts


def parse_detail(html: str, context: PageContext) -> NoticeItem:
    return notice_from_labelled_page(html, context, labels=NoticeLabels(), record_css="div.opportunity-detail dl",
                                     attachments_css="div.attachments")
