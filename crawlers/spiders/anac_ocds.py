"""ANAC OCDS compiled releases (Open Contracting mirror of publication 117): awards and contracts.

`GET https://data.open-contracting.org/en/publication/117/download?name=YYYY.jsonl.gz` -> one compiled
release per line, gzipped (../shared/SOURCES.md §1.4; real releases in corpus/anac_ocds). Years files
are big: they are streamed (BulkFileSpider) and read line by line; a malformed line is recorded and
skipped. The feed is retrospective (awarded contracts), so its value is the award per CIG: each lot's
award amount and date, suppliers and contract period/milestones become `contract_execution` rows
(source "anac_ocds") joined to notices of other sources on CIG (StorePipeline sets `canonical_id`).

Quirks handled: `tender.title` is null (the description is the title); `date` values such as
"2025-01-08 17:31:38.793T12:00:00Z"; CPV with check digit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawlers.base_spiders.bulk import BulkFileSpider
from crawlers.items import AuthorityRef, LotItem, NoticeItem
from crawlers.policy import CrawlPolicy
from kernel.streams import iter_jsonl

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def ocds_date(value: str | None) -> dt.date | None:
    match = _DATE.match(value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def ocds_datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        day = ocds_date(value)
        return dt.datetime.combine(day, dt.time(12), dt.UTC) if day else None


def amount_of(block: dict[str, Any] | None) -> Decimal | None:
    value = (block or {}).get("amount")
    return Decimal(str(value)) if value is not None else None


def procedure_title(details: str | None) -> str | None:
    if not details:
        return None
    match = re.search(r"TITLE:\s*(.+)$", details)
    return match[1].strip() if match else details


class AnacOcdsSpider(BulkFileSpider):
    name = "anac_ocds"
    policy = CrawlPolicy(
        name="ANAC OCDS (Open Contracting mirror)",
        kind="execution",
        contact="https://data.open-contracting.org/en/publication/117",
        concurrency=1,
        download_delay=2.0,
        notes="yearly gzipped JSONL of compiled releases, streamed",
    )
    default_base_url = "https://data.open-contracting.org"

    def file_urls(self) -> Iterable[str]:
        for year in range(self.from_date.year, self.until_date.year + 1):
            yield self.url(f"/en/publication/117/download?name={year}.jsonl.gz")

    def rows(self, path: Path, url: str) -> Iterable[Any]:
        return iter_jsonl(path, compressed=True)

    def item_of_row(self, release: dict[str, Any], url: str) -> NoticeItem | None:
        ocid = release["ocid"]
        tender = release.get("tender") or {}
        parties = release.get("parties") or []
        buyer = next((p for p in parties if "buyer" in (p.get("roles") or [])), None) or {}
        buyer_ref = release.get("buyer") or {}
        identifier = buyer.get("identifier") or {}
        ausa = next((a.get("id") for a in buyer.get("additionalIdentifiers") or [] if a.get("scheme") == "AUSA"), None)
        cpv_of_lot: dict[str, tuple[str | None, str | None]] = {}
        for entry in tender.get("items") or []:
            classification = entry.get("classification") or {}
            if classification.get("scheme") == "CPV":
                cpv_of_lot[entry.get("relatedLot") or entry.get("id")] = (
                    classification.get("id"), classification.get("description")
                )
        lots = []
        for lot in tender.get("lots") or []:
            cpv, _label = cpv_of_lot.get(lot["id"], (None, None))
            lots.append(LotItem(lot_key=lot["id"], cig=lot["id"], title=lot.get("description"), cpv=cpv,
                                amount=amount_of(lot.get("value")), data={"status": lot.get("status")}))
        first_cpv, first_label = next(iter(cpv_of_lot.values()), (None, None))
        title = tender.get("title") or tender.get("description") or (lots[0].title if lots else None)
        if not title:
            raise ValueError(f"{ocid} has no title or description")
        period = tender.get("tenderPeriod") or {}
        locality = (buyer.get("address") or {}).get("locality")
        return NoticeItem(
            source=self.name,
            source_notice_id=ocid,
            title=title,
            notice_type="esito" if release.get("awards") else "bando",
            procedure_key=tender.get("id"),
            description=tender.get("description"),
            procedure=procedure_title(tender.get("procurementMethodDetails")),
            cpv=first_cpv,
            cpv_label=first_label,
            cig=lots[0].cig if len(lots) == 1 else None,
            amount=amount_of(tender.get("value")),
            published_on=ocds_date(period.get("startDate")) or ocds_date(release.get("date")),
            deadline_at=ocds_datetime(period.get("endDate")),
            authority=AuthorityRef(
                name=buyer.get("name") or buyer_ref.get("name") or "",
                fiscal_code=identifier.get("id") if identifier.get("scheme") == "IT-CF" else buyer_ref.get("id"),
                ausa_code=ausa,
            ),
            place_comune_name=locality,
            lots=lots,
            executions=list(self._executions(release)),
            raw={"ocid": ocid, "id": release.get("id"), "date": release.get("date")},
        )

    def _executions(self, release: dict[str, Any]) -> Iterator[dict[str, Any]]:
        contracts = {c.get("awardID"): c for c in release.get("contracts") or []}
        for award in release.get("awards") or []:
            contract = contracts.get(award.get("id")) or {}
            period = contract.get("period") or {}
            milestones = ((contract.get("implementation") or {}).get("milestones")) or []
            for cig in award.get("relatedLots") or []:
                yield {
                    "cig": cig,
                    "awarded_amount": amount_of(award.get("value")),
                    "awarded_on": ocds_date(award.get("date")),
                    "start_on": ocds_date(period.get("startDate")) or ocds_date(contract.get("dateSigned")),
                    "end_on": ocds_date(period.get("endDate")),
                    "events": [
                        {"kind": "milestone", "date": (m.get("dateMet") or "")[:10] or None, "title": m.get("title")}
                        for m in milestones
                    ],
                    "data": {
                        "award_id": award.get("id"),
                        "award_status": award.get("status"),
                        "suppliers": [s.get("name") for s in award.get("suppliers") or []],
                        "date_signed": contract.get("dateSigned"),
                    },
                }
