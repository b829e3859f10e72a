"""Paged JSON APIs, optionally cut into publication-date windows (PVL, TED, Intercent-ER, Socrata...).

A subclass implements three methods::

    class MyApiSpider(JsonApiSpider):
        window_days = 1          # None: one window [from_date, until_date]
        first_page = 0

        def page_request(self, window, page):           # -> scrapy.Request (GET or POST)
            start, end = window
            return scrapy.Request(self.url(f"/api/items?from={start}&to={end}&page={page}"))

        def parse_data(self, data, window, page, response):   # -> NoticeItems (via self.emit) / requests
            for record in data["content"]:
                yield from self.emit(self.item_of(record))

        def next_page(self, data, window, page):        # -> the next page number, or None
            return page + 1 if page + 1 < data["totalPages"] else None

Pages of one window are fetched one after the other (politeness; the API's paging stays consistent).
Malformed JSON or a page that fails after retries (500, timeout) is recorded on the run record with
its reason; that window stops, the other windows go on, and because the run had errors the source's
cursor does not move, so the next run re-reads the window.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.base_spiders.base import BaseSpider

Window = tuple[dt.date, dt.date]


class JsonApiSpider(BaseSpider):
    window_days: ClassVar[int | None] = None
    first_page: ClassVar[int] = 0
    # Safety net against an API that never says "last page".
    max_pages_per_window: ClassVar[int] = 10_000

    def page_request(self, window: Window, page: int) -> scrapy.Request:
        raise NotImplementedError

    def parse_data(self, data: Any, window: Window, page: int, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def next_page(self, data: Any, window: Window, page: int) -> int | None:
        raise NotImplementedError

    def all_windows(self) -> list[Window]:
        if self.window_days is None:
            return [(self.from_date, self.until_date)]
        return list(self.windows(self.window_days))

    async def start(self) -> AsyncIterator[Any]:
        for retry in self.document_retries():
            yield retry
        for window in self.all_windows():
            yield self._page(window, self.first_page)

    def _page(self, window: Window, page: int) -> scrapy.Request:
        request = self.page_request(window, page)
        return request.replace(
            callback=self._parse_page,
            errback=self._page_failed,
            cb_kwargs={"window": window, "page": page},
            dont_filter=True,
        )

    def _parse_page(self, response: Response, window: Window, page: int) -> Iterable[Any]:
        self.crawler.stats.inc_value("observatory/pages")
        try:
            data = json.loads(response.body)
        except ValueError as exc:
            self.record_error("malformed_json", response.url, str(exc)[:200], window=_window_str(window), page=page)
            return
        try:
            yield from self.parse_data(data, window, page, response)
            following = self.next_page(data, window, page)
        except (KeyError, TypeError, AttributeError) as exc:
            self.record_error("unexpected_structure", response.url, repr(exc)[:200], window=_window_str(window))
            return
        if following is not None and not self.sample_reached and following - self.first_page < self.max_pages_per_window:
            yield self._page(window, following)

    def _page_failed(self, failure: Failure) -> None:
        from crawlers.failures import failure_reason

        kwargs = failure.request.cb_kwargs
        self.record_error(
            failure_reason(failure),
            failure.request.url,
            str(failure.value)[:200],
            window=_window_str(kwargs["window"]),
            page=kwargs["page"],
        )


def _window_str(window: Window) -> str:
    return f"{window[0].isoformat()}..{window[1].isoformat()}"


class DateWindowSpider(JsonApiSpider):
    """A search API queried one publication-date window at a time (default one day per window), so
    that a failing window is retried alone by the next run and no window exceeds the API's result cap."""

    window_days: ClassVar[int | None] = 1
