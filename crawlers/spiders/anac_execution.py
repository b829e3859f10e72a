"""Contract execution: ANAC BDNCP datasets (aggiudicazioni, avvio-contratto, fine-contratto, varianti,
sospensioni), joined on CIG into `contract_execution` rows of source "anac_bdncp".

National files hold millions of rows: by default only the CIGs of the notices and lots already in the
database are kept (`-a cigs=all` keeps every row, for a small file or a full load); a CIG whose notice
arrives later is picked up by the next run. Files are streamed (BulkFileSpider) and written by
PostAwardPipeline when the crawl ends. OCDS awards and contracts come from the `anac_ocds` spider.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from authorities.execution import DATASETS
from crawlers.exceptions import SpiderArgumentError
from crawlers.policy import CrawlPolicy
from crawlers.post_award_items import ExecutionRowItem
from crawlers.spiders.anac_registry import PostAwardBulkSpider, dataset_rows


def dataset_path(dataset: str) -> str:
    """The download path of a dataset: pattern of SOURCES.md §1.1, file name as reported for aggiudicazioni."""
    return f"/opendata/download/dataset/{dataset}/filesystem/{dataset}_csv.zip"


class AnacExecutionSpider(PostAwardBulkSpider):
    name = "anac_execution"
    default_base_url = "https://dati.anticorruzione.it"
    policy = CrawlPolicy(
        name="ANAC BDNCP - esecuzione dei contratti (aggiudicazioni, avvio, fine, varianti, sospensioni)",
        kind="execution", user_agent="browser", contact="https://dati.anticorruzione.it/opendata/",
        notes="joined on CIG; only CIGs of known notices unless -a cigs=all",
        # Keeps the CIGs of stored notices: a run scheduler should start it after the notice spiders.
        extra={"run_after": "notices"},
    )

    def __init__(self, *args: Any, cigs: str = "known", datasets: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cigs not in ("known", "all"):
            raise SpiderArgumentError(f"cigs must be 'known' or 'all', got {cigs!r}")
        self.cigs_mode = cigs
        chosen = [d.strip() for d in (datasets or ",".join(DATASETS)).split(",") if d.strip()]
        unknown = [d for d in chosen if d not in DATASETS]
        if unknown:
            raise SpiderArgumentError(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(DATASETS)}")
        self.datasets = chosen
        self.known: set[str] | None = None

    def _resolve_arguments(self) -> None:
        super()._resolve_arguments()
        if self.cigs_mode == "known":
            from authorities.execution import known_cigs
            from db.session import make_engine, session_scope
            engine = make_engine(self.settings["OBSERVATORY_DATABASE_URL"])
            try:
                with session_scope(engine) as session:
                    self.known = known_cigs(session)
            finally:
                engine.dispose()

    def file_urls(self) -> Iterable[str]:
        for dataset in self.datasets:
            yield self.url(dataset_path(dataset))

    @staticmethod
    def dataset_of(url: str) -> str:
        return next(d for d in DATASETS if f"/dataset/{d}/" in url)

    def rows(self, path: Path, url: str) -> Iterable[Any]:
        return dataset_rows(path)

    def item_of_row(self, row: dict[str, Any], url: str) -> ExecutionRowItem | None:
        if self.known is not None and (row.get("cig") or "").strip().upper() not in self.known:
            self.crawler.stats.inc_value("observatory/post_award/skipped_unknown_cig")
            return None
        return ExecutionRowItem(self.name, self.dataset_of(url), row, url)
