"""Why a request failed, as a retrieval reason (db.models.document.RETRIEVAL_REASONS, detail after a colon).

Shared by the spiders (a listing or documents page that failed) and the documents pipeline (a file).
"""

from __future__ import annotations

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as net_error
from twisted.python.failure import Failure

from crawlers.exceptions import DocumentNotRetrieved


def failure_reason(failure: Failure) -> str:
    """A RETRIEVAL_REASONS value (with detail after a colon) for a failed request."""
    exc = failure.value
    name = type(exc).__name__
    if isinstance(exc, DocumentNotRetrieved):
        return exc.reason
    if isinstance(exc, HttpError):  # an IgnoreRequest subclass: test it first
        return status_reason(exc.response.status)
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "unreachable" in text:
            return f"network_error: {exc}"[:200]
        if "robots" in text:
            return "robots_denied"
        return f"unsupported: {exc}"[:200]
    if isinstance(exc, DownloadTimeoutError | net_error.TimeoutError | defer.TimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError | defer.CancelledError):
        # Scrapy cancels a download that passes DOWNLOAD_MAXSIZE (the file's or the request's meta).
        return "too_large" if "size" in str(exc).lower() or isinstance(exc, defer.CancelledError) else f"network_error: {name}"
    if isinstance(exc, ResponseDataLossError) or "DataLoss" in name or "ResponseFailed" in name:
        return "network_error: truncated response"
    return f"network_error: {name}"


def status_reason(status: int) -> str:
    if status in (401, 403):
        return "forbidden"
    if status in (404, 410):
        return "not_found"
    if status == 413:
        return "too_large"
    return f"http_error: {status}"
