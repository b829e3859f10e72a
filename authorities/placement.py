"""Where an authority is: ISTAT comune, province and region from whatever fields a source gives.

The order is from the most to the least precise field: ISTAT comune code, comune name (with its
province when the name is ambiguous), province (code, sigla or name), region, NUTS, and last the
authority's own name when it is an ente territoriale ("COMUNE DI TRANI", "PROVINCIA DI CUNEO",
"REGIONE MARCHE"). Nothing else is inferred: an authority none of these places stays unplaced, with
the reason, and `observatory authorities list --unplaced` shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel import territory


@dataclass(frozen=True)
class Placement:
    istat_comune: str | None = None
    istat_province: str | None = None
    istat_region: str | None = None
    nuts: str | None = None
    source: str = "unplaced"  # how it was placed, or "unplaced: why"
    conflict: str | None = None  # two fields that disagree (kept visible, the precise one wins)

    @property
    def placed(self) -> bool:
        return self.istat_region is not None

    @property
    def description(self) -> str:
        return self.source + (f" (conflict: {self.conflict})" if self.conflict else "")


_TERRITORIAL = (
    (re.compile(r"^(?:COMUNE|CITTA|MUNICIPIO) (?:DI |DEL |DELLA |DELL |DEI |DEGLI )?(?P<rest>.+)$"), "comune"),
    (re.compile(r"^(?:AMMINISTRAZIONE )?PROVINCIA (?:AUTONOMA |REGIONALE )?(?:DI |DEL |DELLA |DELL )?(?P<rest>.+)$"), "province"),
    (re.compile(r"^CITTA METROPOLITANA (?:DI )?(?P<rest>.+)$"), "province"),
    (re.compile(r"^LIBERO CONSORZIO COMUNALE (?:DI )?(?P<rest>.+)$"), "province"),
    (re.compile(r"^(?:ENTE )?REGIONE (?:AUTONOMA )?(?P<rest>.+)$"), "region"),
)


def _from_comune(found: territory.Comune, source: str) -> Placement:
    return Placement(found.code, found.province, found.region, found.nuts3, source)


def _from_province(found: territory.Province, source: str) -> Placement:
    return Placement(None, found.code if found.current else None, found.region, found.nuts3, source)


def place_from_name(name: str | None) -> Placement | None:
    """An ente territoriale placed by its own name; the longest leading words that name one place.

    "COMUNE DI ERCOLANO DIPARTIMENTO ASSETTO..." -> Ercolano. A name that matches two comuni (Livo)
    or none places nothing.
    """
    key = territory.normalize(name).upper()
    if key.startswith("COMUNE DI CITTA METROPOLITANA"):
        key = key[len("COMUNE DI "):]
    for pattern, kind in _TERRITORIAL:
        match = pattern.match(key)
        if not match:
            continue
        words = match.group("rest").split()
        if match.group(0).startswith("CITTA ") and kind == "comune" and words[:1] == ["METROPOLITANA"]:
            continue
        for size in range(min(len(words), 6), 0, -1):
            candidate = " ".join(words[:size])
            if kind == "comune":
                found = territory.comune(candidate)
                if found is not None:
                    return _from_comune(found, "name")
                if territory.comuni_named(candidate):
                    return None  # an ambiguous comune name: not placed by name
            elif kind == "province":
                prov = territory.province(candidate)
                if prov is not None:
                    return _from_province(prov, "name")
            else:
                region = territory.region(candidate)
                if region is not None:
                    return Placement(None, None, region.code, None, "name")
        return None
    return None


def place(
    *,
    comune_code: str | None = None,
    comune_name: str | None = None,
    province: str | None = None,
    region: str | None = None,
    nuts: str | None = None,
    name: str | None = None,
    source_label: str = "",
) -> Placement:
    """The most precise placement the given fields allow; `source` says which field decided."""
    label = f"{source_label}:" if source_label else ""
    prov = territory.province(province) if province else None
    found: Placement | None = None
    if comune_code:
        com = territory.comune(str(comune_code).strip())
        if com is not None:
            found = _from_comune(com, f"{label}istat_comune")
    if found is None and comune_name:
        com = territory.comune(comune_name, province) if prov is not None else territory.comune(comune_name)
        if com is not None:
            found = _from_comune(com, f"{label}comune_name")
    if found is None and prov is not None:
        found = _from_province(prov, f"{label}province")
    if found is None and region:
        reg = territory.region(region)
        if reg is not None:
            found = Placement(None, None, reg.code, None, f"{label}region")
    if found is None and nuts:
        code = territory.region_of_nuts(nuts)
        if code is not None:
            found = Placement(None, None, code, nuts.strip().upper()[:5], f"{label}nuts")
    if found is None and name:
        by_name = place_from_name(name)
        if by_name is not None:
            found = Placement(by_name.istat_comune, by_name.istat_province, by_name.istat_region, by_name.nuts,
                              f"{label}name")
    if found is None:
        given = [k for k, v in (("comune", comune_code or comune_name), ("province", province),
                                ("region", region), ("nuts", nuts)) if v]
        why = f"unplaced: {', '.join(given)} not recognised" if given else "unplaced: no place field"
        return Placement(source=why)
    if prov is not None and prov.region != found.istat_region:
        return Placement(found.istat_comune, found.istat_province, found.istat_region, found.nuts, found.source,
                         conflict=f"province {province!r} is in region {prov.region}")
    return found
