"""The registry of collective agreements (CCNL): reference data shared by extraction and rules.

`data/ccnl.yaml` lists each agreement with its CNEL archive code (where known), name, signatories, sectors
and whether it is signed by the comparatively most representative organisations, each with the source of
the code. Matching is by the entry's lower-case regular expressions; the first entry that matches wins,
so the specific entries (minor signatories) come first in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from kernel.errors import ReferenceDataError

REGISTRY_FILE = Path(__file__).resolve().parent / "data" / "ccnl.yaml"
REQUIRED_KEYS = ("name", "patterns", "signatories", "sectors", "status", "source")


@dataclass(frozen=True)
class CcnlEntry:
    code: str | None
    name: str
    patterns: tuple[re.Pattern[str], ...]
    signatories: tuple[str, ...]
    most_representative: bool
    sectors: tuple[str, ...]
    status: str
    source: str

    @cached_property  # read by two rules per notice
    def label(self) -> str:
        return f"{self.name} (CNEL {self.code})" if self.code else self.name


def load_ccnl_registry(path: Path = REGISTRY_FILE) -> list[CcnlEntry]:
    """Read and validate the registry; a malformed entry is a ReferenceDataError naming it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ReferenceDataError(f"CCNL registry {path} cannot be read: {exc.strerror}") from None
    except yaml.YAMLError:
        raise ReferenceDataError(f"CCNL registry {path} is not valid YAML") from None
    return [_entry(item) for item in raw.get("ccnl") or []]


def _entry(item: dict[str, Any]) -> CcnlEntry:
    where = f"ccnl.yaml {item.get('name')}"
    missing = [key for key in REQUIRED_KEYS if key not in item]
    if missing:
        raise ReferenceDataError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(item.get("most_representative"), bool):
        raise ReferenceDataError(f"{where}: most_representative must be true or false")
    try:
        patterns = tuple(re.compile(p) for p in item["patterns"])
    except re.error as exc:
        raise ReferenceDataError(f"{where}: bad regular expression: {exc}") from None
    return CcnlEntry(item.get("code"), item["name"], patterns, tuple(item["signatories"]),
                     item["most_representative"], tuple(item["sectors"]), item["status"], item["source"])


def match_ccnl(entries: list[CcnlEntry], text: str) -> CcnlEntry | None:
    """The first entry whose patterns match the CCNL named in a tender."""
    lowered = text.lower()
    return next((e for e in entries if any(p.search(lowered) for p in e.patterns)), None)
