"""TuttoGare (Studio Amica, `<ente>.tuttogare.it`): the gare table (`tr[id]`: id, tipologia, criterio,
procedura, oggetto -> `/gare/id<codice>-dettaglio`, scadenza), then the gara's page with its fields and
the attachments of `#tab_allegati`."""

from __future__ import annotations

from crawlers.items import NoticeItem
from crawlers.mixins.platform import PlatformSpider
from crawlers.mixins.tenants import Tenant
from crawlers.parsing import tuttogare
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy


class TuttoGareSpider(PlatformSpider):
    name = "tuttogare"
    policy = CrawlPolicy(
        name="TuttoGare (piattaforma di più enti)",
        kind="platform",
        contact="https://www.tuttogare.it",
        notes="tenants in crawlers/data/tenants/tuttogare.yaml",
    )
    default_base_url = "https://www.tuttogare.it"
    tenants_family = "tuttogare"
    list_path = tuttogare.LIST_PATH
    list_container = "table#gare, table.elenco"
    list_empty = "//table[@id='gare']//td[contains(., 'Nessuna gara')]"
    required_fields = ("source_notice_id", "title", "deadline_at")

    def parse_list_page(self, html: str, url: str, tenant: Tenant) -> list[PageContext]:  # type: ignore[override]
        return tuttogare.parse_list(html, url, self.name, **self.tenant_context(tenant))

    def parse_detail_page(self, html: str, context: PageContext) -> NoticeItem:
        return tuttogare.parse_gara(html, context)
