"""PortalSpider: a portal read as listing page(s) -> detail pages, with structure checks.

A portal that redesigns its pages must not look like a portal with nothing new: a listing without
its container, a listing with no rows and no "nothing found" message, or a record without its
required fields marks the source broken (`BaseSpider.mark_broken` -> CrawlReport sets
health "broken" with the reason).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.base_spiders.base import BaseSpider
from crawlers.items import DocumentRef, NoticeItem
from crawlers.parsing.labelled import PageContext


class PortalSpider(BaseSpider):
    # Fields a record of this portal always has; one missing means the page changed.
    required_fields: ClassVar[tuple[str, ...]] = ("source_notice_id", "title")
    # The notice page lists the tender documents: none found is recorded on a document row, so
    # that "no documents read" never looks like "no documents exist".
    documents_expected: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records_seen = 0

    # -- structure checks -----------------------------------------------------------------------

    def check_listing(self, response: Response, rows: list[Any], *, container: str, empty: str | None = None) -> bool:
        """True when the listing page can be trusted (rows found, or an explicit "no results")."""
        self.crawler.stats.inc_value("observatory/pages")
        if not _select(response, container):
            self.mark_broken(f"contenitore dell'elenco '{container}' assente", response.url)
            return False
        if not rows and not (empty and _select(response, empty)):
            self.mark_broken("elenco senza righe e senza messaggio 'nessun risultato'", response.url)
            return False
        self.records_seen += len(rows)
        return True

    def missing_fields(self, item: NoticeItem) -> list[str]:
        return [name for name in self.required_fields if not getattr(item, name, None)]

    def accept(self, item: NoticeItem, url: str) -> Iterator[Any]:
        """Emit a parsed notice, or mark the source broken when required fields are missing."""
        missing = self.missing_fields(item)
        if missing:
            self.mark_broken(f"campi obbligatori mancanti: {', '.join(missing)}", url)
            return
        if self.documents_expected and not item.documents and not item.documents_url:
            # (with a documents_url, BaseSpider.emit follows it to the platform's documents page)
            item.documents.append(DocumentRef(url, "pagina del bando", "failed", "not_found: no attachment links on page"))
        yield from self.emit(item)

    def too_old(self, item: NoticeItem) -> bool:
        """Published before the crawl window (portals list open calls whatever their date)."""
        return item.published_on is not None and item.published_on < self.from_date

    # -- errbacks ----------------------------------------------------------------------------------

    def listing_failed(self, failure: Failure) -> None:
        """A listing page lost after retries: a blocking error (the cursor stays, next run re-reads)."""
        if is_robots_denial(failure):
            self.robots_denied(failure.request.url, failure.request.cb_kwargs.get("tenant"))
            return
        self.record_failure(failure)

    def detail_failed(self, failure: Failure) -> None:
        if is_robots_denial(failure):
            self.robots_denied(failure.request.url, failure.request.cb_kwargs.get("tenant"))
            return
        self.record_failure(failure)

    def robots_denied(self, url: str, tenant: Any = None) -> None:
        """robots.txt forbids this page: not crawled, recorded (the national feeds cover the host)."""
        key = getattr(tenant, "key", None)
        self.crawler.stats.inc_value("observatory/robots_denied_pages")
        self.record_error("robots_denied", url, "robots.txt vieta la scansione", blocking=False,
                          **({"tenant": key} if key else {}))


def _select(response: Response, query: str) -> Any:
    """A CSS selector, or an XPath when the query starts with '/' (CSS has no text matching)."""
    return response.xpath(query) if query.startswith("/") else response.css(query)


def is_robots_denial(failure: Failure) -> bool:
    """Refused by robots.txt rules. An unreachable robots.txt (host down, 5xx) also refuses the
    request, but that is a portal outage, recorded as a blocking network error, not a denial."""
    text = str(failure.value).lower()
    return bool(failure.check(IgnoreRequest)) and "robots" in text and "unreachable" not in text


class ListDetailSpider(PortalSpider):
    """A portal read as one list page whose rows lead to detail pages (EmPULIA, SardegnaCAT, and per
    tenant the platform families). A subclass names the list path, the list's container and its
    "no results" marker, and two pure parse functions of `crawlers.parsing.<portal>`."""

    list_path: ClassVar[str]
    list_container: ClassVar[str]
    list_empty: ClassVar[str | None] = None

    def parse_list_page(self, html: str, url: str, **context: Any) -> list[PageContext]:
        raise NotImplementedError

    def parse_detail_page(self, html: str, context: PageContext) -> NoticeItem:
        raise NotImplementedError

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.url(self.list_path), callback=self.parse_list, errback=self.listing_failed)

    def parse_list(self, response: Response, **extra: Any) -> Iterator[Any]:
        contexts = self.parse_list_page(response.text, response.url, **extra)
        if not self.check_listing(response, contexts, container=self.list_container, empty=self.list_empty):
            return
        for context in contexts:
            yield scrapy.Request(context.url, callback=self.parse_detail, errback=self.detail_failed,
                                 cb_kwargs={"context": context, **extra})

    def parse_detail(self, response: Response, context: PageContext, **extra: Any) -> Iterator[Any]:
        notice = self.parse_detail_page(response.text, context)
        self.complete(notice, **extra)
        if not self.too_old(notice):
            yield from self.accept(notice, response.url)

    def complete(self, notice: NoticeItem, **extra: Any) -> None:
        """Hook: what the spider knows beyond the page (the tenant of a platform)."""
