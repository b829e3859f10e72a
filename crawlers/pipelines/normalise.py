"""NormalisePipeline: validate an item and put its values in the shapes the database expects.

- `source_notice_id` and `title` are required: an item without them is dropped and recorded
  ("invalid_item") on the run record.
- CIG: 10 upper-case alphanumerics, else dropped from the field (kept in `raw`) with a warning count.
- CPV: 8 digits without check digit; a label without code is mapped through the CPV label map.
- Datetimes must be aware (naive ones are taken as Europe/Rome, as Italian portals print them).
- Place names (province, comune) become ISTAT codes and region through kernel.territory; the
  authority inherits the place when it has none, with `place_source` saying how it was found.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from scrapy.exceptions import DropItem

from crawlers.items import NoticeItem
from crawlers.policy import ROME
from crawlers.scope import cpv_code, scope_for

CIG_RE = re.compile(r"^[A-Z0-9]{10}$")


def clean_cig(value: str | None) -> str | None:
    if not value:
        return None
    cig = re.sub(r"\s+", "", str(value)).upper()
    return cig if CIG_RE.match(cig) else None


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ROME)


def money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount >= 0 else None


def resolve_place(item: NoticeItem) -> None:
    """Province/comune names or NUTS -> ISTAT comune and region (kernel.territory)."""
    from kernel import territory

    if item.place_comune_name and not item.place_istat_comune:
        found = territory.comune(item.place_comune_name, item.place_province_name)
        if found is None and item.place_province_name:
            found = territory.comune(item.place_comune_name)
        if found is not None:
            item.place_istat_comune = found.code
            item.place_istat_region = item.place_istat_region or found.region
    if item.place_istat_comune and not item.place_istat_region:
        found = territory.comune(item.place_istat_comune)
        item.place_istat_region = found.region if found else None
    if not item.place_istat_region and item.place_province_name:
        item.place_istat_region = territory.region_of_province(item.place_province_name)
    if not item.place_istat_region and item.place_nuts:
        item.place_istat_region = territory.region_of_nuts(item.place_nuts)
    authority = item.authority
    if authority is None:
        return
    if authority.istat_comune and not authority.istat_region:
        found = territory.comune(authority.istat_comune)
        if found is not None:
            authority.istat_province, authority.istat_region = found.province, found.region
            authority.place_source = authority.place_source or "istat"
    if not authority.istat_region and authority.nuts:
        authority.istat_region = territory.region_of_nuts(authority.nuts)
        if authority.istat_region:
            authority.place_source = authority.place_source or "nuts"
    if not authority.istat_region and not authority.is_national and item.place_istat_region:
        authority.istat_region = item.place_istat_region
        if item.place_istat_comune:
            authority.istat_comune = authority.istat_comune or item.place_istat_comune
            found = territory.comune(item.place_istat_comune)
            authority.istat_province = authority.istat_province or (found.province if found else None)
        authority.place_source = authority.place_source or "place of performance"


class NormalisePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: NoticeItem) -> NoticeItem:
        if not isinstance(item, NoticeItem):
            return item  # DocumentRetry: for the documents pipeline only
        spider = self.crawler.spider
        item.source_notice_id = str(item.source_notice_id or "").strip()
        item.title = " ".join(str(item.title or "").split())
        if not item.source_notice_id or not item.title:
            spider.record_error("invalid_item", item.url, "missing source_notice_id or title")
            raise DropItem("invalid item: missing source_notice_id or title")
        item.source = spider.name
        if item.cig and not clean_cig(item.cig):
            self.crawler.stats.inc_value("observatory/invalid_cig")
            item.raw.setdefault("_invalid_cig", item.cig)
        item.cig = clean_cig(item.cig)
        item.cpv = cpv_code(item.cpv) or scope_for(self.crawler.settings).code_for_label(item.cpv_label)
        item.amount = money(item.amount)
        item.deadline_at = aware(item.deadline_at)
        for lot in item.lots:
            lot.cig = clean_cig(lot.cig)
            lot.cpv = cpv_code(lot.cpv)
            lot.amount = money(lot.amount)
            lot.lot_key = str(lot.lot_key)[:64]
        executions = []
        for execution in item.executions:
            cig = clean_cig(execution.get("cig"))
            if cig:
                executions.append({**execution, "cig": cig, "awarded_amount": money(execution.get("awarded_amount"))})
        item.executions = executions
        if item.cig is None:
            lot_cigs = [lot.cig for lot in item.lots if lot.cig]
            item.cig = lot_cigs[0] if len(lot_cigs) == 1 else None
        if item.authority is not None:
            item.authority.name = " ".join((item.authority.name or "").split()) or "(senza nome)"
            code = re.sub(r"\s+", "", item.authority.fiscal_code or "")
            item.authority.fiscal_code = code if re.fullmatch(r"[0-9A-Z]{11,16}", code.upper()) else None
        resolve_place(item)
        return item
