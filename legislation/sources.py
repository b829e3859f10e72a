"""The watched sources and the watch topics, loaded and validated from `data/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SHAPES = ("rss", "normattiva_updated", "link_list", "crawled_by_tariff_spider")


class WatchDataError(ValueError):
    pass


@dataclass(frozen=True)
class WatchedSource:
    key: str
    name: str
    shape: str
    url: str | None
    scope: str
    region: str | None = None
    tables_page: bool = False
    verified: bool = False
    crawled_by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    groups: tuple[tuple[str, ...], ...] = ()
    rule: str | None = None


@lru_cache(maxsize=2)
def watched_sources(path: Path = DATA_DIR / "sources.yaml") -> tuple[WatchedSource, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in raw.get("sources") or []:
        if item.get("shape") not in SHAPES:
            raise WatchDataError(f"{path.name} {item.get('key')}: shape must be one of {SHAPES}")
        if item["shape"] != "crawled_by_tariff_spider" and not item.get("url"):
            raise WatchDataError(f"{path.name} {item.get('key')}: url missing")
        if item.get("scope") not in ("national", "regional"):
            raise WatchDataError(f"{path.name} {item.get('key')}: scope must be national or regional")
        out.append(WatchedSource(item["key"], item["name"], item["shape"], item.get("url"), item["scope"],
                                 item.get("region"), bool(item.get("tables_page")), bool(item.get("verified")),
                                 item.get("crawled_by"), item.get("note")))
    keys = [s.key for s in out]
    if len(keys) != len(set(keys)):
        raise WatchDataError(f"{path.name}: duplicate source keys")
    return tuple(out)


def source(key: str) -> WatchedSource | None:
    return next((s for s in watched_sources() if s.key == key), None)


@lru_cache(maxsize=2)
def topics(path: Path = DATA_DIR / "topics.yaml") -> tuple[Topic, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in raw.get("topics") or []:
        groups = tuple(tuple(str(w).lower() for w in group) for group in item.get("groups") or ())
        if not groups and not item.get("rule"):
            raise WatchDataError(f"{path.name} {item.get('key')}: a topic needs word groups or a rule")
        out.append(Topic(item["key"], item["label"], groups, item.get("rule")))
    return tuple(out)


def has_word(text: str, stem: str) -> bool:
    return re.search(r"(?<![a-zà-ý0-9])" + re.escape(stem), text) is not None
