"""Reading big open-data files as streams: every CSV member of a zip, or a JSON-lines file (gzipped or
not), one row at a time, so that a national file costs the memory of one row. Used by the bulk spiders
(ANAC CIG and OCDS files) and by the authorities' datasets (ANAC registry and BDNCP files)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class BulkFileError(Exception):
    """A bulk file (zip, jsonl) could not be fetched or read; `reason` goes on the run record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def iter_zip_csv(path: Path, *, delimiter: str = ";") -> Iterator[dict[str, str]]:
    """Rows of every CSV member of a zip, streamed (the member is never extracted whole)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BulkFileError(f"truncated_zip: {exc}") from None
    with archive:
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
        if not members:
            raise BulkFileError("unsupported: no CSV in the zip")
        for member in members:
            try:
                with archive.open(member) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                    yield from csv.DictReader(text, delimiter=delimiter)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise BulkFileError(f"truncated_zip: {member}: {exc}") from None


def iter_jsonl(path: Path, *, compressed: bool = False) -> Iterator[dict[str, Any] | BulkFileError]:
    """Objects of a JSON-lines file (gzipped when `compressed`), streamed; a malformed line yields a
    BulkFileError in its place and reading goes on; a truncated gzip raises BulkFileError."""
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    yield BulkFileError(f"malformed_json: line {number}: {exc}")
    except (OSError, EOFError) as exc:
        raise BulkFileError(f"truncated: {exc}") from None
