"""One engine per crawl process, built from observatory.settings (DATABASE_URL)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from db.session import make_engine


@lru_cache(maxsize=2)
def crawl_engine(database_url: str) -> Engine:
    return make_engine(database_url)


def current_engine() -> Engine:
    from observatory.settings import get_settings

    return crawl_engine(get_settings().database_url)
