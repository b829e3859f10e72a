"""Why a document could not be read: a short reason code the runner stores on the document row."""

from __future__ import annotations

# Reason codes (document.extraction_reason is "<code>: <detail>").
ENCRYPTED = "encrypted"
CORRUPT = "corrupt"
TRUNCATED = "truncated"
ZERO_PAGES = "zero_pages"
PAGE_BOMB = "page_bomb"
IMAGE_ONLY_UNREADABLE = "image_only_unreadable"
ZIP_BOMB = "zip_bomb"
ZIP_UNSAFE_PATH = "zip_unsafe_path"
SIGNED_CONTENT_UNREADABLE = "signed_content_unreadable"
DETACHED_SIGNATURE = "detached_signature"
UNSUPPORTED_TYPE = "unsupported_type"
EMPTY = "empty"
TOO_LARGE = "too_large"
TIMEOUT = "timeout"
MEMORY_LIMIT = "memory_limit"
CRASHED = "crashed"
MISSING_FILE = "missing_file"
STORE_MISMATCH = "store_mismatch"


class ExtractionError(Exception):
    """Raised when a document cannot be read; `reason` is one of the codes above.

    `skip` marks inputs that hold nothing to read (a detached signature) rather than a broken file.
    """

    def __init__(self, reason: str, detail: str = "", *, skip: bool = False) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.skip = skip

    @property
    def message(self) -> str:
        return str(self)
