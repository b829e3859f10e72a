"""The authority registry from ANAC's `stazioni-appaltanti` dataset, keyed by fiscal code.

The registry is authoritative for what it states (name, legal nature, AUSA code, seat): it overwrites
what a feed wrote first. Authorities the feeds created and the registry does not list keep the feeds'
fields and are placed from them where possible (`place_known_authorities`); the rest are listed as
unplaced with the reason, never guessed.

An authority that changed fiscal code appears in the registry as two rows with the same AUSA code
(the old one closed, `stato` CESSATA or a `data_fine`). Both rows stay: the new one records the old
code in `previous_fiscal_code`, the old one `replaced_by` in its registry data; findings and payment
series stay on the code they were published under.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from authorities import datasets
from authorities.national import national_reason
from authorities.placement import Placement, place
from db.models import ContractingAuthority
from db.queries.authorities import name_key, upsert_authority

DATASET = "stazioni-appaltanti"
# Columns as documented for the dataset (SOURCES.md §1.3); the file's own header is used to read it.
HEADER = (
    "codice_fiscale", "partita_iva", "denominazione", "codice_ausa", "natura_giuridica_codice",
    "natura_giuridica_descrizione", "soggetto_estero", "provincia_codice", "provincia_nome", "citta_codice",
    "citta_nome", "indirizzo_odonimo", "cap", "flag_inhouse", "flag_partecipata", "stato", "data_inizio",
    "data_fine",
)
REQUIRED = ("codice_fiscale", "denominazione")
FISCAL_CODE = re.compile(r"^(\d{11}|[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z])$")
CLOSED_STATES = {"CESSATA", "CESSATO", "NON ATTIVA", "INATTIVA", "CANCELLATA"}


def normalise_fiscal_code(value: str | None) -> str | None:
    """"0125680033" (leading zero lost by a spreadsheet) -> "00125680033"; None when not a fiscal code."""
    text = re.sub(r"\s+", "", value or "").upper()
    if text.isdigit() and 8 <= len(text) < 11:
        text = text.zfill(11)
    return text if FISCAL_CODE.match(text) else None


@dataclass
class RegistryReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    placed: int = 0
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)  # (fiscal code, name, reason)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    fiscal_code_changes: list[tuple[str, str, str]] = field(default_factory=list)  # (ausa, old, new)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (fiscal code, what disagrees)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated, "placed": self.placed,
            "unplaced": len(self.unplaced), "rejected": len(self.rejected),
            "fiscal_code_changes": len(self.fiscal_code_changes), "conflicts": len(self.conflicts),
        }


def _is_closed(row: dict[str, str]) -> bool:
    return row.get("stato", "").upper() in CLOSED_STATES or bool(row.get("data_fine"))


def _placement(row: dict[str, str]) -> Placement:
    return place(
        comune_code=row.get("citta_codice") or None,
        comune_name=row.get("citta_nome") or None,
        province=row.get("provincia_codice") or row.get("provincia_nome") or None,
        name=row.get("denominazione"),
        source_label="registry",
    )


def apply_registry_row(session: Session, row: dict[str, str], *, origin: str,
                       report: RegistryReport | None = None) -> ContractingAuthority | None:
    """Write one registry row; None (and a `rejected` entry) when the row has no usable fiscal code."""
    report = report or RegistryReport()
    report.rows += 1
    fiscal_code = normalise_fiscal_code(row.get("codice_fiscale"))
    name = " ".join((row.get("denominazione") or "").split())
    if fiscal_code is None or not name:
        report.rejected.append((report.rows, f"invalid fiscal code {row.get('codice_fiscale')!r}" if name
                                else "no denominazione"))
        return None
    placement = _placement(row)
    existed = session.scalar(select(ContractingAuthority.id).where(ContractingAuthority.fiscal_code == fiscal_code))
    authority = upsert_authority(session, fiscal_code=fiscal_code, name=name)
    authority.name = name
    authority.name_key = name_key(name)
    authority.legal_nature = row.get("natura_giuridica_descrizione") or authority.legal_nature
    authority.ausa_code = row.get("codice_ausa") or authority.ausa_code
    if placement.placed:
        authority.istat_comune = placement.istat_comune
        authority.istat_province = placement.istat_province
        authority.istat_region = placement.istat_region
        authority.nuts = placement.nuts
        authority.place_source = placement.description
        report.placed += 1
        if placement.conflict:
            report.conflicts.append((fiscal_code, placement.conflict))
    elif authority.istat_region is None:
        authority.place_source = placement.source
        report.unplaced.append((fiscal_code, name, placement.source))
    reason = national_reason(fiscal_code, name, authority.legal_nature)
    authority.is_national = reason is not None
    extras = {k: row.get(k) for k in HEADER if row.get(k) and k not in ("codice_fiscale", "denominazione")}
    authority.registry_data = {
        **{k: v for k, v in (authority.registry_data or {}).items() if k in ("replaced_by",)},
        **extras, "origin": origin, "national_reason": reason,
        "seen_on": dt.date.today().isoformat(),
    }
    if existed:
        report.updated += 1
    else:
        report.created += 1
    return authority


def link_fiscal_code_changes(session: Session, by_ausa: dict[str, list[tuple[str, bool, str]]],
                             report: RegistryReport) -> None:
    """Two fiscal codes under one AUSA code: the open one records the closed one; nothing merges."""
    for ausa, entries in by_ausa.items():
        codes = {code for code, _, _ in entries}
        if len(codes) < 2:
            continue
        closed = sorted((e for e in entries if e[1]), key=lambda e: e[2])
        open_ = sorted((e for e in entries if not e[1]), key=lambda e: e[2])
        if not closed or not open_:
            report.conflicts.append((sorted(codes)[0], f"AUSA {ausa} has fiscal codes {', '.join(sorted(codes))}"))
            continue
        old, new = closed[-1][0], open_[-1][0]
        new_row = session.scalars(select(ContractingAuthority).where(ContractingAuthority.fiscal_code == new)).one()
        old_row = session.scalars(select(ContractingAuthority).where(ContractingAuthority.fiscal_code == old)).one()
        new_row.previous_fiscal_code = old
        old_row.registry_data = {**(old_row.registry_data or {}), "replaced_by": new}
        report.fiscal_code_changes.append((ausa, old, new))


def import_registry(session: Session, rows: Iterable[dict[str, str]], *, origin: str) -> RegistryReport:
    """Apply every row of a stazioni-appaltanti file, link fiscal-code changes, place the rest."""
    report = RegistryReport()
    by_ausa: dict[str, list[tuple[str, bool, str]]] = {}
    first = True
    for row in rows:
        if first:
            datasets.check_header(row, REQUIRED, DATASET)
            first = False
        authority = apply_registry_row(session, row, origin=origin, report=report)
        if authority is not None and row.get("codice_ausa"):
            by_ausa.setdefault(row["codice_ausa"], []).append(
                (authority.fiscal_code, _is_closed(row), row.get("data_inizio") or "")
            )
    session.flush()
    link_fiscal_code_changes(session, by_ausa, report)
    place_known_authorities(session)
    return report


def place_known_authorities(session: Session) -> tuple[int, int]:
    """Place authorities without a region from their own fields (feeds); returns (placed, unplaced)."""
    placed = unplaced = 0
    # National bodies go to the National Observatory wherever a feed placed them.
    for authority in session.scalars(select(ContractingAuthority).where(ContractingAuthority.is_national.is_(False))):
        if national_reason(authority.fiscal_code, authority.name, authority.legal_nature):
            authority.is_national = True
    for authority in session.scalars(select(ContractingAuthority).where(ContractingAuthority.istat_region.is_(None))):
        placement = place(comune_code=authority.istat_comune, province=authority.istat_province,
                          nuts=authority.nuts, name=authority.name, source_label="feed")
        if placement.placed:
            authority.istat_comune = authority.istat_comune or placement.istat_comune
            authority.istat_province = authority.istat_province or placement.istat_province
            authority.istat_region = placement.istat_region
            authority.nuts = authority.nuts or placement.nuts
            authority.place_source = placement.description
            placed += 1
        else:
            authority.place_source = placement.source
            unplaced += 1
    return placed, unplaced


def unplaced_authorities(session: Session) -> list[ContractingAuthority]:
    """Authorities no Regional Observatory can receive: no region and not national."""
    return list(session.scalars(
        select(ContractingAuthority)
        .where(ContractingAuthority.istat_region.is_(None), ContractingAuthority.is_national.is_(False))
        .order_by(ContractingAuthority.name)
    ))
