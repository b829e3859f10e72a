#!/usr/bin/env python3
"""Rebuild kernel/data/territory/{provinces,comuni}.csv from ISTAT's "Elenco comuni italiani" CSV.

Usage: .venv/bin/python scripts/build-geo-data.py PATH/TO/Elenco-comuni-italiani.csv

The ISTAT file is `;`-separated, Latin-1, one row per comune, with the NUTS 2021 and NUTS 2024 codes
(https://www.istat.it/storage/codici-unita-amministrative/Elenco-comuni-italiani.csv, CC BY 4.0).
Columns are found by their header text, not their position, because ISTAT adds columns between
editions. The NUTS 2024 columns are preferred when present. Curated data (regions, name variants,
historic provinces) is not touched: see kernel/data/territory/README.md.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kernel" / "data" / "territory"

KIND = {"1": "provincia", "2": "provincia_autonoma", "3": "citta_metropolitana", "4": "libero_consorzio",
        "5": "ente_decentramento_regionale"}


def _column(header: list[str], *starts: str) -> int:
    flat = [" ".join(h.split()).lower() for h in header]
    for start in starts:
        for index, name in enumerate(flat):
            if name.startswith(start.lower()):
                return index
    raise SystemExit(f"column not found: {starts}")


def main(path: str) -> None:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], [r for r in rows[1:] if len(r) > 10]
    col = {
        "region": _column(header, "Codice Regione"),
        "unit": _column(header, "Codice dell'Unità territoriale sovracomunale"),
        "code": _column(header, "Codice Comune formato alfanumerico"),
        "name": _column(header, "Denominazione in italiano"),
        "other": _column(header, "Denominazione altra lingua"),
        "unit_name": _column(header, "Denominazione dell'Unità territoriale sovracomunale"),
        "kind": _column(header, "Tipologia di Unità territoriale sovracomunale"),
        "sigla": _column(header, "Sigla automobilistica"),
        "catastale": _column(header, "Codice Catastale del comune"),
        "nuts3": _column(header, "Codice NUTS3 2024", "Codice NUTS3 2021", "Codice NUTS3"),
    }
    provinces: dict[str, tuple[str, ...]] = {}
    comuni = []
    for r in body:
        def get(key: str, row: list[str] = r) -> str:
            return row[col[key]].strip()

        unit = get("unit").zfill(3)
        provinces.setdefault(unit, (unit, get("sigla"), get("unit_name"), KIND.get(get("kind"), get("kind")),
                                    get("region").zfill(2), get("nuts3")))
        comuni.append((get("code").zfill(6), get("name"), get("other"), unit, get("sigla"),
                       get("region").zfill(2), get("catastale"), get("nuts3")))
    with open(OUT / "provinces.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "sigla", "name", "kind", "region", "nuts3"])
        writer.writerows(sorted(provinces.values()))
    with open(OUT / "comuni.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "name_other", "province", "sigla", "region", "catastale", "nuts3"])
        writer.writerows(sorted(comuni))
    print(f"{len(provinces)} provinces, {len(comuni)} comuni -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
