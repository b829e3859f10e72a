"""Traspare (`<ente>.traspare.com`): `/announcements` list, then `/announcements/<id>` with the fields and
the documents of the procedure. PVL notices link here (`documenti_di_gara_link`), so a tender read here
and in PVL is one notice (matched on CIG by the store pipeline)."""

from __future__ import annotations

from crawlers.items import NoticeItem
from crawlers.mixins.platform import PlatformSpider
from crawlers.mixins.tenants import Tenant
from crawlers.parsing import traspare
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy


class TraspareSpider(PlatformSpider):
    name = "traspare"
    policy = CrawlPolicy(
        name="Traspare (piattaforma di più enti)",
        kind="platform",
        contact="https://www.traspare.com",
        notes="tenants in crawlers/data/tenants/traspare.yaml",
    )
    default_base_url = "https://www.traspare.com"
    tenants_family = "traspare"
    list_path = traspare.LIST_PATH
    list_container = "section.announcements-list"
    list_empty = ".announcements-empty"
    required_fields = ("source_notice_id", "title")

    def parse_list_page(self, html: str, url: str, tenant: Tenant) -> list[PageContext]:  # type: ignore[override]
        return traspare.parse_list(html, url, self.name, **self.tenant_context(tenant))

    def parse_detail_page(self, html: str, context: PageContext) -> NoticeItem:
        return traspare.parse_announcement(html, context)
