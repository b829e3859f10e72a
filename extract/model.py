"""The text of a document as the field extractors see it, and the result of reading one document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Table = list[list[str]]


@dataclass
class Page:
    """One page of text. `number` is 1-based within its file; `member` names the file inside an archive."""

    number: int
    text: str
    tables: list[Table] = field(default_factory=list)
    ocr: bool = False
    member: str | None = None


@dataclass
class DocumentText:
    media_type: str
    pages: list[Page]
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)
    # What was unwrapped on the way (signatures, archive members), for the record.
    envelope: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DocumentResult:
    """What `extract-file --json` prints and what an Extraction row stores."""

    sha256: str
    media_type: str
    pages: int
    kind: str
    ocr: bool
    fields: dict[str, dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    envelope: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "document": {
                "sha256": self.sha256,
                "media_type": self.media_type,
                "pages": self.pages,
                "kind": self.kind,
                "ocr": self.ocr,
            },
            "fields": self.fields,
        }
