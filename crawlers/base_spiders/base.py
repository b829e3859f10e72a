"""BaseSpider: what every spider of the project shares (national, regional, platform, prefecture).

How a spider uses it::

    class MySpider(BaseSpider):
        name = "my_source"                        # == Source.code
        policy = CrawlPolicy(name="...", kind="regional")
        default_base_url = "https://portal.example.it"

        async def start(self):
            yield scrapy.Request(self.url("/bandi?dal=" + self.from_date.isoformat()), callback=self.parse)

        def parse(self, response):
            for row in ...:
                item = NoticeItem(source=self.name, source_notice_id=..., title=..., documents_url=...)
                yield from self.emit(item)              # scope decided, documents page followed, sample honoured

Arguments (`scrapy crawl NAME -a from_date=2026-06-01 -a until_date=2026-06-08 -a sample=5 -a base_url=...`)
are validated in `from_crawler` (SpiderArgumentError on bad input). Without `from_date` the spider
starts from the source's last published date seen in a successful crawl minus
`settings.crawl_overlap_days` (first crawl: `crawl_initial_days` back). `base_url` defaults to
SOURCE_BASE_URL_<CODE>, then `default_base_url`.

Errors that must reach the run record (a page that failed after retries, malformed JSON, a truncated
file) go through `self.record_error(reason, url, detail)`; `CrawlReport` writes them on spider_closed
and, when there were errors, does not move the source's incremental cursor so the next run re-reads
the window.

Documents: an in-scope item with `documents_url` and no `documents` is held while its documents page
is fetched; attachment links (PDF, p7m, zip, doc/docx/odt...) become `DocumentRef`s; a page that
cannot be fetched becomes one DocumentRef with status "failed" and the reason, never silence.
Override `parse_documents_page(response, item)` for a platform whose page needs more than links.
Documents that failed on earlier nights for notices older than this crawl's window come back as
`DocumentRetry` items from `document_retries()`: JsonApiSpider and BulkFileSpider yield them first
from start(); a spider with its own start() should do `for retry in self.document_retries(): yield retry`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawlers.exceptions import SpiderArgumentError
from crawlers.failures import failure_reason
from crawlers.items import DOCUMENTS_PAGE_TITLE, DocumentRef, DocumentRetry, NoticeItem
from crawlers.policy import DEFAULT_POLICY, ROME, CrawlPolicy
from crawlers.scope import Scope, scope_for

ATTACHMENT_EXTENSIONS = (".pdf", ".p7m", ".zip", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".7z", ".rar")
# Links whose path has no extension but clearly serves a file ("/download/123", "?action=download").
DOWNLOAD_HINTS = re.compile(r"(download|scarica|allegat|attachment|getfile|file\.php|documento)", re.IGNORECASE)
MAX_ERRORS_KEPT = 200
# A document that failed this many times is left alone (its row keeps the last reason).
MAX_DOCUMENT_ATTEMPTS = 5


def parse_date_arg(name: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SpiderArgumentError(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None


class BaseSpider(scrapy.Spider):
    policy: ClassVar[CrawlPolicy] = DEFAULT_POLICY
    default_base_url: ClassVar[str] = ""
    # Notices out of scope are dropped by default; a spider may keep them (rows with in_scope False).
    keep_out_of_scope: ClassVar[bool] = False

    def __init__(
        self,
        *args: Any,
        from_date: Any = None,
        until_date: Any = None,
        sample: Any = None,
        base_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.from_date_arg = parse_date_arg("from_date", from_date)
        self.until_date = parse_date_arg("until_date", until_date) or dt.datetime.now(ROME).date()
        self.from_date: dt.date = self.from_date_arg or self.until_date  # resolved in from_crawler
        if sample in (None, ""):
            self.sample: int | None = None
        else:
            try:
                self.sample = int(sample)
            except (TypeError, ValueError):
                raise SpiderArgumentError(f"sample must be a whole number, got {sample!r}") from None
            if self.sample < 1:
                raise SpiderArgumentError(f"sample must be at least 1, got {sample!r}")
        self.base_url_arg = base_url
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.crawl_errors: list[dict[str, Any]] = []
        self.errors_total = 0
        self.blocking_errors = 0
        self.structure_error: str | None = None
        self.items_emitted = 0
        self.newest_published: dt.date | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BaseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._resolve_arguments()
        spider._relax_for_loopback(crawler.settings)
        return spider

    def _relax_for_loopback(self, settings: BaseSettings) -> None:
        """Politeness protects real portals; a base_url on loopback is our own replay (demo, tests),
        so the per-host delay and AutoThrottle are off there (robots Crawl-delay still applies).
        Settings given with -s (priority cmdline) win; settings are still mutable here."""
        host = urlsplit(self.base_url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1") or settings.frozen:
            return
        settings.set("DOWNLOAD_DELAY", 0, priority="spider")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        policy = cls.policy
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", policy.concurrency, priority="spider")
        settings.set("DOWNLOAD_DELAY", policy.download_delay, priority="spider")
        if policy.user_agent is not None:
            settings.set("USER_AGENT", policy.resolve_user_agent(settings.get("USER_AGENT")), priority="spider")

    def _resolve_arguments(self) -> None:
        settings = self.settings
        if not self.base_url_arg:
            base_urls = settings.getdict("OBSERVATORY_SOURCE_BASE_URLS")
            self.base_url = (base_urls.get(self.name) or self.default_base_url).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SpiderArgumentError(f"base_url must be an http(s) URL, got {self.base_url!r}")
        if self.from_date_arg is None:
            self.from_date = self._default_from_date(settings)
        else:
            self.from_date = self.from_date_arg
        if self.from_date > self.until_date:
            raise SpiderArgumentError(f"from_date {self.from_date} is after until_date {self.until_date}")

    def _default_from_date(self, settings: Any) -> dt.date:
        """Last published date seen by a successful crawl minus the overlap; first crawl: N days back."""
        from db.queries.sources import get_source
        from db.session import make_engine, session_scope

        last_seen = None
        engine = make_engine(settings["OBSERVATORY_DATABASE_URL"])
        try:
            with session_scope(engine) as session:
                source = get_source(session, self.name)
                last_seen = source.last_published_seen if source else None
        except Exception as exc:  # noqa: BLE001 - no schema yet: fall back to the initial window
            self.logger.warning("cannot read the last crawl of %s: %s", self.name, exc)
        finally:
            engine.dispose()
        if last_seen is None:
            return self.until_date - dt.timedelta(days=settings.getint("OBSERVATORY_CRAWL_INITIAL_DAYS", 14))
        overlap = dt.timedelta(days=settings.getint("OBSERVATORY_CRAWL_OVERLAP_DAYS", 3))
        return min(last_seen - overlap, self.until_date)

    def document_retries(self) -> list[DocumentRetry]:
        """Stored in-scope notices of this source published before this crawl's window whose
        documents failed (or are pending): their documents are fetched again. Base spiders yield
        these first from start(); a spider with its own start() should `yield from` this too."""
        from sqlalchemy import select

        from crawlers.pipelines.database import current_engine
        from db.models import Document, Notice, Source
        from db.session import session_scope

        try:
            with session_scope(current_engine(self.settings)) as session:
                rows = session.execute(
                    select(Notice.id, Notice.source_notice_id)
                    .join(Source, Source.id == Notice.source_id)
                    .where(
                        Source.code == self.name,
                        Notice.is_current.is_(True),
                        Notice.in_scope.is_(True),
                        Notice.published_on < self.from_date,
                        Notice.id.in_(
                            select(Document.notice_id).where(
                                Document.retrieval_status != "retrieved",
                                Document.retrieval_attempts < MAX_DOCUMENT_ATTEMPTS,
                                Document.url.startswith("http"),
                            )
                        ),
                    )
                    .order_by(Notice.id)
                ).all()
        except Exception as exc:  # noqa: BLE001 - no schema yet: nothing to retry
            self.logger.warning("cannot list documents to retry: %s", exc)
            return []
        if rows and self.crawler is not None:
            self.crawler.stats.set_value("observatory/document_retry_notices", len(rows))
        return [DocumentRetry(self.name, notice_id, source_id) for notice_id, source_id in rows]

    # -- helpers for subclasses -------------------------------------------------------------------

    def url(self, path: str) -> str:
        """An absolute URL on this spider's base_url (the replay server in tests and the demo)."""
        return urljoin(self.base_url + "/", path.lstrip("/"))

    @property
    def scope(self) -> Scope:
        return scope_for(self.settings)

    def windows(self, days: int) -> Iterator[tuple[dt.date, dt.date]]:
        """[from_date, until_date] cut into inclusive windows of `days` days, oldest first."""
        start = self.from_date
        while start <= self.until_date:
            end = min(start + dt.timedelta(days=days - 1), self.until_date)
            yield start, end
            start = end + dt.timedelta(days=1)

    @property
    def sample_reached(self) -> bool:
        return self.sample is not None and self.items_emitted >= self.sample

    def record_error(
        self, reason: str, url: str | None = None, detail: str | None = None, *, blocking: bool = True, **context: Any
    ) -> None:
        """An error the run record must show (the crawl goes on). A blocking error (a listing page or
        file missed) keeps the source's cursor where it was, so the next run re-reads the window; a
        document that failed is not blocking (its row stays failed and is retried with its notice)."""
        self.errors_total += 1
        if blocking:
            self.blocking_errors += 1
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"observatory/errors/{reason}")
        if len(self.crawl_errors) < MAX_ERRORS_KEPT:
            entry = {"reason": reason, "url": url, "detail": detail, **context}
            self.crawl_errors.append({k: v for k, v in entry.items() if v is not None})
        self.logger.warning("crawl error %s at %s: %s", reason, url, detail)

    def mark_broken(self, reason: str, url: str | None = None) -> None:
        """The page no longer has the expected structure (zero rows, required fields missing): the
        source is marked broken instead of succeeding silently."""
        self.structure_error = reason
        self.record_error("structure_mismatch", url, reason)

    def record_failure(self, failure: Failure, reason: str | None = None) -> None:
        """Errback helper: record a failed request with a reason derived from the failure."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        self.record_error(reason or failure_reason(failure), url, detail=str(failure.value)[:300])

    def decide_scope(self, item: NoticeItem) -> None:
        if item.in_scope is not None:
            return
        cpv = item.cpv
        if cpv is None and item.cpv_label:
            cpv = self.scope.code_for_label(item.cpv_label)
            item.cpv = cpv
        texts = [item.cpv_label, item.title, item.description, *(lot.title for lot in item.lots)]
        lot_cpvs = [lot.cpv for lot in item.lots if lot.cpv]
        decision = self.scope.decide(cpv, *texts)
        for lot_cpv in lot_cpvs:
            if decision.in_scope:
                break
            lot_decision = self.scope.decide(lot_cpv)
            if lot_decision.in_scope:
                decision = lot_decision
        item.in_scope, item.scope_reason = decision.in_scope, decision.reason

    def emit(self, item: NoticeItem) -> Iterator[Any]:
        """Yield an item (or the request for its documents page first). Honours `sample`."""
        if self.sample_reached:
            return
        self.decide_scope(item)
        if not item.in_scope:
            if self.crawler is not None:
                self.crawler.stats.inc_value("observatory/out_of_scope")
            item._out_of_scope_counted = True  # type: ignore[attr-defined]  # ScopePipeline must not count it again
            if not self.keep_out_of_scope:
                return
        self.items_emitted += 1
        if item.published_on and (self.newest_published is None or item.published_on > self.newest_published):
            self.newest_published = item.published_on
        if item.in_scope and item.documents_url and not item.documents:
            yield self.documents_page_request(item)
        else:
            yield item

    def documents_page_request(self, item: NoticeItem) -> scrapy.Request:
        return scrapy.Request(
            item.documents_url,
            callback=self._documents_page,
            errback=self._documents_page_failed,
            cb_kwargs={"item": item},
            dont_filter=True,
        )

    def _documents_page(self, response: Response, item: NoticeItem) -> Iterator[Any]:
        try:
            refs = list(self.parse_documents_page(response, item))
        except Exception as exc:  # noqa: BLE001 - a broken page loses its documents, not the notice
            self.record_error("documents_page_unreadable", response.url, str(exc)[:300])
            refs = [DocumentRef(response.url, DOCUMENTS_PAGE_TITLE, "failed", f"unsupported: {exc}"[:200])]
        if not refs and self.is_file_response(response):
            refs = [DocumentRef(response.url, None)]
        if not refs:
            refs = [DocumentRef(response.url, DOCUMENTS_PAGE_TITLE, "failed", "not_found: no attachment links on page")]
        item.documents.extend(refs)
        yield item

    def _documents_page_failed(self, failure: Failure) -> Iterator[Any]:
        item: NoticeItem = failure.request.cb_kwargs["item"]
        reason = failure_reason(failure)
        item.documents.append(DocumentRef(failure.request.url, DOCUMENTS_PAGE_TITLE, "failed", reason))
        self.crawler.stats.inc_value(f"observatory/documents_page_failed/{reason.split(':')[0]}")
        yield item

    @staticmethod
    def is_file_response(response: Response) -> bool:
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        return not (ctype.startswith("text/") or "html" in ctype or "json" in ctype)

    def parse_documents_page(self, response: Response, item: NoticeItem) -> Iterator[DocumentRef]:
        """Attachment links of a documents page (generic: file extensions and download hints)."""
        if self.is_file_response(response):
            yield DocumentRef(response.url, None)
            return
        seen: set[str] = set()
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            if not href or href.startswith(("#", "mailto:", "javascript:")):
                continue
            url = response.urljoin(href)
            path = urlsplit(url).path.lower()
            if not (path.endswith(ATTACHMENT_EXTENSIONS) or DOWNLOAD_HINTS.search(url)):
                continue
            if url in seen:
                continue
            seen.add(url)
            title = " ".join(" ".join(link.css("::text").getall()).split()) or None
            yield DocumentRef(url, title)
