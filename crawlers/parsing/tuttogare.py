"""TuttoGare (Studio Amica): the gare table (`tr[id]` rows) and a gara's detail page."""

from __future__ import annotations

from parsel import Selector

from crawlers.items import NoticeItem
from crawlers.parsing.codes import award_criterion_code
from crawlers.parsing.italian import clean_text
from crawlers.parsing.labelled import NoticeLabels, PageContext, absolute, notice_from_labelled_page

LIST_PATH = "/gare/"
LABELS = NoticeLabels()


def parse_list(html: str, url: str, source: str, *, region: str | None, authority: str | None,
               fiscal_code: str | None) -> list[PageContext]:
    page = Selector(text=html)
    contexts = []
    for row in page.xpath("//tr[@id][td/a[contains(@href, '/gare/id')]]"):
        code = row.attrib["id"]
        cells = [clean_text(row.xpath(f"string(./td[{n}])").get()) for n in range(1, 7)]
        contexts.append(PageContext(
            source=source, source_notice_id=code,
            url=absolute(url, row.xpath("./td/a[contains(@href, '/gare/id')]/@href").get()) or url,
            region=region, authority=authority, fiscal_code=fiscal_code, title=cells[4], deadline_text=cells[5],
            place_source="platform:tuttogare",
            raw={"id": cells[0], "tipologia": cells[1], "criterio": cells[2], "procedure": cells[3]},
        ))
    return contexts


def parse_gara(html: str, context: PageContext) -> NoticeItem:
    notice = notice_from_labelled_page(html, context, labels=LABELS, record_css="table.dettaglio",
                                       attachments_css="#tab_allegati")
    notice.award_criterion = notice.award_criterion or award_criterion_code(context.raw.get("criterio"))
    return notice
