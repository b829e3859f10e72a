"""Benchmark: ingest a generated 1M-row ANAC CIG CSV (zip) the way the anac_cig spider does.

The file is built on the real 61-column header and real rows of corpus/anac_bdncp (cycled, each
with a fresh CIG), zipped to a temporary file. Ingest = stream the zip member row by row
(`iter_zip_csv`), map each row to a NoticeItem (`AnacCigSpider.item_of_row`) and decide its scope,
which is all the spider does before the pipelines (out-of-scope rows, nearly all of them, stop
there). Prints rows/s and peak memory; the goal is memory flat (same peak for 100k and 1M rows)
and under 300 MB.

    .venv/bin/python bench/cig_csv_ingest.py [ROWS]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import resource
import sys
import tempfile
import time
import zipfile
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kernel.settings import get_settings  # noqa: E402
from kernel.streams import iter_zip_csv  # noqa: E402


def generate(path: Path, rows: int, corpus_dir: Path) -> None:
    source = corpus_dir / "anac_bdncp" / "cig_2024_rows_filtered_ai_keywords.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)
        samples = list(reader)
    cig_col = header.index("cig")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("cig_csv_2024_01.csv", "w") as member:
        text = io.TextIOWrapper(member, encoding="utf-8", newline="")
        writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        for number, row in zip(range(rows), cycle(samples), strict=False):
            row = list(row)
            row[cig_col] = f"Z{number:09X}"[:10]
            writer.writerow(row)
        text.flush()
        text.detach()


def spider():  # noqa: ANN201
    from scrapy.utils.test import get_crawler

    from crawlers.spiders.anac_cig import AnacCigSpider

    crawler = get_crawler(AnacCigSpider, {"LOG_ENABLED": False})
    return AnacCigSpider.from_crawler(crawler, from_date="2024-01-01", until_date="2024-01-31", base_url="http://127.0.0.1")


def ingest(path: Path) -> tuple[int, int, float]:
    cig_spider = spider()
    rows = in_scope = 0
    start = time.perf_counter()
    for row in iter_zip_csv(path):
        rows += 1
        item = cig_spider.item_of_row(row, "bench")
        if item is None:
            continue
        cig_spider.decide_scope(item)
        in_scope += bool(item.in_scope)
    return rows, in_scope, time.perf_counter() - start


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    corpus_dir = get_settings().corpus_dir
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (total // 10, total):
            path = Path(tmp) / f"cig_{rows}.zip"
            generate(path, rows, corpus_dir)
            count, in_scope, seconds = ingest(path)
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{dt.datetime.now(dt.UTC):%H:%M:%S} rows={count:,} in_scope={in_scope:,} zip={path.stat().st_size / 1e6:.1f} MB "
                f"time={seconds:.1f} s rate={count / seconds:,.0f} rows/s "
                f"process_peak_rss={rss_mb:.0f} MB (goal: the same for both sizes, < 300 MB)"
            )


if __name__ == "__main__":
    main()
