"""Crawl policy as data: how a source may be crawled, declared by its spider.

Every spider sets a class attribute::

    class MySpider(BaseSpider):
        name = "my_source"
        policy = CrawlPolicy(
            name="Portale Appalti Regione X",
            kind="regional",                       # one of db.models.source.SOURCE_KINDS
            robots="obey",                         # "obey" (default) or "denied" (never crawl)
            visit_window=VisitWindow(23, 4),       # hours, Europe/Rome; None = any time
            user_agent=None,                       # None = project UA; "browser" for WAF-fronted portals
            contact="https://portal/...",          # whom the portal asks crawlers to contact, if anyone
            concurrency=1, download_delay=1.0,     # per host
        )

`observatory sources` lists `policy.as_dict()`; the store pipeline writes it on the `source` row; the
runner skips a source outside its visit window unless forced; `crawlers.settings` and BaseSpider
apply concurrency, delay and user agent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
ROBOTS_MODES = ("obey", "denied")
# A real-browser User-Agent for portals whose WAF rejects anything else (ANAC open data: kingfisher-collect).
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)


@dataclass(frozen=True)
class VisitWindow:
    """Hours (Europe/Rome) in which the portal allows crawling; `start > end` wraps past midnight."""

    start_hour: int
    end_hour: int

    def contains(self, moment: dt.datetime) -> bool:
        hour = moment.astimezone(ROME).hour
        if self.start_hour <= self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour

    def __str__(self) -> str:
        return f"{self.start_hour:02d}:00-{self.end_hour:02d}:00 Europe/Rome"


@dataclass(frozen=True)
class CrawlPolicy:
    name: str
    kind: str = "other"
    robots: str = "obey"
    visit_window: VisitWindow | None = None
    user_agent: str | None = None  # None: settings.user_agent; "browser": BROWSER_USER_AGENT; else literal
    contact: str | None = None
    concurrency: int = 1
    download_delay: float = 1.0
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.robots not in ROBOTS_MODES:
            raise ValueError(f"robots must be one of {ROBOTS_MODES}, got {self.robots!r}")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")

    def in_window(self, moment: dt.datetime | None = None) -> bool:
        if self.visit_window is None:
            return True
        return self.visit_window.contains(moment or dt.datetime.now(dt.UTC))

    def resolve_user_agent(self, default: str) -> str:
        if self.user_agent is None:
            return default
        if self.user_agent == "browser":
            return BROWSER_USER_AGENT
        return self.user_agent

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["visit_window"] = str(self.visit_window) if self.visit_window else None
        return data


DEFAULT_POLICY = CrawlPolicy(name="unnamed source")
