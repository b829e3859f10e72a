"""The region a regional act's title names ("REGIONE VENETO", "Regione Emilia-Romagna", "Legge regionale ...")."""

from __future__ import annotations

from functools import lru_cache

from kernel import territory as geo


@lru_cache(maxsize=1)
def _names() -> list[tuple[str, str]]:
    names = []
    for region in geo.regions():
        names.append((geo.normalize(region.name), region.code))
    names.sort(key=lambda item: -len(item[0]))  # "Friuli-Venezia Giulia" before a shorter name inside it
    return names


def region_in_title(title: str) -> str | None:
    text = f" {geo.normalize(title)} "
    for name, code in _names():
        if f" regione {name} " in text or f" {name} " in text and "regional" in text:
            return code
    return None


def region_name(code: str | None) -> str | None:
    return geo.region_name(code) if code else None
