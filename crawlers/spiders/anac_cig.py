"""ANAC open data, CIG dataset: monthly CSV zips (`;`, 61 columns, one row per CIG and CPV).

`GET https://dati.anticorruzione.it/opendata/download/dataset/cig-YYYY/filesystem/cig_csv_YYYY_MM.zip`
(../shared/SOURCES.md §1.2; real header and rows in corpus/anac_bdncp). The files are big: they are
streamed (BulkFileSpider) and out-of-scope rows are dropped before the pipelines. A month not yet
published answers 404 and is counted, not an error. ANAC's WAF rejects non-browser clients, so the
policy asks for a browser User-Agent.

A row is one CIG (a lot): notice `source_notice_id` = CIG, `procedure_key` = numero_gara. Only the
row with `flag_prevalente` = 1 (the main CPV) is used, so a CIG with several CPV rows is one notice.
Amounts, procedure, safety costs, reserved participation, duration and outcome go on the lot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from crawlers.base_spiders.bulk import BulkFileSpider
from crawlers.items import AuthorityRef, LotItem, NoticeItem
from crawlers.policy import ROME, CrawlPolicy
from kernel.streams import iter_zip_csv

LOT_EXTRAS = (
    "IMPORTO_SICUREZZA", "TIPO_APPALTO_RISERVATO", "DURATA_PREVISTA", "ESITO", "DATA_COMUNICAZIONE_ESITO", "stato",
    "settore", "oggetto_principale_contratto", "modalita_realizzazione", "STRUMENTO_SVOLGIMENTO", "FLAG_PNRR_PNC",
    "cig_accordo_quadro", "MOTIVO_CANCELLAZIONE", "DATA_CANCELLAZIONE",
)


def months(start: dt.date, end: dt.date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def decimal_or_none(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None


def date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10]) if value else None
    except ValueError:
        return None


def row_value(row: dict[str, str], name: str) -> str | None:
    """Column values; the real header mixes lower and upper case, so look both up."""
    value = row.get(name)
    if value is None:
        value = row.get(name.lower()) if name.isupper() else row.get(name.upper())
    value = (value or "").strip()
    return value or None


class AnacCigSpider(BulkFileSpider):
    name = "anac_cig"
    policy = CrawlPolicy(
        name="ANAC open data - dataset CIG (bandi)",
        kind="national",
        user_agent="browser",
        contact="https://dati.anticorruzione.it/opendata",
        concurrency=1,
        download_delay=2.0,
        notes="monthly zip files streamed to disk; WAF requires a browser User-Agent",
    )
    default_base_url = "https://dati.anticorruzione.it"

    def file_urls(self) -> Iterable[str]:
        for year, month in months(self.from_date, self.until_date):
            yield self.url(f"/opendata/download/dataset/cig-{year}/filesystem/cig_csv_{year}_{month:02d}.zip")

    def rows(self, path: Path, url: str) -> Iterable[Any]:
        return iter_zip_csv(path)

    def item_of_row(self, row: dict[str, str], url: str) -> NoticeItem | None:
        cig = row_value(row, "cig")
        if not cig:
            raise ValueError("row without cig")
        if row_value(row, "flag_prevalente") == "0":
            self.crawler.stats.inc_value("observatory/cig_secondary_cpv_rows")
            return None
        title = row_value(row, "oggetto_lotto") or row_value(row, "oggetto_gara")
        if not title:
            raise ValueError(f"CIG {cig} without object")
        cpv_raw = row_value(row, "cod_cpv")
        cpv_label = row_value(row, "descrizione_cpv")
        if cpv_label and "non disponibile" in cpv_label.lower():
            cpv_label = None
        deadline_day = date_or_none(row_value(row, "data_scadenza_offerta"))
        amount = decimal_or_none(row_value(row, "importo_lotto"))
        lot = LotItem(
            lot_key=cig,
            cig=cig,
            title=row_value(row, "oggetto_lotto"),
            cpv=cpv_raw,
            amount=amount,
            data={name: row_value(row, name) for name in LOT_EXTRAS if row_value(row, name)},
        )
        istat = row_value(row, "luogo_istat")
        return NoticeItem(
            source=self.name,
            source_notice_id=cig,
            title=title,
            notice_type="cig",
            procedure_key=row_value(row, "numero_gara"),
            description=row_value(row, "oggetto_gara"),
            procedure=row_value(row, "tipo_scelta_contraente"),
            cpv=cpv_raw,
            cpv_label=cpv_label,
            cig=cig,
            amount=amount,
            published_on=date_or_none(row_value(row, "data_pubblicazione")),
            # The dataset gives the day only: end of that day, Italian time.
            deadline_at=dt.datetime.combine(deadline_day, dt.time(23, 59), ROME) if deadline_day else None,
            authority=AuthorityRef(
                name=row_value(row, "denominazione_amministrazione_appaltante") or "",
                fiscal_code=row_value(row, "cf_amministrazione_appaltante"),
                ausa_code=row_value(row, "codice_ausa"),
            ),
            place_istat_comune=istat if istat and istat.isdigit() and len(istat) == 6 else None,
            place_province_name=row_value(row, "provincia"),
            lots=[lot],
            raw={"file": url.rsplit("/", 1)[-1], "numero_gara": row_value(row, "numero_gara")},
        )
