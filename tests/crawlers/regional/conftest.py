"""The replay of the regional portals, platform tenants and prefectures, and its URLs as the
environment the crawl processes read (SOURCE_BASE_URL_<CODE>, SOURCE_BASE_URL_<SPIDER>_<TENANT>)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from replay.server import ReplayServer

REGIONAL_SPIDERS = ("regione_lombardia", "intercenter_er", "start_toscana", "regione_veneto", "empulia", "sardegnacat")
PLATFORM_SPIDERS = ("portaleappalti", "traspare", "tuttogare", "halley", "wp_design_comuni")
ALL_SPIDERS = (*REGIONAL_SPIDERS, *PLATFORM_SPIDERS, "prefetture")


@pytest.fixture
def regional_replay(corpus_dir: Path) -> Iterator[ReplayServer]:
    from replay import platforms, prefectures, regional

    with ReplayServer([*regional.build(corpus_dir), *platforms.build(corpus_dir), *prefectures.build(corpus_dir)]) as server:
        yield server


def replay_env(server: ReplayServer) -> dict[str, str]:
    """What the demo sets: one SOURCE_BASE_URL_<SITE> per replayed site."""
    return {f"SOURCE_BASE_URL_{name.upper()}": url for name, url in server.urls().items()}


def spider_urls(server: ReplayServer, *codes: str) -> dict[str, str]:
    """code -> base URL of the site of that name (a platform family's site mirrors all its tenants)."""
    return {code: server.url(code) for code in codes}
