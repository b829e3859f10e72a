"""Post-award import speed: registry rows and BDNCP rows per second into SQLite, ITP pages per second.

    .venv/bin/python bench/authorities_import.py [ROWS]

Builds a synthetic stazioni-appaltanti file and an aggiudicazioni file of ROWS rows (default 20 000)
in a temp directory, imports them into a fresh SQLite database and prints the figures.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from authorities import datasets
from authorities.execution import DATASETS, import_bdncp
from authorities.itp import read_html
from authorities.registry import HEADER, import_registry
from db.migrate import upgrade
from db.session import make_engine, session_scope
from kernel import territory

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "authorities" / "files"


def main(rows: int) -> None:
    comuni = list(territory._gazetteer().comuni.values())
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        registry = Path(tmp) / "stazioni-appaltanti.csv"
        with registry.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(HEADER)
            for i in range(rows):
                com = rng.choice(comuni)
                values = {"codice_fiscale": f"{80000000000 + i:011d}", "denominazione": f"COMUNE DI {com.name.upper()}",
                          "provincia_codice": com.province, "citta_codice": com.code, "stato": "ATTIVA"}
                writer.writerow([values.get(column, "") for column in HEADER])
        awards = Path(tmp) / "aggiudicazioni.csv"
        columns = DATASETS["aggiudicazioni"]["columns"]
        with awards.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(columns)
            for i in range(rows):
                values = {"cig": f"B{i:09d}", "importo_aggiudicazione": f"{rng.uniform(1e4, 1e6):.2f}",
                          "criterio_aggiudicazione": "OFFERTA ECONOMICAMENTE PIU' VANTAGGIOSA",
                          "data_aggiudicazione_definitiva": "2025-03-01", "ribasso_aggiudicazione": "0.1"}
                writer.writerow([values.get(column, "") for column in columns])
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(engine)
        start = time.perf_counter()
        with session_scope(engine) as session:
            report = import_registry(session, datasets.iter_rows(registry), origin="bench")
        seconds = time.perf_counter() - start
        print(f"registry: {report.rows} rows in {seconds:.1f} s = {report.rows / seconds:,.0f} rows/s "
              f"(placed {report.placed}, unplaced {len(report.unplaced)})")
        start = time.perf_counter()
        with session_scope(engine) as session:
            result = import_bdncp(session, "aggiudicazioni", datasets.iter_rows(awards), origin="bench")
        seconds = time.perf_counter() - start
        print(f"aggiudicazioni: {result.rows} rows in {seconds:.1f} s = {result.rows / seconds:,.0f} rows/s")
        engine.dispose()
    page = (FIXTURES / "payments" / "modena.html").read_bytes()
    start = time.perf_counter()
    for _ in range(200):
        read_html(page)
    seconds = time.perf_counter() - start
    print(f"ITP HTML page: {200 / seconds:,.0f} pages/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
