"""From an act's tariff tables (`extract.tariffs.read_tariff_tables`) to tariff records.

Figures read by the extractor in the act itself are `verified`, each with the page and the row it came from.
The staff standard is attached only when the act prices one service type (an act covering several services
with one standard cannot say which service it belongs to); the hourly costs the act assumed belong to every
tariff of the act. A row whose service matches no type of the controlled list is skipped and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accreditation import services
from accreditation.records import ImportFileError, TariffRecord, record_from_mapping
from extract.errors import ExtractionError
from extract.pdf import page_texts
from extract.tariffs import TariffTable, read_tariff_tables, wants_table

MAX_ACT_PAGES = 400  # an act with its annexes; beyond this it is not a tariff act


class ActUnreadable(Exception):
    """The act's PDF cannot be read: `reason` is the extractor's code (encrypted, corrupt, ...)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def read_act(data: bytes, *, region: str, act_url: str, act_title: str | None = None) -> ActReading:
    """An act's PDF -> its tariff tables (pdfplumber tables for the annex pages) -> tariff records."""
    try:
        pages, _warnings = page_texts(data, max_pages=MAX_ACT_PAGES, wants_table=wants_table)
    except ExtractionError as exc:
        raise ActUnreadable(exc.reason, exc.detail) from None
    return records_from_act(read_tariff_tables(pages), region=region, act_url=act_url, act_title=act_title)


@dataclass
class ActReading:
    records: list[TariffRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Italian reasons, one per row not stored


def records_from_act(table: TariffTable, *, region: str, act_url: str, act_title: str | None = None,
                     act_kind: str | None = None) -> ActReading:
    reading = ActReading()
    typed = []
    for row in table.tariffs:
        service = services.match(f"{row['service_label']} {row.get('variant') or ''}")
        if service is None:
            reading.skipped.append(f"servizio non riconosciuto: «{row['service_label']}» (riga: {row['evidence']['text']})")
            continue
        typed.append((service.code, row))
    single = len({code for code, _ in typed}) == 1
    if table.staff and not single and typed:
        reading.skipped.append("standard di personale non attribuibile: l'atto riguarda più tipologie di servizio")
    for code, row in typed:
        figure = {"source": act_url, "status": "verified", "page": row["evidence"]["page"], "text": row["evidence"]["text"]}
        sources: dict[str, Any] = {name: figure for name in ("amount", "health_share", "social_share") if name in row}
        raw: dict[str, Any] = {
            "region": region, "service_type": code, "service_label": row["service_label"], "variant": row.get("variant"),
            "act_kind": act_kind or table.act_kind or "atto", "act_number": table.act_number, "act_date": table.act_date,
            "act_title": act_title, "act_url": act_url, "valid_from": table.valid_from, "unit": row["unit"],
            "amount": row.get("amount"), "health_share": row.get("health_share"), "social_share": row.get("social_share"),
        }
        if single and table.staff:
            raw["staff"] = table.staff
            sources["staff"] = {"source": act_url, "status": "verified", **table.evidence.get("staff", {})}
        if table.hourly_costs:
            raw["hourly_costs"] = table.hourly_costs
            sources["hourly_costs"] = {"source": act_url, "status": "verified", **table.evidence.get("hourly_costs", {})}
        raw["sources"] = sources
        try:
            reading.records.append(record_from_mapping(raw, f"{act_url} «{row['service_label']}»"))
        except ImportFileError as exc:
            reading.skipped.append(str(exc))
    return reading
