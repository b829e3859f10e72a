"""Region names for the report (the territory of the kernel)."""

from __future__ import annotations

from kernel import territory as geo

UNPLACED = "Regione non determinata"


def region_label(code: str | None) -> str:
    if not code:
        return UNPLACED
    return geo.region_name(code) or code


def region_code(value: str) -> str | None:
    found = geo.region(value.zfill(2) if value.isdigit() else value)
    return found.code if found is not None else None
