"""Regione Lombardia: open data of the regional procurement observatory (SINTEL/ARIA).

Socrata dataset k6cb-4hbm "Bandi di gara - Osservatorio Regionale" (CC0), `GET /resource/k6cb-4hbm.json`
with SODA paging (`$limit`/`$offset`), ordered and filtered on `data_pubblicazione`. One row per lot:
rows of one `codice_bando` become one notice with its lots (SOURCES.md §3.3; real records in
corpus/regioni). The dataset has no attachments: documents come from the same tender in the national
feed (matched on CIG by the store pipeline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.base_spiders.api import JsonApiSpider, Window
from crawlers.parsing.lombardia import DATASET, group_rows, notice_from_rows
from crawlers.policy import CrawlPolicy

PAGE_SIZE = 1000
# data_pubblicazione is missing on many real rows (10 of the 15 in the corpus): not required, and
# rows without it are asked for on every run (they are unchanged rows after the first time).
REQUIRED_KEYS = ("codice_bando", "oggetto_dell_appalto")


class RegioneLombardiaSpider(JsonApiSpider):
    name = "regione_lombardia"
    policy = CrawlPolicy(
        name="Regione Lombardia - Osservatorio regionale contratti pubblici (open data SINTEL)",
        kind="regional",
        contact="https://www.dati.lombardia.it",
        download_delay=1.0,
        notes="Socrata SODA API, CC0; no attachments in the dataset (documents via the national feeds)",
    )
    default_base_url = "https://dati.lombardia.it"
    # The observatory publishes few records a day: keep them all, in scope or not, so widening the
    # scope later needs no re-crawl.
    keep_out_of_scope = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[dict[str, Any]] = []

    @property
    def dataset_url(self) -> str:
        return self.url(f"/resource/{DATASET}.json")

    def page_request(self, window: Window, page: int) -> scrapy.Request:
        start, end = window
        query = {
            "$limit": PAGE_SIZE,
            "$offset": page * PAGE_SIZE,
            "$order": "data_pubblicazione,codice_bando,n_lotto",
            "$where": (
                f"(data_pubblicazione >= '{start.isoformat()}T00:00:00' "
                f"AND data_pubblicazione < '{(end + dt.timedelta(days=1)).isoformat()}T00:00:00') "
                "OR data_pubblicazione IS NULL"
            ),
        }
        return scrapy.Request(f"{self.dataset_url}?{urlencode(query)}", headers={"Accept": "application/json"})

    def parse_data(self, data: Any, window: Window, page: int, response: Response) -> Iterable[Any]:
        if not isinstance(data, list):
            self.mark_broken("la risposta SODA non è un elenco di righe", response.url)
            return
        for row in data:
            missing = [key for key in REQUIRED_KEYS if not row.get(key)]
            if missing:
                self.mark_broken(f"righe senza {', '.join(missing)}", response.url)
                return
        self.rows.extend(data)
        if len(data) < PAGE_SIZE:  # last page: a procedure's lots are all in
            for code, rows in group_rows(self.rows).items():
                yield from self.emit(notice_from_rows(code, rows, self.name, self.dataset_url))
            self.rows = []

    def next_page(self, data: Any, window: Window, page: int) -> int | None:
        return page + 1 if isinstance(data, list) and len(data) == PAGE_SIZE else None
