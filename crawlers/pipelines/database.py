"""One engine per crawl process, for the database named by the OBSERVATORY_DATABASE_URL Scrapy setting."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from db.session import make_engine


@lru_cache(maxsize=2)
def crawl_engine(database_url: str) -> Engine:
    return make_engine(database_url)


def current_engine(settings: Any) -> Engine:
    """The crawl's engine; `settings` are the crawler's Scrapy settings (filled by crawlers/settings.py)."""
    return crawl_engine(settings["OBSERVATORY_DATABASE_URL"])
