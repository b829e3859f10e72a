"""Fixtures of the post-award tests: the built files, and the crawl helper of tests/crawlers (the same
`scrapy crawl` subprocesses as production, through crawlers.runner)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawlers.conftest import crawl  # noqa: F401 - the shared crawl fixture

FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture
def files() -> Path:
    return FILES
