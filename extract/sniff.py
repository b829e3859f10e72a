"""The real type of a file, from its first bytes (never from its name)."""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
RTF = "application/rtf"
CMS = "application/pkcs7-mime"  # CAdES .p7m / .p7s: decided later (attached or detached)
HTML = "text/html"
XML = "application/xml"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
OCTET = "application/octet-stream"

IMAGE_TYPES = (PNG, JPEG, TIFF)


def _looks_like_base64_cms(head: bytes) -> bool:
    stripped = head.lstrip()
    if stripped.startswith(b"-----BEGIN"):
        return b"PKCS7" in stripped[:64] or b"CMS" in stripped[:64]
    # DER SEQUENCE 0x30 0x80/0x82... in Base64 starts with "MI" (definite) or "MIA" (indefinite).
    return stripped.startswith((b"MII", b"MIA", b"MIG"))


def sniff(data: bytes) -> str:
    head = data[:2048]
    if not head:
        return OCTET
    # Before %PDF: a signed PDF carries the PDF's first bytes inside its own first kilobyte.
    if head[0] == 0x30 and len(head) > 4 and _is_der_cms(head):
        return CMS
    # Before %PDF too: a zip may store a PDF uncompressed right after its first header.
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    # Some portals prepend a BOM or blank lines before %PDF; the spec allows junk in the first 1 KiB.
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if _looks_like_base64_cms(head):
        return CMS
    if head.lstrip().startswith(b"{\\rtf"):
        return RTF
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \r\n\t").lower()
    if text.startswith("<!doctype html") or "<html" in text[:1024] or "<body" in text[:2048]:
        return HTML
    if text.startswith("<?xml") or text.startswith("<"):
        return XML
    if _mostly_text(head):
        return TEXT
    return OCTET


def _is_der_cms(head: bytes) -> bool:
    # ContentInfo ::= SEQUENCE { contentType OID 1.2.840.113549.1.7.x ... }
    return b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07" in head[:32]


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "ignore").strip()
                if mimetype in (ODT, ODS):
                    return mimetype
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return ZIP
    return ZIP


def _mostly_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            decoded = head.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes everything
            return False
        return sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded) > 0.95 * len(decoded)
    return b"\x00" not in head
