"""Veneto: bandi.regione.veneto.it, the Region's calls (avvisi, bandi, concorsi).

The server-rendered landing page `/Public/Index` lists the calls "IN SCADENZA" (`div.row-inScadenza`:
letter A/B/C = avviso/bando/concorso, `span.DtScadenza`, link `Dettaglio?idAtto=N`); each detail page
`/Public/Dettaglio?idAtto=N` gives the fields and attachments. The JSON `/Public/GetListaAttiJson`
reportedly returns nothing to bots, so it is not used (SOURCES.md §3.3; real page in the corpus).
Concorsi (job competitions) are not procurement and are skipped. PEERS.md §9 reports that robots.txt
forbids crawling (unverified): robots.txt is obeyed, so the source is then recorded robots-denied.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.mixins.portal import PortalSpider
from crawlers.parsing.veneto import ListRow, parse_detail, parse_listing
from crawlers.policy import CrawlPolicy


class RegioneVenetoSpider(PortalSpider):
    name = "regione_veneto"
    policy = CrawlPolicy(
        name="Regione del Veneto - bandi, avvisi e concorsi",
        kind="regional",
        contact="call.center@regione.veneto.it",
        notes="landing page list (IN SCADENZA) + detail pages; robots.txt reportedly forbids crawling (unverified)",
    )
    default_base_url = "https://bandi.regione.veneto.it"
    required_fields = ("source_notice_id", "title", "deadline_at")
    # Most calls are funding calls, not tenders: kept as out-of-scope rows for the analysts.
    keep_out_of_scope = True

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.url("/Public/Index"), callback=self.parse_index, errback=self.listing_failed)

    def parse_index(self, response: Response) -> Iterator[Any]:
        rows = parse_listing(response.text, response.url)
        if not self.check_listing(response, rows, container="div.row-inScadenza, a[href*='Scadenzario']"):
            return
        for row in rows:
            if row.kind == "concorso":
                self.crawler.stats.inc_value("observatory/skipped_concorsi")
                continue
            yield scrapy.Request(row.detail_url, callback=self.parse_detail, errback=self.detail_failed,
                                 cb_kwargs={"row": row})

    def parse_detail(self, response: Response, row: ListRow) -> Iterator[Any]:
        if not response.css("#dettaglioAtto, dl"):
            self.mark_broken("pagina di dettaglio senza i dati dell'atto", response.url)
            return
        yield from self.accept(parse_detail(response.text, response.url, row, self.name), response.url)
