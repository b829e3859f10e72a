"""Errors of the crawl layer."""

from __future__ import annotations

from kernel.streams import BulkFileError  # noqa: F401 - raised by the bulk readers, caught by the spiders


class SpiderArgumentError(ValueError):
    """Raised by a spider's from_crawler when an argument (-a from_date=..., sample=...) is malformed."""


class DocumentNotRetrieved(Exception):
    """A document could not be stored; `reason` is one of db.models.document.RETRIEVAL_REASONS
    (optionally followed by ": detail"), written on the document row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


