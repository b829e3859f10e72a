"""Regions by ISTAT code or name (the territory module of the kernel)."""

from __future__ import annotations

from typing import Any

from kernel import territory as geo


def region_code(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    found = geo.region(text.zfill(2) if text.isdigit() else text)
    return found.code if found is not None else None


def region_name(code: str | None) -> str:
    return (geo.region_name(code) if code else None) or (code or "?")
