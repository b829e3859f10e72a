"""Items of the accreditation and legislation-watch spiders. They never pass through the notice pipelines:
each spider sets `crawlers.pipelines.watch.WatchPipeline` in its custom_settings."""

from __future__ import annotations

from dataclasses import dataclass

from legislation.feeds import Entry


@dataclass
class WatchItem:
    """What one watched source listed (one page or feed answer)."""

    watch_source: str  # legislation/data/sources.yaml key
    entries: list[Entry]
    url: str


@dataclass
class TariffActItem:
    """One regional act's PDF (its annex with the tariff tables), to be read and stored as tariffs."""

    source: str  # the spider
    region: str
    title: str
    page_url: str  # the act's page on the bulletin
    file_url: str
    body: bytes
