"""TED: the EU's Tenders Electronic Daily, search API v3 + the eForms XML of each notice.

`POST https://api.ted.europa.eu/v3/notices/search` with an expert query (buyer country ITA, the
care CPVs, publication-date window), PAGE_NUMBER paging (../shared/SOURCES.md §2.1). Each search
hit whose CPVs are in scope is followed to its eForms XML (`links.xml.MUL`), parsed without entity
expansion (crawlers.eforms): lots, CPV, value, deadline, buyer NUTS, award criteria with weights
(BT-539/BT-541), reserved participation (BT-71), social objective (BT-775), performance terms
(BT-70) and document links (BT-15). An XML that cannot be fetched or is refused (entity bomb) is
recorded; the notice is kept with what the search gave.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.base_spiders.api import JsonApiSpider, Window
from crawlers.eforms import EformsNotice, MalformedXmlError, UnsafeXmlError, parse_notice
from crawlers.items import AuthorityRef, LotItem, NoticeItem
from crawlers.policy import CrawlPolicy
from crawlers.scope import CARE_PREFIXES, load_social_codes

PAGE_LIMIT = 100
FIELDS = [
    "publication-number", "notice-title", "buyer-name", "buyer-country", "buyer-city", "classification-cpv",
    "estimated-value-proc", "estimated-value-cur-proc", "deadline-receipt-tender-date-lot", "publication-date",
    "document-url-lot", "notice-type", "links",
]
KIND_TO_TYPE = {"ContractNotice": "bando", "ContractAwardNotice": "esito", "PriorInformationNotice": "preinformazione"}


def lang_value(value: Any) -> str | None:
    """TED multilingual maps ({"ita": ["..."]}) -> Italian, else English, else any."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((str(v) for v in value if v), None)
    if isinstance(value, dict):
        for lang in ("ita", "ITA", "eng", "ENG"):
            if value.get(lang):
                return lang_value(value[lang])
        return next((lang_value(v) for v in value.values() if v), None)
    return None


def expert_query(start: Any, end: Any) -> str:
    codes = sorted(load_social_codes())
    prefixes = [f"{p}*" for p in CARE_PREFIXES if len(p) < 8]
    cpvs = ", ".join([*prefixes, *codes])
    return (
        f"buyer-country=ITA AND classification-cpv IN ({cpvs}) AND publication-date>={start:%Y%m%d} "
        f"AND publication-date<={end:%Y%m%d} SORT BY publication-date ASC"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class TedSpider(JsonApiSpider):
    name = "ted"
    policy = CrawlPolicy(
        name="TED - Tenders Electronic Daily (search API v3)",
        kind="national",
        contact="https://docs.ted.europa.eu/api/latest/index.html",
        concurrency=2,
        download_delay=1.0,
        notes="anonymous search API; eForms XML per notice",
    )
    default_base_url = "https://api.ted.europa.eu"
    first_page = 1

    def page_request(self, window: Window, page: int) -> scrapy.Request:
        body = {
            "query": expert_query(*window),
            "fields": FIELDS,
            "page": page,
            "limit": PAGE_LIMIT,
            "scope": "ALL",
            "paginationMode": "PAGE_NUMBER",
            "checkQuerySyntax": False,
        }
        return scrapy.Request(
            self.url("/v3/notices/search"), method="POST", body=json.dumps(body),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )

    def next_page(self, data: Any, window: Window, page: int) -> int | None:
        return page + 1 if page * PAGE_LIMIT < int(data.get("totalNoticeCount") or 0) else None

    def parse_data(self, data: Any, window: Window, page: int, response: Response) -> Iterable[Any]:
        for record in data["notices"]:
            number = record.get("publication-number")
            if not number:
                self.record_error("malformed_record", response.url, "search hit without publication-number")
                continue
            item = self.search_item(record)
            self.decide_scope(item)
            xml_url = ((record.get("links") or {}).get("xml") or {}).get("MUL")
            if not item.in_scope or not xml_url:
                yield from self.emit(item)
                continue
            yield scrapy.Request(
                xml_url, callback=self.parse_xml, errback=self.xml_failed, cb_kwargs={"item": item}, dont_filter=True,
            )

    def search_item(self, record: dict[str, Any]) -> NoticeItem:
        number = record["publication-number"]
        cpvs = [c for c in record.get("classification-cpv") or [] if c]
        in_scope_cpv = next((c for c in cpvs if self.scope.decide(c).in_scope), None)
        links = record.get("links") or {}
        html = links.get("html") or {}
        published = (record.get("publication-date") or "")[:10]
        documents = record.get("document-url-lot") or []
        return NoticeItem(
            source=self.name,
            source_notice_id=number,
            title=lang_value(record.get("notice-title")) or number,
            cpv=in_scope_cpv or (cpvs[0] if cpvs else None),
            amount=Decimal(str(record["estimated-value-proc"])) if record.get("estimated-value-proc") else None,
            currency=record.get("estimated-value-cur-proc") or "EUR",
            published_on=_date(published),
            url=html.get("ITA") or html.get("ENG") or next(iter(html.values()), None),
            documents_url=documents[0] if documents else None,
            authority=AuthorityRef(name=lang_value(record.get("buyer-name")) or "(acquirente non indicato)"),
            raw={"search": {k: v for k, v in record.items() if k != "links"}},
        )

    def parse_xml(self, response: Response, item: NoticeItem) -> Iterator[Any]:
        try:
            notice = parse_notice(response.body)
        except UnsafeXmlError as exc:
            self.record_error("xml_unsafe", response.url, str(exc), blocking=False, notice=item.source_notice_id)
            item.raw["xml_error"] = str(exc)
        except MalformedXmlError as exc:
            self.record_error("xml_malformed", response.url, str(exc), blocking=False, notice=item.source_notice_id)
            item.raw["xml_error"] = str(exc)
        else:
            self.merge(item, notice)
        yield from self.emit(item)

    def xml_failed(self, failure: Failure) -> Iterator[Any]:
        from crawlers.failures import failure_reason

        item: NoticeItem = failure.request.cb_kwargs["item"]
        reason = failure_reason(failure)
        self.record_error(f"xml_{reason.split(':')[0]}", failure.request.url, reason, blocking=False,
                          notice=item.source_notice_id)
        item.raw["xml_error"] = reason
        yield from self.emit(item)

    def merge(self, item: NoticeItem, notice: EformsNotice) -> None:
        item.notice_type = KIND_TO_TYPE.get(notice.kind, notice.kind)
        item.procedure_key = notice.procedure_id
        item.title = notice.title or item.title
        item.description = notice.description
        item.procedure = notice.procedure_code
        item.cpv = notice.cpv or item.cpv
        item.amount = notice.amount if notice.amount is not None else item.amount
        item.currency = notice.currency or item.currency
        item.published_on = item.published_on or notice.issue_date
        deadlines = [lot.deadline_at for lot in notice.lots if lot.deadline_at]
        item.deadline_at = min(deadlines) if deadlines else None
        item.award_criterion = next((lot.award_criterion for lot in notice.lots if lot.award_criterion), None)
        fiscal = notice.buyer_id if notice.buyer_id and notice.buyer_id.isdigit() and len(notice.buyer_id) == 11 else None
        item.authority = AuthorityRef(
            name=notice.buyer_name or (item.authority.name if item.authority else ""),
            fiscal_code=fiscal,
            nuts=notice.buyer_nuts if notice.buyer_nuts and notice.buyer_country == "ITA" else None,
        )
        item.place_nuts = (notice.buyer_nuts or "")[:5] or None
        item.lots = [
            LotItem(
                lot_key=lot.lot_id,
                title=lot.title,
                cpv=lot.cpv,
                amount=lot.amount,
                award_criterion=lot.award_criterion,
                data=_plain({
                    "deadline_at": lot.deadline_at.isoformat() if lot.deadline_at else None,
                    "award_criteria": lot.award_criteria,
                    "technical_points": lot.points({"quality"}),
                    "economic_points": lot.points({"price", "cost"}),
                    "reserved_participation": lot.reserved_participation,
                    "social_objectives": lot.social_objectives,
                    "strategic_procurement": lot.strategic_procurement,
                    "performance_terms": lot.performance_terms,
                }),
            )
            for lot in notice.lots
        ]
        item.raw.update({"eforms": {"subtype": notice.subtype, "notice_type": notice.notice_type,
                                    "notice_id": notice.notice_id, "buyer_country": notice.buyer_country}})
        documents = notice.documents
        if documents and not item.documents_url:
            item.documents_url = documents[0]
        item.in_scope = None  # decide again with the XML's CPVs
        self.decide_scope(item)


def _date(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
