"""Reading ANAC open-data CSV files (`;`, UTF-8, double quotes, usually zipped) row by row.

The files are read as streams (a zip member is never extracted whole), so a national file costs
the memory of one row. Headers are matched case-insensitively: ANAC mixes `cig` and `COD_ESITO`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kernel.streams import BulkFileError, iter_zip_csv


class DatasetError(ValueError):
    """A dataset file that cannot be read as the dataset it claims to be (reason for the run record)."""


def iter_rows(path: Path, *, delimiter: str = ";") -> Iterator[dict[str, str]]:
    """Rows of a `.csv` or of every CSV in a `.zip`, keys lower-cased, values stripped."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".zip" or _is_zip(path):
            rows = iter_zip_csv(path, delimiter=delimiter)
            for row in rows:
                yield _clean(row)
            return
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh, delimiter=delimiter):
                yield _clean(row)
    except BulkFileError as exc:
        raise DatasetError(exc.reason) from None
    except UnicodeDecodeError as exc:
        raise DatasetError(f"encoding: {path.name} is not UTF-8 ({exc.reason})") from None


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _clean(row: dict[str | None, str | list[str] | None]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for key, value in row.items():
        if key is None:  # more cells than header columns: kept, never silently dropped
            clean["__extra__"] = ";".join(value or []) if isinstance(value, list) else str(value)
            continue
        clean[key.strip().lower()] = (value or "").strip() if isinstance(value, str) else ""
    return clean


def check_header(row: dict[str, str], required: tuple[str, ...], dataset: str) -> None:
    missing = [c for c in required if c not in row]
    if missing:
        raise DatasetError(f"header: {dataset} lacks column(s) {', '.join(missing)}")


def amount(value: str | None) -> Decimal | None:
    """ANAC amounts: "10000.0", "454440.3"; Italian "1.234,56" accepted too; blank -> None."""
    if value is None:
        return None
    text = value.strip().replace("€", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DatasetError(f"amount: {value!r} is not a number") from None


def integer(value: str | None) -> int | None:
    number = amount(value)
    return int(number) if number is not None else None


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DATE_IT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")


def date(value: str | None) -> dt.date | None:
    """"2024-01-09", "2024-01-09 00:00:00", "2024-01-09T12:00:00Z", "2025-01-08 17:31:38.793T12:00:00Z",
    "09/01/2024"; blank -> None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    match = _DATE.match(text)
    if match:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    match = _DATE_IT.match(text)
    if match:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    raise DatasetError(f"date: {value!r} is not a date")
