"""Errors of the crawl layer."""

from __future__ import annotations


class SpiderArgumentError(ValueError):
    """Raised by a spider's from_crawler when an argument (-a from_date=..., sample=...) is malformed."""


class DocumentNotRetrieved(Exception):
    """A document could not be stored; `reason` is one of db.models.document.RETRIEVAL_REASONS
    (optionally followed by ": detail"), written on the document row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BulkFileError(Exception):
    """A bulk file (zip, jsonl) could not be fetched or read; `reason` goes on the run record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
