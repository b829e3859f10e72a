"""Maggioli PortaleAppalti: hundreds of authorities run it (comuni, Regione Siciliana, MIT, ...).

Per tenant: `/PortaleAppalti/it/ppgare_bandi_lista.wp` (records `div.list-item`, label/value rows, the
"Visualizza scheda" link), then the procedure's scheda with its fields and
`downloadDocumentoPubblico.action` documents (SOURCES.md §3.2.2). The platform's robots.txt reportedly
forbids every agent except Googlebot/Bingbot (PEERS.md §9): such tenants are recorded robots-denied,
not crawled; the national feeds (PVL `documenti_di_gara_link`) cover their tenders.
"""

from __future__ import annotations

from crawlers.items import NoticeItem
from crawlers.mixins.platform import PlatformSpider
from crawlers.mixins.tenants import Tenant
from crawlers.parsing import portaleappalti
from crawlers.parsing.labelled import PageContext
from crawlers.policy import CrawlPolicy


class PortaleAppaltiSpider(PlatformSpider):
    name = "portaleappalti"
    policy = CrawlPolicy(
        name="Maggioli PortaleAppalti (piattaforma di più enti)",
        kind="platform",
        contact="https://www.maggioli.it",
        notes="tenants in crawlers/data/tenants/portaleappalti.yaml; robots.txt often denies all but search engines",
    )
    default_base_url = "https://portaleappalti.mit.gov.it"
    tenants_family = "portaleappalti"
    list_path = portaleappalti.LIST_PATH
    list_container = "form, div.list-summary"
    list_empty = "//div[@class='list-summary'][contains(., ' 0 risultati')]"
    required_fields = ("source_notice_id", "title", "deadline_at")

    def parse_list_page(self, html: str, url: str, tenant: Tenant) -> list[PageContext]:  # type: ignore[override]
        return portaleappalti.parse_list(html, url, self.name, **self.tenant_context(tenant))

    def parse_detail_page(self, html: str, context: PageContext) -> NoticeItem:
        return portaleappalti.parse_scheda(html, context)
