"""Import an official Ministry labour-cost table (CSV) into the data directory, validated.

The imported table replaces the shipped figures of the same decree (typically DD 30/2024, whose
per-level annex is still estimated in `rules/data/`). Every imported figure is `verified` with the
source the analyst gives, unless the CSV has its own `status`/`source` columns.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from rules.errors import LegalDataError
from rules.legal import DATA_DIR, Decree, load_legal_data, parse_decree, read_table_rows


def import_table(csv_path: Path, tables_dir: Path, *, decree_id: str, source: str, ccnl: str | None = None,
                 title: str | None = None, issued_on: dt.date | None = None) -> Decree:
    if not source.strip():
        raise LegalDataError("an imported table needs its source (URL or document reference)")
    if not csv_path.is_file():
        raise LegalDataError(f"table file not found: {csv_path}")
    shipped = load_legal_data(DATA_DIR).decrees.get(decree_id)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        step_ids = sorted({(row.get("step") or "").strip() for row in csv.DictReader(handle)} - {""})
    if shipped is not None:
        meta: dict[str, Any] = {
            "id": shipped.id, "ccnl": ccnl or shipped.ccnl, "title": title or shipped.title,
            "issued_on": issued_on or shipped.issued_on, "source": source,
            "steps": [{"id": s.id, "valid_from": s.valid_from, "event": s.event} for s in shipped.steps],
        }
        unknown = sorted(set(step_ids) - {s.id for s in shipped.steps})
        if unknown:
            raise LegalDataError(f"{csv_path.name}: steps {', '.join(unknown)} are not steps of {decree_id} "
                                 f"({', '.join(s.id for s in shipped.steps)})")
    else:
        if not (ccnl and title and issued_on):
            raise LegalDataError(f"{decree_id} is a new decree: give --ccnl, --title and --issued-on")
        meta = {"id": decree_id, "ccnl": ccnl, "title": title, "issued_on": issued_on, "source": source,
                "steps": [{"id": s, "valid_from": f"{s}-01", "event": ""} for s in step_ids]}
    decree = parse_decree(meta, f"import {decree_id}")
    figures = read_table_rows(csv_path, decree, default_status="verified", default_source=source)
    tables_dir.mkdir(parents=True, exist_ok=True)
    target = tables_dir / f"{decree_id}.csv"
    tmp = target.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["step", "level", "contract_type", "hourly_cost", "status", "source"])
        for f in figures.values():
            writer.writerow([f.step, f.level, f.contract_type, f"{f.hourly_cost:.2f}", f.status, f.source])
    meta_out = dict(meta, imported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    imported_from=csv_path.name,
                    steps=[{"id": s.id, "valid_from": s.valid_from.isoformat(), "event": s.event} for s in decree.steps])
    meta_out["issued_on"] = decree.issued_on.isoformat()
    meta_tmp = tables_dir / f"{decree_id}.yaml.tmp"
    meta_tmp.write_text(yaml.safe_dump(meta_out, allow_unicode=True, sort_keys=False), encoding="utf-8")
    backups = {p: p.read_bytes() for p in (target, tables_dir / f"{decree_id}.yaml") if p.exists()}
    tmp.replace(target)
    meta_tmp.replace(tables_dir / f"{decree_id}.yaml")
    try:
        loaded = load_legal_data(DATA_DIR, tables_dir)  # the whole set must still load
    except LegalDataError:
        for path in (target, tables_dir / f"{decree_id}.yaml"):
            if path in backups:
                path.write_bytes(backups[path])
            else:
                path.unlink(missing_ok=True)
        raise
    return loaded.decrees[decree_id]


def describe(decree: Decree) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for f in decree.figures.values():
        statuses[f.status] = statuses.get(f.status, 0) + 1
    return {
        "id": decree.id, "ccnl": decree.ccnl, "title": decree.title, "issued_on": decree.issued_on.isoformat(),
        "source": decree.source, "steps": [f"{s.id} (dal {s.valid_from.isoformat()})" for s in decree.steps],
        "figures": statuses, "imported_from": decree.imported_from,
    }

