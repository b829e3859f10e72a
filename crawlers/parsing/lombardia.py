"""Regione Lombardia open data: Socrata dataset k6cb-4hbm "Bandi di gara - Osservatorio Regionale".

The dataset has one row per lot (`n_lotto`, `importo_lotto`, `cig`) of a procedure (`codice_bando`);
rows of one procedure become one notice with its lots. CPV codes come without the check digit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawlers.items import AuthorityRef, LotItem, NoticeItem
from crawlers.parsing.codes import is_cig
from crawlers.parsing.italian import clean_text, parse_date, parse_datetime, parse_plain_decimal

LOMBARDIA = "03"
DATASET = "k6cb-4hbm"
# codice_tipologia_appalto of the Osservatorio (01 servizi, 02 forniture, 03 lavori), kept in raw.
CONTRACT_TYPES = {"01": "servizi", "02": "forniture", "03": "lavori"}


def group_rows(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows keyed by `codice_bando`, in first-seen order (a procedure's lots may span pages)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = str(row.get("codice_bando") or "").strip()
        if key:
            grouped.setdefault(key, []).append(row)
    return grouped


def notice_from_rows(code: str, rows: list[dict[str, Any]], source: str, dataset_url: str) -> NoticeItem:
    first = rows[0]
    lots = []
    for row in sorted(rows, key=lambda r: int(r.get("n_lotto") or 0)):
        cig = (row.get("cig") or "").strip().upper() or None
        lots.append(LotItem(
            lot_key=str(row.get("n_lotto") or cig or len(lots)),
            cig=cig if is_cig(cig) else None,
            title=clean_text(row.get("oggetto_dell_appalto")),
            cpv=(row.get("codice_cpv") or None),
            amount=parse_plain_decimal(row.get("importo_lotto")),
            data={"cup": row.get("cup")} if row.get("cup") else {},
        ))
    cigs = [lot.cig for lot in lots if lot.cig]
    authority = clean_text(first.get("stazione_appaltante"))
    return NoticeItem(
        source=source,
        source_notice_id=code,
        title=clean_text(first.get("oggetto_dell_appalto")) or "",
        notice_type="bando",
        procedure=clean_text(first.get("procedura_gara")),
        cpv=first.get("codice_cpv") or None,
        cig=cigs[0] if len(cigs) == 1 else None,
        amount=parse_plain_decimal(first.get("importo_complessivo_base")),
        published_on=parse_date(first.get("data_pubblicazione")),
        deadline_at=parse_datetime(first.get("data_presentazioni_offerte")),
        url=f"{dataset_url}?codice_bando={code}",
        authority=AuthorityRef(
            name=authority, fiscal_code=(first.get("codice_fiscale") or None), istat_region=LOMBARDIA,
            place_source="portal:lombardia",
        ) if authority else None,
        place_istat_region=LOMBARDIA,
        place_province_name=clean_text(first.get("provincia")),
        place_comune_name=clean_text(first.get("comune")),
        lots=lots,
        raw={"dataset": DATASET, "rows": rows,
             "contract_type": CONTRACT_TYPES.get(str(first.get("codice_tipologia_appalto") or ""))},
    )
