"""What every field extractor returns: a value (None when not found) and its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Found:
    value: Any = None
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def as_field(self) -> dict[str, Any]:
        return {"value": self.value, "evidence": self.evidence if self.value is not None else []}


NOT_FOUND = Found()
