"""Zip archives of tender documents, read in memory with limits (never unpacked to disk)."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from extract.errors import CORRUPT, ZIP_BOMB, ZIP_UNSAFE_PATH, ExtractionError


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 500
    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 100.0  # uncompressed / compressed, per entry and overall
    max_member_bytes: int = 200 * 1024 * 1024


def _unsafe(name: str) -> bool:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return True
    parts = posixpath.normpath(name.replace("\\", "/")).split("/")
    return ".." in parts


def members(data: bytes, limits: ZipLimits = ZipLimits()) -> list[tuple[str, bytes]]:
    """The files of an archive after checking it; raises ExtractionError on a bomb or unsafe names."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionError(CORRUPT, f"unreadable zip ({exc})") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_entries:
            raise ExtractionError(ZIP_BOMB, f"{len(infos)} entries, more than {limits.max_entries}")
        total = sum(i.file_size for i in infos)
        if total > limits.max_total_bytes:
            raise ExtractionError(ZIP_BOMB, f"{total} bytes uncompressed, more than {limits.max_total_bytes}")
        compressed = sum(i.compress_size for i in infos) or 1
        if total / compressed > limits.max_ratio:
            raise ExtractionError(ZIP_BOMB, f"compression ratio {total / compressed:.0f}, more than {limits.max_ratio:.0f}")
        for info in infos:
            if _unsafe(info.filename):
                raise ExtractionError(ZIP_UNSAFE_PATH, f"entry {info.filename!r} points outside the archive")
            if info.file_size > limits.max_member_bytes or info.file_size / max(info.compress_size, 1) > limits.max_ratio:
                raise ExtractionError(ZIP_BOMB, f"entry {info.filename!r} inflates too much")
        out = []
        for info in infos:
            try:
                # Read at most the declared size + 1: a lying header cannot inflate past the limit.
                with archive.open(info) as handle:
                    content = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                raise ExtractionError(CORRUPT, f"entry {info.filename!r} unreadable ({exc})") from None
            if len(content) > info.file_size:
                raise ExtractionError(ZIP_BOMB, f"entry {info.filename!r} inflates beyond its declared size")
            out.append((info.filename, content))
        return out
