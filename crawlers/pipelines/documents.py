"""DocumentsPipeline: Scrapy's FilesPipeline storing files by the sha256 of their bytes.

For each stored in-scope notice it downloads the document rows not yet retrieved (so a failure is
retried by the next run and a retrieved file is not fetched again), through the same downloader
middlewares as pages (robots.txt, politeness, Retry-After). Each file is written once at
`document_store / sha256[:2] / sha256`; the row gets `retrieval_status` "retrieved" with sha256,
media type (sniffed from the bytes), size and `stored_path`, or "failed" with a reason from
db.models.document.RETRIEVAL_REASONS: robots_denied, forbidden, captcha, not_found, timeout,
too_large, unsupported, http_error: N, network_error. "Not retrieved" never reads as "absent".
"""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from sqlalchemy import select, update
from twisted.internet import defer
from twisted.python.failure import Failure

from crawlers.exceptions import DocumentNotRetrieved
from crawlers.failures import failure_reason, status_reason
from crawlers.items import DOCUMENTS_PAGE_TITLE, DocumentRetry, NoticeItem
from crawlers.pipelines.database import current_engine
from db.base import utcnow
from db.models import Document
from db.session import session_scope

SUPPORTED_TYPES = {
    "application/pdf", "application/pkcs7-mime", "application/zip", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text", "application/rtf", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet", "application/x-7z-compressed", "application/vnd.rar",
}


def sniff_media_type(body: bytes) -> str:
    """Media type from the first bytes (portals send application/octet-stream or lie)."""
    head = body[:8]
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(body)).namelist()
        except zipfile.BadZipFile:
            return "application/zip"
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if "mimetype" in names:
            mimetype = zipfile.ZipFile(BytesIO(body)).read("mimetype").decode("ascii", "ignore").strip()
            return mimetype or "application/zip"
        return "application/zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "application/msword"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith(b"7z\xbc\xaf"):
        return "application/x-7z-compressed"
    if head.startswith(b"Rar!"):
        return "application/vnd.rar"
    if head[:1] == b"\x30" and head[1:2] in (b"\x80", b"\x81", b"\x82", b"\x83", b"\x84"):
        return "application/pkcs7-mime"  # DER SEQUENCE: a CAdES .p7m envelope
    if body[:64].lstrip().lower().startswith((b"<!doctype html", b"<html")) or b"<html" in body[:1024].lower():
        return "text/html"
    if body[:64].lstrip().startswith(b"-----BEGIN PKCS7") or body[:64].lstrip().startswith(b"MII"):
        return "application/pkcs7-mime"  # base64 p7m
    return "application/octet-stream"


class SharedFSFilesStore(FSFilesStore):
    """The file store, safe when several crawl processes write into it at once.

    Scrapy's `FSFilesStore._mkdir` checks `exists()` then calls `mkdir()`: two spiders started side by
    side by the runner race between the two and one dies with FileExistsError.
    """

    def _mkdir(self, dirname: Path, domain: Any = None) -> None:
        seen: set[str] = self.created_directories[domain] if domain else set()
        if str(dirname) not in seen:
            dirname.mkdir(parents=True, exist_ok=True)
            seen.add(str(dirname))


class DocumentsPipeline(FilesPipeline):
    """Get each pending document of an in-scope item; record retrieved/failed on its row."""

    STORE_SCHEMES = {**FilesPipeline.STORE_SCHEMES, "": SharedFSFilesStore, "file": SharedFSFilesStore}

    def __init__(self, store_uri: Any, download_func: None = None, *, crawler: Any) -> None:
        super().__init__(store_uri, crawler=crawler)
        self.max_bytes = crawler.settings.getint("OBSERVATORY_DOCUMENT_MAX_BYTES")
        self._requests_of: dict[int, list[Request]] = {}

    def get_media_requests(self, item: NoticeItem, info: Any) -> list[Request]:
        if not isinstance(item, NoticeItem | DocumentRetry) or not item.in_scope or item.notice_id is None:
            return []
        with session_scope(current_engine(self.crawler.settings)) as session:
            rows = session.execute(
                select(Document.id, Document.url, Document.title).where(
                    Document.notice_id == item.notice_id, Document.retrieval_status != "retrieved"
                )
            ).all()
        failed_by_spider = {ref.url for ref in item.documents if ref.status == "failed"}
        if isinstance(item, DocumentRetry):
            # A documents page that failed is read again with its notice, never fetched as a file.
            failed_by_spider |= {url for _id, url, title in rows if title == DOCUMENTS_PAGE_TITLE}
        requests = [
            Request(
                url,
                callback=NO_CALLBACK,
                meta={"document_id": doc_id, "download_maxsize": self.max_bytes, "observatory_document": True},
            )
            for doc_id, url, _title in rows
            if url not in failed_by_spider and url.startswith(("http://", "https://"))
        ]
        # item_completed receives results in this order; results of a URL already fetched in this
        # crawl are shared, so the row id comes from our request, never from the cached result.
        self._requests_of[id(item)] = requests
        return requests

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> None:
        return None  # only pending/failed rows are requested: always download them

    def media_failed(self, failure: Failure, request: Request, info: Any) -> Any:
        raise DocumentNotRetrieved(failure_reason(failure))

    async def media_downloaded(self, response: Response, request: Request, info: Any, *, item: Any = None) -> dict[str, Any]:
        if response.status != 200:
            raise DocumentNotRetrieved(status_reason(response.status))
        body = response.body
        if not body:
            raise DocumentNotRetrieved("not_found: empty file")
        media_type = sniff_media_type(body)
        if media_type == "text/html":
            lowered = body[:200_000].lower()
            if b"captcha" in lowered:
                raise DocumentNotRetrieved("captcha")
            if b'type="password"' in lowered or b"login" in lowered[:5000]:
                raise DocumentNotRetrieved("forbidden: login page instead of the file")
            raise DocumentNotRetrieved("unsupported: an HTML page, not a file")
        sha256 = hashlib.sha256(body).hexdigest()
        path = f"{sha256[:2]}/{sha256}"
        stat = await _maybe_await(self.store.stat_file(path, info))
        if not stat:
            await _maybe_await(self.store.persist_file(path, BytesIO(body), info))
        self.inc_stats("downloaded")
        return {"url": request.url, "path": path, "checksum": sha256, "status": "downloaded",
                "media_type": media_type, "size": len(body)}

    def file_path(self, request: Request, response: Response | None = None, info: Any = None, *, item: Any = None) -> str:
        if response is not None:
            digest = hashlib.sha256(response.body).hexdigest()
            return f"{digest[:2]}/{digest}"
        return f"pending/{hashlib.sha256(request.url.encode()).hexdigest()}"

    def item_completed(self, results: list[tuple[bool, Any]], item: NoticeItem, info: Any) -> NoticeItem:
        requests = self._requests_of.pop(id(item), [])
        stats = self.crawler.stats
        spider = self.crawler.spider
        now = utcnow()
        if not results:
            return item
        with session_scope(current_engine(self.crawler.settings)) as session:
            for (ok, value), request in zip(results, requests, strict=True):
                document_id = request.meta["document_id"]
                if ok:
                    session.execute(
                        update(Document).where(Document.id == document_id).values(
                            retrieval_status="retrieved", retrieval_reason=None, sha256=value["checksum"],
                            media_type=value["media_type"], size=value["size"], stored_path=value["path"],
                            retrieved_at=now, retrieval_attempts=Document.retrieval_attempts + 1,
                            extraction_status="pending" if value["media_type"] in SUPPORTED_TYPES else "skipped",
                            updated_at=now,
                        )
                    )
                    stats.inc_value("observatory/documents_retrieved")
                    continue
                reason = failure_reason(value)
                session.execute(
                    update(Document).where(Document.id == document_id).values(
                        retrieval_status="failed", retrieval_reason=reason,
                        retrieval_attempts=Document.retrieval_attempts + 1, updated_at=now,
                    )
                )
                stats.inc_value("observatory/documents_failed")
                stats.inc_value(f"observatory/documents_failed/{reason.split(':')[0]}")
                spider.record_error(
                    f"document_{reason.split(':')[0]}", request.url, reason, blocking=False, notice=item.source_notice_id
                )
        return item


async def _maybe_await(value: Any) -> Any:
    from scrapy.utils.defer import maybe_deferred_to_future

    if isinstance(value, defer.Deferred):
        return await maybe_deferred_to_future(value)
    return value
