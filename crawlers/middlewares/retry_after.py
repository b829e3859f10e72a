"""Honour `Retry-After` on 429 and 503 (Scrapy's RetryMiddleware ignores it, scrapy#3849).

The request is rescheduled after the server's delay (capped by RETRY_AFTER_MAX_SECONDS; a missing
or unreadable header means RETRY_AFTER_DEFAULT_SECONDS), at most RETRY_AFTER_MAX_TIMES times, and the
host's download slot delay is raised to that delay so the other requests to the portal slow down
too. 429 must not be in RETRY_HTTP_CODES (crawlers/settings.py); a 503 without Retry-After is left
to RetryMiddleware.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached


def retry_after_seconds(value: bytes | str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_seconds = settings.getfloat("RETRY_AFTER_MAX_SECONDS", 600)
        self.default_seconds = settings.getfloat("RETRY_AFTER_DEFAULT_SECONDS", 30)
        self.max_times = settings.getint("RETRY_AFTER_MAX_TIMES", 3)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        header = response.headers.get(b"Retry-After")
        if response.status != 429 and not (response.status == 503 and header is not None):
            return response
        attempts = request.meta.get("retry_after_times", 0)
        stats = self.crawler.stats
        if attempts >= self.max_times:
            stats.inc_value("retry_after/max_reached")
            return response
        seconds = retry_after_seconds(header)
        if seconds is None:
            seconds = self.default_seconds
        seconds = min(seconds, self.max_seconds)
        self._slow_down(request, seconds)
        stats.inc_value("retry_after/count")
        stats.max_value("retry_after/max_delay", seconds)
        self.crawler.spider.logger.info(
            "%s answered %s; retrying after %.1f s (Retry-After %r)", request.url, response.status, seconds, header
        )
        await asyncio.sleep(seconds)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = attempts + 1
        retry.priority = request.priority + 1
        return retry

    def _slow_down(self, request: Request, seconds: float) -> None:
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or urlparse_cached(request).hostname or ""
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < seconds:
            slot.delay = seconds
