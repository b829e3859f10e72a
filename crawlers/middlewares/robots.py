"""robots.txt without the race, and with "unreachable robots.txt = disallow" (RFC 9309 §2.3.1.3)."""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class _Unreachable:
    """Stored instead of a parser when robots.txt could not be read: every URL of the host is refused."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def allowed(self, url: str, user_agent: Any) -> bool:
        return False


class SafeRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            # Stock Scrapy awaits the shared Deferred directly; Twisted's asFuture() callback returns
            # None, so every waiter after the first got None = "allowed". Relay the result instead.
            mine: Deferred[Any] = Deferred()

            def relay(result: Any) -> Any:
                mine.callback(result)
                return result  # keep the parser for the next waiter

            pending.addCallback(relay)
            return await maybe_deferred_to_future(mine)
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._store(netloc, _Unreachable(f"robots.txt unreachable: HTTP {response.status}"))
            self._stats.inc_value("robotstxt/unreachable")
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            # robots.txt itself was filtered (e.g. offsite): behave as stock Scrapy.
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._stats.inc_value("robotstxt/unreachable")
        self._store(netloc, _Unreachable(f"robots.txt unreachable: {type(exc).__name__}"))

    def _store(self, netloc: str, parser: Any) -> None:
        pending = self._parsers.get(netloc)
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, _Unreachable):
            self._stats.inc_value("robotstxt/refused_unreachable")
            raise IgnoreRequest(f"Forbidden by robots.txt: {rp.reason}")
        super().process_request_2(rp, request)
