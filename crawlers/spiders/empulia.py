"""Puglia: EmPULIA, the regional e-procurement platform (SharePoint).

"Bandi di gara" table `/tno-a/empulia/Empulia/SitePages/Bandi%20di%20gara%20new.aspx` (cells: 2 title and
authority, 5 deadline "dd/mm/yyyy hh:mm", 6 registry id, 7 link to
`New_Dettaglio%20Consultazione.aspx?getdettaglio=yes&bando=<id>&tipobando=…`), then the detail page with
its fields, single files and the "#DownloadAllegati" zip of all attachments (SOURCES.md §3.3).
"""

from __future__ import annotations

from typing import Any

from crawlers.items import NoticeItem
from crawlers.mixins.portal import ListDetailSpider
from crawlers.parsing import empulia
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy


class EmpuliaSpider(ListDetailSpider):
    name = "empulia"
    policy = CrawlPolicy(
        name="EmPULIA - Regione Puglia",
        kind="regional",
        contact="http://www.empulia.it",
        notes="SharePoint table of open calls + detail pages; attachments also as one zip",
    )
    default_base_url = "http://www.empulia.it"
    required_fields = ("source_notice_id", "title", "deadline_at")
    list_path = "/tno-a/empulia/Empulia/SitePages/Bandi%20di%20gara%20new.aspx"
    list_container = "table#tblBandi, table.ms-listviewtable"
    list_empty = "//table[@id='tblBandi']//td[contains(., 'Nessun')]"

    def parse_list_page(self, html: str, url: str, **context: Any) -> list[PageContext]:
        return empulia.parse_list(html, url, self.name)

    def parse_detail_page(self, html: str, context: PageContext) -> NoticeItem:
        return empulia.parse_detail(html, context)
