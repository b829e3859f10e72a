"""The sites the replay serves. Each module named here has `build(corpus_dir) -> list[Site]`.

A site's name is the source code whose spider crawls it (e.g. "anac_pvl"): the demo sets
SOURCE_BASE_URL_<CODE> to the site's URL for each.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from replay.server import ReplayServer, Site

SITE_MODULES: tuple[str, ...] = (
    # national feeds (issue 5), regional/platform/prefecture sites (issue 3) and payment pages (issue 9)
    # add their modules here, e.g. "replay.anac".
    "replay.anac",
    "replay.ted",
    "replay.payments",
    "replay.regional",
    "replay.platforms",
    "replay.prefectures",
    # accreditation tariffs (BUR) and the legislation watch (issue 22)
    "replay.bulletins",
    "replay.legislation",
)


def build_sites(corpus_dir: Path, modules: tuple[str, ...] = SITE_MODULES) -> list[Site]:
    sites: list[Site] = []
    for name in modules:
        sites.extend(importlib.import_module(name).build(corpus_dir))
    return sites


def replay_server(corpus_dir: Path) -> ReplayServer:
    return ReplayServer(build_sites(corpus_dir))
