"""Logging: one line per event, context appended, document bytes never logged."""

from __future__ import annotations

import io
import logging

import pytest

from observatory.logs import NoBytesFilter, OneLineFormatter


@pytest.fixture
def capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(NoBytesFilter())
    logger = logging.getLogger("observatory.test_logs")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def test_a_traceback_stays_on_one_line_with_its_context(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    try:
        raise ValueError("bad page\nsecond line")
    except ValueError:
        logger.exception("stage %s failed", "crawl", extra={"run": 12, "source": "ted"})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ERROR observatory.test_logs: stage crawl failed")
    assert "ValueError: bad page | second line" in lines[0]
    assert lines[0].endswith("[run=12 source=ted]")


def test_document_bytes_are_replaced_by_their_size(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    body = b"%PDF-1.7 secret content of a tender document"
    logger.debug("downloaded %s for document %s", body, 7, extra={"document": 7})
    logger.debug(body)
    text = stream.getvalue()
    assert "secret content" not in text and "PDF-1.7" not in text
    assert f"downloaded <{len(body)} bytes> for document 7 [document=7]" in text
    assert f"<{len(body)} bytes>" in text.splitlines()[1]
