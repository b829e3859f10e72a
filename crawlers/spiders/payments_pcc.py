"""National payment platform (Piattaforma dei crediti commerciali, PCC): payment times and overdue debts
of every public administration, published per administration under L. 145/2018 art. 1 c. 869-870.

One file (or a few) covers all administrations: each is streamed (BulkFileSpider), grouped by fiscal
code and yielded as one PaymentPageItem per administration, stored as the series of source "pcc"
beside the figures the authority publishes itself (payments_html/pdf/sheet), never merged with them.

Where the files are: the law says the Presidency of the Council's web site, from data of the RGS; the
download addresses were not verified from here (no copy of the files or their page exists in the
corpus), so they are data: `crawlers/data/pcc_files.yaml`, re-homed on the base URL override like
any source (`SOURCE_BASE_URL_PCC`, the demo's replay). A missing file is counted, not an error; a
file that is not a PCC file (no fiscal code and year columns) is recorded on the run record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from authorities import pcc
from crawlers.exceptions import BulkFileError
from crawlers.policy import CrawlPolicy
from crawlers.post_award_items import PaymentPageItem
from crawlers.spiders.anac_registry import PostAwardBulkSpider

FILES_LIST = Path(__file__).resolve().parent.parent / "data" / "pcc_files.yaml"
# PCC files are small (one row per administration and quarter: ~20,000 administrations).
MAX_FILE_BYTES = 512 * 1024**2


def load_file_paths(path: Path = FILES_LIST) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    paths = [str(entry["path"]) for entry in data.get("files") or []]
    bad = [p for p in paths if not p.startswith("/")]
    if bad:
        raise ValueError(f"{path}: file paths must start with '/': {bad}")
    return paths


class PccPaymentsSpider(PostAwardBulkSpider):
    name = "pcc"
    default_base_url = "https://www.governo.it"
    policy = CrawlPolicy(
        name="Piattaforma dei crediti commerciali (PCC) - tempi di pagamento e debiti per amministrazione",
        kind="payments", contact="https://www.rgs.mef.gov.it/",
        notes=f"{pcc.LEGAL_BASIS}; quarterly, cumulated from the start of the year; file paths in "
              "crawlers/data/pcc_files.yaml (not verified)",
    )

    def file_urls(self) -> Iterable[str]:
        for path in load_file_paths():
            yield self.url(path)

    def rows(self, path: Path, url: str) -> Iterator[Any]:
        if path.stat().st_size > MAX_FILE_BYTES:
            yield BulkFileError(f"too_large: {path.stat().st_size} bytes")
            return
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        reading = pcc.read_dataset(path.read_bytes(), name)
        if reading.unreadable:
            yield BulkFileError(f"malformed_file: {reading.unreadable}")
            return
        for rejected in reading.rejected:
            yield BulkFileError(f"malformed_row: {rejected}")
        for fiscal_code, authority_reading in reading.by_authority.items():
            yield (fiscal_code, reading.names.get(fiscal_code) or f"Amministrazione {fiscal_code}", authority_reading)

    def item_of_row(self, row: Any, url: str) -> PaymentPageItem:
        fiscal_code, name, reading = row
        return PaymentPageItem(self.name, fiscal_code, name, url, reading,
                               extra={"convention": pcc.SIGN_CONVENTION})
