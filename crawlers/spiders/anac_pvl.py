"""ANAC Pubblicità a valore legale (PVL): the national feed of every notice since 1 January 2024.

`GET /api/v0/avvisi?page=N&size=100&sortField=dataPubblicazione&sortDirection=asc
&dataPubblicazioneStart=DD/MM/YYYY&dataPubblicazioneEnd=DD/MM/YYYY` -> Spring page
`{content, totalPages, totalElements, size, number}` (../shared/SOURCES.md §1.6; real items in
corpus/anac_pvl). Queried one week-window at a time, pages in order.

Each item: `idAvviso` (the notice), `idAppalto` (the procedure: links avviso, rettifiche and results),
`tipo`, `codiceScheda`, `template[0].template` with sections A (authority: fiscal code, name),
B (documenti_di_gara_link, procedure) and C (lots: CIG, Italian CPV *label*, estimated value, place
as province name `luogo_nuts` and comune name `luogo_istat`, deadline `termine_ricezione` or
`termine_invito`). Obscured notices (`oscurato`) are skipped and counted. A listing entry that comes
without its template is completed from the detail endpoint `GET /api/v0/avvisi/{idAvviso}`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.base_spiders.api import DateWindowSpider, Window
from crawlers.items import AuthorityRef, LotItem, NoticeItem
from crawlers.policy import ROME, CrawlPolicy

PAGE_SIZE = 100
PVL_START = dt.date(2024, 1, 1)
PUBLIC_SITE = "https://pubblicitalegale.anticorruzione.it"
# luogo_nuts holds a province name, or a country/"ITALIA" when the place is not a province.
NOT_A_PROVINCE = {"ITALIA", "ITALY", "ESTERO"}


def parse_instant(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ROME)


def sections(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    templates = record.get("template") or []
    body = (templates[0].get("template") if templates else None) or {}
    named = {section.get("name", "")[:6]: section for section in body.get("sections") or []}
    named["metadata"] = body.get("metadata") or {}
    return named


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


class AnacPvlSpider(DateWindowSpider):
    name = "anac_pvl"
    policy = CrawlPolicy(
        name="ANAC - Pubblicità a valore legale",
        kind="national",
        contact="https://pubblicitalegale.anticorruzione.it",
        concurrency=1,
        download_delay=1.0,
        notes="JSON API without key; one week per window, 100 notices per page",
    )
    default_base_url = "https://pubblicitalegale.anticorruzione.it"
    window_days = 7

    def all_windows(self) -> list[Window]:
        # PVL publishes from 1 January 2024 (d.lgs. 36/2023 digitalisation): nothing to ask before.
        if self.from_date < PVL_START:
            self.from_date = min(PVL_START, self.until_date)
        return super().all_windows()

    def page_request(self, window: Window, page: int) -> scrapy.Request:
        start, end = window
        query = {
            "page": page,
            "size": PAGE_SIZE,
            "sortField": "dataPubblicazione",
            "sortDirection": "asc",
            "dataPubblicazioneStart": start.strftime("%d/%m/%Y"),
            "dataPubblicazioneEnd": end.strftime("%d/%m/%Y"),
        }
        return scrapy.Request(self.url("/api/v0/avvisi?" + urlencode(query)), headers={"Accept": "application/json"})

    def next_page(self, data: Any, window: Window, page: int) -> int | None:
        return page + 1 if page + 1 < int(data.get("totalPages") or 0) else None

    def parse_data(self, data: Any, window: Window, page: int, response: Response) -> Iterable[Any]:
        content = data["content"]
        if not isinstance(content, list):
            raise TypeError("content is not a list")
        for record in content:
            if record.get("oscurato"):
                self.crawler.stats.inc_value("observatory/pvl_obscured")
                continue
            if not sections(record).get("SEZ. C") and record.get("idAvviso"):
                # A listing entry without its template (seen for notices still being indexed): ask
                # the detail endpoint for the full record.
                yield scrapy.Request(
                    self.url(f"/api/v0/avvisi/{record['idAvviso']}"), callback=self.parse_detail,
                    errback=self.record_failure, headers={"Accept": "application/json"}, dont_filter=True,
                )
                continue
            yield from self.record_to_items(record, response.url)

    def parse_detail(self, response: Response) -> Iterable[Any]:
        self.crawler.stats.inc_value("observatory/pvl_details")
        try:
            record = json.loads(response.body)
        except ValueError as exc:
            self.record_error("malformed_json", response.url, str(exc)[:200])
            return
        yield from self.record_to_items(record, response.url)

    def record_to_items(self, record: dict[str, Any], url: str) -> Iterable[Any]:
        try:
            item = self.item_of(record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.record_error("malformed_record", url, repr(exc)[:200], notice=record.get("idAvviso"))
            return
        if item is None:
            self.record_error("malformed_record", url, "no title, description or lot", notice=record.get("idAvviso"))
            return
        yield from self.emit(item)

    def item_of(self, record: dict[str, Any]) -> NoticeItem | None:
        notice_id = record["idAvviso"]
        parts = sections(record)
        authority_fields = (parts.get("SEZ. A") or {}).get("fields") or {}
        general = (parts.get("SEZ. B") or {}).get("fields") or {}
        objects = (parts.get("SEZ. C") or {}).get("items") or []
        metadata = parts["metadata"]
        lots = list(self._lots(objects))
        first = objects[0] if objects else {}
        title = metadata.get("titolo") or metadata.get("descrizione") or first.get("descrizione")
        if not title:
            return None
        subjects = authority_fields.get("soggetti_sa") or []
        authority = None
        if subjects:
            authority = AuthorityRef(
                name=subjects[0].get("denominazione_amministrazione") or "",
                fiscal_code=subjects[0].get("codice_fiscale"),
            )
        deadline = parse_instant(first.get("termine_ricezione") or first.get("termine_invito")) or parse_instant(
            record.get("dataScadenza")
        )
        published = parse_instant(record.get("dataPubblicazione"))
        amounts = [lot.amount for lot in lots if lot.amount is not None]
        province = (first.get("luogo_nuts") or "").strip() or None
        if province and province.upper() in NOT_A_PROVINCE:
            province = None
        comune = (first.get("luogo_istat") or "").strip() or None
        documents_url = general.get("documenti_di_gara_link") or first.get("documenti_di_gara_link")
        raw = {k: v for k, v in record.items() if k not in ("template", "score", "scoreDetails")}
        raw["template"] = [{k: v for k, v in t.items() if k not in ("score", "scoreDetails", "paginationToken")}
                           for t in record.get("template") or []]
        return NoticeItem(
            source=self.name,
            source_notice_id=notice_id,
            title=title,
            notice_type="rettifica" if record.get("tipo") == "rettifica" else (record.get("tipo") or "avviso"),
            procedure_key=record.get("idAppalto"),
            description=metadata.get("descrizione"),
            procedure=general.get("tipo_procedura_aggiudicazione"),
            cpv=lots[0].cpv if lots else None,
            cpv_label=first.get("cpv"),
            cig=lots[0].cig if len(lots) == 1 else None,
            amount=sum(amounts) if amounts else None,
            published_on=published.astimezone(ROME).date() if published else None,
            deadline_at=deadline,
            url=f"{PUBLIC_SITE}/bandi/{notice_id}",  # the public page, whatever API host was crawled
            documents_url=documents_url if documents_url and documents_url.startswith("http") else None,
            authority=authority,
            place_province_name=province,
            place_comune_name=comune,
            lots=lots,
            raw=raw,
        )

    def _lots(self, objects: list[dict[str, Any]]) -> Iterator[LotItem]:
        for index, obj in enumerate(objects, 1):
            if obj.get("tipo_oggetto") not in (None, "lotto"):
                continue
            label = obj.get("cpv")
            yield LotItem(
                lot_key=obj.get("cig") or str(index),
                cig=obj.get("cig"),
                title=obj.get("descrizione"),
                cpv=self.scope.code_for_label(label),
                amount=_decimal(obj.get("valore_complessivo_stimato")),
                data={k: obj[k] for k in ("cpv", "natura_principale", "luogo_nuts", "luogo_istat", "motivazione_modifica") if obj.get(k)},
            )
