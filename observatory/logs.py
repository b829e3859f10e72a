"""Logging: one line per event; noisy libraries turned down; document bytes never logged.

Every record is rendered on one line (a traceback is folded with " | ") so that a log file can be
grepped and shipped line by line. Context passed as `extra={"run": ..., "source": ..., "notice": ...,
"document": ...}` is appended as `key=value`. Bytes given as log arguments are replaced by their
length, so that a careless `logger.debug("%s", body)` cannot put a document into the log.
"""

from __future__ import annotations

import logging
import sys

NOISY = (
    "pdfminer", "pdfplumber", "scrapy.core.scraper", "urllib3", "apscheduler.executors", "alembic.runtime",
    "apscheduler.scheduler", "PIL", "twisted", "filelock",
)
CONTEXT_KEYS = ("run", "source", "notice", "document", "observatory", "delivery")
MAX_MESSAGE = 2000  # characters; a longer message is cut (scraped text can be long)


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = " ".join(f"{k}={getattr(record, k)}" for k in CONTEXT_KEYS if getattr(record, k, None) is not None)
        if context:
            text = f"{text} [{context}]"
        return text.replace("\r", "").replace("\n", " | ")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging API
        message = super().formatMessage(record)
        return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + f"... ({len(message)} chars)"


class NoBytesFilter(logging.Filter):
    """Replace bytes arguments by their size: document content never reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, bytes | bytearray | memoryview) for a in record.args):
            record.args = tuple(
                f"<{len(a)} bytes>" if isinstance(a, bytes | bytearray | memoryview) else a for a in record.args
            )
        elif isinstance(record.msg, bytes | bytearray):
            record.msg, record.args = f"<{len(record.msg)} bytes>", ()
        return True


_HANDLER_NAME = "observatory"


def configure_logging(level: int = logging.INFO) -> None:
    """Install (or re-level) the one stderr handler of the process; safe to call more than once."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(
            OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z")
        )
        handler.addFilter(NoBytesFilter())
        root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
