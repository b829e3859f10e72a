"""ANAC open data `stazioni-appaltanti`: the registry of contracting authorities (one CSV, zipped).

The file is a full snapshot, streamed row by row (BulkFileSpider); every row becomes a
RegistryRowItem written by PostAwardPipeline. The crawl window does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from authorities import datasets
from crawlers.base_spiders.bulk import BulkFileSpider
from crawlers.exceptions import BulkFileError
from crawlers.policy import CrawlPolicy
from crawlers.post_award_items import RegistryRowItem
from crawlers.spiders.payments_common import POST_AWARD_PIPELINES

# Download pattern of SOURCES.md §1.1; the file name follows the `<dataset>_csv.zip` form reported for
# aggiudicazioni (not verified for this dataset: a 404 is counted as "file not published").
REGISTRY_PATH = "/opendata/download/dataset/stazioni-appaltanti/filesystem/stazioni-appaltanti_csv.zip"


def dataset_rows(path: Path) -> Iterator[dict[str, str] | BulkFileError]:
    """Rows of a spooled dataset file; a file that is not the dataset becomes one BulkFileError."""
    try:
        yield from datasets.iter_rows(path)
    except datasets.DatasetError as exc:
        yield BulkFileError(f"malformed_file: {exc}")


class PostAwardBulkSpider(BulkFileSpider):
    """Bulk spiders whose rows are not notices: no scope decision, their own pipeline."""

    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": POST_AWARD_PIPELINES}

    def emit(self, item: Any) -> Iterator[Any]:
        if self.sample_reached:
            return
        self.items_emitted += 1
        # CrawlReport judges a source by the records it saw (in_scope + out_of_scope); registry and
        # execution rows are all relevant records, so they count as in scope.
        self.crawler.stats.inc_value("observatory/in_scope")
        yield item


class AnacRegistrySpider(PostAwardBulkSpider):
    name = "anac_registry"
    default_base_url = "https://dati.anticorruzione.it"
    policy = CrawlPolicy(
        name="ANAC - anagrafe stazioni appaltanti (open data)", kind="national", user_agent="browser",
        contact="https://dati.anticorruzione.it/opendata/",
        notes="full snapshot CSV (zip); F5 WAF rejects non-browser user agents (SOURCES.md §1.1)",
    )

    def file_urls(self) -> Iterable[str]:
        yield self.url(REGISTRY_PATH)

    def rows(self, path: Path, url: str) -> Iterable[Any]:
        return dataset_rows(path)

    def item_of_row(self, row: dict[str, str], url: str) -> RegistryRowItem:
        return RegistryRowItem(self.name, row, url)
