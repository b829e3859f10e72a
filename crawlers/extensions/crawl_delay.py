"""Apply robots.txt `Crawl-delay` to the host's download slot (Scrapy ignores it, scrapy#892).

Listens to `signals.robots_parsed` (Scrapy >= 2.18): the delay the portal asks of our user agent
becomes the minimum delay of that host's slot, never lowered by AutoThrottle (which only raises it
from `DOWNLOAD_DELAY`/the slot delay) and capped at CRAWL_DELAY_MAX_SECONDS.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.utils.httpobj import urlparse_cached


class RobotsCrawlDelay:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_seconds = crawler.settings.getfloat("CRAWL_DELAY_MAX_SECONDS", 120)
        self.delays: dict[str, float] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.request_reached, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RobotsCrawlDelay:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Any) -> None:
        user_agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or request.headers.get(
            b"User-Agent", self.crawler.settings.get("USER_AGENT")
        )
        if isinstance(user_agent, bytes):
            user_agent = user_agent.decode("latin-1")
        delay = _crawl_delay(robotparser, user_agent)
        if delay is None:
            return
        host = urlparse_cached(request).hostname or ""
        self.delays[host] = min(float(delay), self.max_seconds)
        self.crawler.stats.set_value(f"crawl_delay/{host}", self.delays[host])
        self._apply(host)

    def request_reached(self, request: Any, spider: Any = None) -> None:
        # The slot may be created after robots.txt was parsed; apply on every request (cheap).
        host = urlparse_cached(request).hostname or ""
        if host in self.delays:
            self._apply(request.meta.get("download_slot") or host)

    def _apply(self, key: str) -> None:
        delay = self.delays.get(key)
        slot = self.crawler.engine.downloader.slots.get(key) if self.crawler.engine else None
        if delay is not None and slot is not None and slot.delay < delay:
            slot.delay = delay
            slot.jitter = 0.0  # the portal asked for this delay exactly, not on average


def _crawl_delay(robotparser: Any, user_agent: str) -> float | None:
    # Protego (the default parser) exposes crawl_delay(); the stdlib-based ones may not.
    getter = getattr(robotparser, "crawl_delay", None)
    if getter is not None:
        value = getter(user_agent)
        if value is not None:
            return float(value)
    inner = getattr(robotparser, "rp", None)
    if inner is not None and hasattr(inner, "crawl_delay"):
        value = inner.crawl_delay(user_agent)
        return float(value) if value is not None else None
    return None
