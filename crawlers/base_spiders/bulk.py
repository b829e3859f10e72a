"""Bulk files (ANAC CIG monthly CSV zips, OCDS JSONL): streamed, never held in memory whole.

Scrapy keeps a response body in memory, so a 1 GB monthly file would need 1 GB. A bulk spider
therefore asks Scrapy for a HEAD of each file (robots.txt, politeness, retries and Retry-After apply
as to any request) and then streams the GET to a spool file in chunks, reads it row by row (zip
members are opened as streams) and deletes it. Memory stays flat whatever the file size.

A subclass implements::

    class MyBulkSpider(BulkFileSpider):
        def file_urls(self):                  # the files covering [from_date, until_date]
            yield self.url("/data/2026/06.jsonl")

        def rows(self, path, url):            # rows of the spooled file, lazily
            yield from read_jsonl(path)

        def item_of_row(self, row, url):      # -> NoticeItem or None (skip); out of scope rows are
            ...                               #    dropped by emit() before reaching the pipelines

A missing file (404: the month is not published yet) is counted, not an error; a truncated zip,
malformed line or failed download is recorded on the run record with its reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.base_spiders.base import BaseSpider
from crawlers.exceptions import BulkFileError
from crawlers.items import NoticeItem

CHUNK = 1024 * 1024
# Bulk files are big by nature (OCDS months reach 750 MB); documents have their own smaller limit.
BULK_MAX_BYTES = 4 * 1024**3


def spool_download(url: str, dest: Path, *, user_agent: str, timeout: float, max_bytes: int = BULK_MAX_BYTES) -> Path:
    """Stream `url` into `dest` in 1 MiB chunks; BulkFileError on HTTP error, truncation or size."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".part")
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, partial.open("wb") as out:  # noqa: S310 - http(s) only, checked by BaseSpider
            expected = response.headers.get("Content-Length")
            written = 0
            while chunk := response.read(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise BulkFileError(f"too_large: more than {max_bytes} bytes")
                out.write(chunk)
        if expected is not None and int(expected) != written:
            raise BulkFileError(f"truncated: {written} of {expected} bytes")
    except urllib.error.HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise BulkFileError(f"http_error: {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BulkFileError(f"network_error: {exc}") from None
    except BulkFileError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(dest)
    return dest


class BulkFileSpider(BaseSpider):
    download_timeout_seconds: ClassVar[float] = 600.0

    def file_urls(self) -> Iterable[str]:
        raise NotImplementedError

    def rows(self, path: Path, url: str) -> Iterable[Any]:
        raise NotImplementedError

    def item_of_row(self, row: Any, url: str) -> NoticeItem | None:
        raise NotImplementedError

    async def start(self) -> AsyncIterator[Any]:
        for retry in self.document_retries():
            yield retry
        for url in self.file_urls():
            yield scrapy.Request(
                url, method="HEAD", callback=self._fetch_file, errback=self._head_failed,
                cb_kwargs={"url": url}, dont_filter=True,
            )

    def spool_path(self, url: str) -> Path:
        digest = hashlib.sha1(url.encode()).hexdigest()  # noqa: S324 - a file name, not security
        return Path(self.settings["OBSERVATORY_DATA_DIR"]) / "spool" / self.name / digest

    async def _fetch_file(self, response: Response, url: str) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        if self.sample_reached:
            return
        path = self.spool_path(url)
        user_agent = response.request.headers.get(b"User-Agent", b"").decode() or self.settings.get("USER_AGENT")
        try:
            await self._spool_with_retries(url, path, user_agent)
        except BulkFileError as exc:
            self.record_error(exc.reason.split(":")[0], url, exc.reason)
            return
        stats.inc_value("observatory/bulk_files")
        try:
            for row in self.rows(path, url):
                if isinstance(row, BulkFileError):
                    self.record_error(row.reason.split(":")[0], url, row.reason)
                    continue
                stats.inc_value("observatory/bulk_rows")
                try:
                    item = self.item_of_row(row, url)
                except (KeyError, ValueError, TypeError) as exc:
                    self.record_error("malformed_row", url, repr(exc)[:200])
                    continue
                if item is not None:
                    for output in self.emit(item):
                        yield output
                if self.sample_reached:
                    break
        except BulkFileError as exc:
            self.record_error(exc.reason.split(":")[0], url, exc.reason)
        finally:
            path.unlink(missing_ok=True)

    async def _spool_with_retries(self, url: str, path: Path, user_agent: str) -> None:
        """The GET bypasses Scrapy's RetryMiddleware: retry network errors, 5xx and truncated
        transfers here, with a growing pause (RETRY_TIMES of the settings)."""
        attempts = self.settings.getint("RETRY_TIMES", 2) + 1
        for attempt in range(1, attempts + 1):
            try:
                await asyncio.to_thread(
                    spool_download, url, path, user_agent=user_agent, timeout=self.download_timeout_seconds
                )
                return
            except BulkFileError as exc:
                retryable = exc.reason.startswith(("network_error", "truncated:", "http_error: 5"))
                if not retryable or attempt == attempts:
                    raise
                self.crawler.stats.inc_value("observatory/bulk_retries")
                self.logger.info("bulk file %s: %s; retry %d of %d", url, exc.reason, attempt, attempts - 1)
                await asyncio.sleep(self.settings.getfloat("BULK_RETRY_PAUSE_SECONDS", 10.0) * attempt)

    def _head_failed(self, failure: Failure) -> None:
        from scrapy.spidermiddlewares.httperror import HttpError

        if isinstance(failure.value, HttpError) and failure.value.response.status == 404:
            self.crawler.stats.inc_value("observatory/bulk_files_missing")
            self.logger.info("bulk file not published (404): %s", failure.request.url)
            return
        self.record_failure(failure)
