"""The pure entry point: document bytes -> text of every page -> fields with evidence."""

from __future__ import annotations

import hashlib
import io

from extract import archive, html, office, pdf, sniff
from extract.errors import (
    EMPTY,
    IMAGE_ONLY_UNREADABLE,
    SIGNED_CONTENT_UNREADABLE,
    TOO_LARGE,
    UNSUPPORTED_TYPE,
    ExtractionError,
)
from extract.fields import extract_fields
from extract.kind import document_kind
from extract.model import DocumentResult, DocumentText, Page
from extract.ocr import OCRUnavailable, ocr_image

MAX_DEPTH = 4  # zip inside p7m inside zip ...: deeper nesting is not a tender file set
MAX_BYTES = 300 * 1024 * 1024


def read_document(data: bytes, *, depth: int = 0, ocr: bool = True, max_pages: int = pdf.MAX_PAGES) -> DocumentText:
    """Pages of text of any supported file; raises ExtractionError with a reason for bad input."""
    if not data:
        raise ExtractionError(EMPTY, "the file is empty")
    if len(data) > MAX_BYTES:
        raise ExtractionError(TOO_LARGE, f"{len(data)} bytes")
    media_type = sniff.sniff(data)
    if media_type == sniff.PDF:
        pages, warnings = pdf.page_texts(data, ocr=ocr, max_pages=max_pages)
        return DocumentText(media_type, pages, ocr=any(p.ocr for p in pages), warnings=warnings)
    if media_type == sniff.CMS:
        from extract import signed

        content, layers = signed.unwrap(data)
        if depth >= MAX_DEPTH:
            raise ExtractionError(SIGNED_CONTENT_UNREADABLE, "nested too deeply")
        try:
            inner = read_document(content, depth=depth + 1, ocr=ocr, max_pages=max_pages)
        except ExtractionError as exc:
            if exc.skip:
                raise
            raise ExtractionError(SIGNED_CONTENT_UNREADABLE, f"signed content: {exc.message}") from None
        layers[-1]["content_media_type"] = inner.media_type
        inner.envelope = layers + inner.envelope
        inner.media_type = sniff.CMS  # the type of the bytes whose sha256 is reported
        return inner
    if media_type == sniff.ZIP:
        return _read_zip(data, depth=depth, ocr=ocr, max_pages=max_pages)
    if media_type == sniff.DOCX:
        return DocumentText(media_type, office.docx_pages(data))
    if media_type in (sniff.ODT, sniff.ODS):
        return DocumentText(media_type, office.odt_pages(data))
    if media_type == sniff.RTF:
        return DocumentText(media_type, office.rtf_pages(data))
    if media_type == sniff.XLSX:
        return DocumentText(media_type, office.xlsx_pages(data))
    if media_type == sniff.HTML:
        return DocumentText(media_type, html.html_pages(data))
    if media_type == sniff.TEXT:
        return DocumentText(media_type, [Page(1, data.decode("utf-8", "replace"))])
    if media_type in sniff.IMAGE_TYPES and ocr:
        return _read_image(data, media_type)
    raise ExtractionError(UNSUPPORTED_TYPE, media_type)


def _read_zip(data: bytes, *, depth: int, ocr: bool, max_pages: int) -> DocumentText:
    if depth >= MAX_DEPTH:
        raise ExtractionError(UNSUPPORTED_TYPE, "archive nested too deeply")
    pages: list[Page] = []
    warnings: list[str] = []
    failures: list[ExtractionError] = []
    envelope = []
    any_ocr = False
    for name, content in archive.members(data):
        try:
            inner = read_document(content, depth=depth + 1, ocr=ocr, max_pages=max_pages)
        except ExtractionError as exc:
            # One unreadable member does not hide the others; it is reported.
            failures.append(exc)
            warnings.append(f"{name}: {exc.message}")
            envelope.append({"layer": "zip", "member": name, "status": "failed", "reason": exc.message})
            continue
        for page in inner.pages:
            page.member = f"{name}/{page.member}" if page.member else name
            pages.append(page)
        any_ocr = any_ocr or inner.ocr
        warnings.extend(f"{name}: {w}" for w in inner.warnings)
        envelope.append({"layer": "zip", "member": name, "status": "read", "media_type": inner.media_type})
    if not pages:
        if not failures:
            raise ExtractionError(EMPTY, "the archive holds no files")
        # Nothing readable: the archive fails with the reason of its first member, all listed.
        raise ExtractionError(failures[0].reason, "no member readable: " + "; ".join(warnings), skip=all(f.skip for f in failures))
    return DocumentText(sniff.ZIP, pages, ocr=any_ocr, warnings=warnings, envelope=envelope)


def _read_image(data: bytes, media_type: str) -> DocumentText:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 120_000_000  # an A4 page at 600 dpi is ~35 Mpx
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        text = ocr_image(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ExtractionError(IMAGE_ONLY_UNREADABLE, f"image unreadable ({exc})") from None
    except OCRUnavailable as exc:
        raise ExtractionError(IMAGE_ONLY_UNREADABLE, f"OCR unavailable: {exc}") from None
    if len(text.strip()) < pdf.MIN_TEXT_CHARS:
        raise ExtractionError(IMAGE_ONLY_UNREADABLE, "OCR found no text in the image")
    return DocumentText(media_type, [Page(1, text, ocr=True)], ocr=True)


def extract_bytes(data: bytes, *, ocr: bool = True) -> DocumentResult:
    """Read one document and extract its fields. Raises ExtractionError for bad input."""
    text = read_document(data, ocr=ocr)
    return DocumentResult(
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=text.media_type,
        pages=len(text.pages),
        kind=document_kind(text.pages),
        ocr=text.ocr,
        fields=extract_fields(text.pages),
        warnings=text.warnings,
        envelope=text.envelope,
    )
