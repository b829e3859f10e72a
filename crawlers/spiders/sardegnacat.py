"""Sardegna: SardegnaCAT, the regional purchasing centre (Jaggaer "esop").

Current opportunities `/esop/guest/go/public/opportunity/current`, rows
`//*[@id="OpportunityListManager"]/div/section/div[2]/table/tbody[2]/tr` (cells: 3 authority, 4 title,
6 deadline), then each opportunity's page with its fields and attachments (SOURCES.md §3.3).
"""

from __future__ import annotations

from typing import Any

from crawlers.items import NoticeItem
from crawlers.mixins.portal import ListDetailSpider
from crawlers.parsing import sardegnacat
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy


class SardegnaCatSpider(ListDetailSpider):
    name = "sardegnacat"
    policy = CrawlPolicy(
        name="SardegnaCAT - Centrale regionale di committenza della Sardegna",
        kind="regional",
        contact="https://www.sardegnacat.it",
        notes="Jaggaer esop public opportunity list + detail pages",
    )
    default_base_url = "https://www.sardegnacat.it"
    required_fields = ("source_notice_id", "title", "deadline_at")
    list_path = "/esop/guest/go/public/opportunity/current"
    list_container = "#OpportunityListManager table"
    list_empty = "#OpportunityListManager .no-results"

    def parse_list_page(self, html: str, url: str, **context: Any) -> list[PageContext]:
        return sardegnacat.parse_list(html, url, self.name)

    def parse_detail_page(self, html: str, context: PageContext) -> NoticeItem:
        return sardegnacat.parse_detail(html, context)
