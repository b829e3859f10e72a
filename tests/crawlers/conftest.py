"""Fixtures for crawl tests: the real replay of the national feeds, and a helper that runs spiders
the way production does (one `scrapy crawl` process per source, through crawlers.runner)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.runner import CrawlResult, run_crawls
from replay.server import ReplayServer, Site

# Politeness off against loopback: the tests check behaviour, not speed; delays are tested on their own.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": "False", "RETRY_TIMES": 1, "LOG_LEVEL": "INFO"}


@pytest.fixture
def national_replay(corpus_dir: Path) -> Iterator[ReplayServer]:
    from replay import anac, ted

    with ReplayServer([*anac.build(corpus_dir), *ted.build(corpus_dir)]) as server:
        yield server


@pytest.fixture
def crawl(settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[CrawlResult]]:
    """crawl({"anac_pvl": url}, from_date=..., until_date=..., **run_crawls options)."""
    from kernel.settings import get_settings

    def run(base_urls: dict[str, str], **options: Any) -> list[CrawlResult]:
        env = {f"SOURCE_BASE_URL_{code.upper()}": url for code, url in base_urls.items()}
        settings = {**FAST, **options.pop("scrapy_settings", {})}
        extra_env = options.pop("env", {})
        get_settings.cache_clear()
        return run_crawls(list(base_urls), env={**env, **extra_env}, scrapy_settings=settings, timeout=180, **options)

    return run


def site_urls(server: ReplayServer, *codes: str) -> dict[str, str]:
    return {code: server.url(code) for code in codes}


def custom_server(*sites: Site) -> ReplayServer:
    return ReplayServer(list(sites))
