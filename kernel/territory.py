"""Italian administrative geography: regions, provinces (and equivalents), comuni, NUTS codes.

Everything routes on the ISTAT region code (2 digits, "01" Piemonte ... "20" Sardegna), the key of the
Observatories' directory. Data is in ``kernel/data/territory`` (README there: edition, sources,
uncertainties). Lookups accept codes, sigle (car plates) or names; names are matched ignoring accents,
case, punctuation and the usual prefixes ("Provincia di", "Città metropolitana di", "Comune di").
A place that cannot be resolved returns ``None``: callers list it as unplaced, they never guess.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "territory"

_PREFIXES = (
    "amministrazione provinciale di ",
    "provincia autonoma di ",
    "provincia regionale di ",
    "provincia di ",
    "provincia del ",
    "provincia dell ",
    "provincia della ",
    "citta metropolitana di ",
    "citta metropolitana ",
    "libero consorzio comunale di ",
    "libero consorzio di ",
    "ente di decentramento regionale di ",
    "comune di ",
    "comune ",
    "regione autonoma ",
    "regione ",
    "province of ",
    "province ",
)


def normalize(text: str | None) -> str:
    """Lower-case ASCII words: accents dropped, punctuation and apostrophes turned into spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only.lower()).split())


def _strip_prefix(key: str) -> str:
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix):]
    return key


@dataclass(frozen=True)
class Region:
    code: str  # ISTAT, 2 digits
    name: str
    nuts2: tuple[str, ...]


@dataclass(frozen=True)
class Province:
    """A province, autonomous province, metropolitan city, free consortium or FVG regional body."""

    code: str  # ISTAT code of the "unità territoriale sovracomunale", 3 digits
    sigla: str | None
    name: str
    kind: str  # provincia, provincia_autonoma, citta_metropolitana, libero_consorzio, ...
    region: str
    nuts3: str | None
    current: bool = True  # False for historic units (pre-2016 Sardinian provinces, pre-2015 codes)
    note: str = ""


@dataclass(frozen=True)
class Comune:
    code: str  # ISTAT, 6 digits
    name: str
    name_other: str | None  # the name in the other official language (Bozen, Aoste ...)
    province: str  # ISTAT code of the current province
    sigla: str
    region: str
    catastale: str  # the Agenzia delle Entrate code used in personal fiscal codes
    nuts3: str | None


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class _Gazetteer:
    def __init__(self) -> None:
        self.regions: dict[str, Region] = {}
        self.region_keys: dict[str, str] = {}
        for row in _read("regions.csv"):
            region = Region(row["code"], row["name"], tuple(row["nuts2"].split("|")))
            self.regions[region.code] = region
            names = [region.name, *region.name.split("/"), *filter(None, row["aliases"].split("|"))]
            for name in names:
                self.region_keys[_strip_prefix(normalize(name))] = region.code

        self.provinces: dict[str, Province] = {}
        self.province_keys: dict[str, str] = {}
        for row in _read("provinces.csv"):
            prov = Province(row["code"], row["sigla"], row["name"], row["kind"], row["region"], row["nuts3"] or None)
            self.provinces[prov.code] = prov
            for name in (prov.name, *prov.name.split("/")):
                self.province_keys[normalize(name)] = prov.code
        self.sigle = {p.sigla: p.code for p in self.provinces.values() if p.sigla}
        for row in _read("province_aliases.csv"):
            self.province_keys[_strip_prefix(normalize(row["alias"]))] = row["province"]
        # Historic units: reachable by their own code, sigla and name; never shadow a current unit.
        self.historic: dict[str, Province] = {}
        self.historic_successor: dict[str, str | None] = {}
        for row in _read("historic_provinces.csv"):
            prov = Province(row["code"], row["sigla"], row["name"], "historic", row["region"], None,
                            current=False, note=row["note"])
            self.historic[prov.code] = prov
            self.historic_successor[prov.code] = row["successor"] or None
            self.sigle.setdefault(prov.sigla, prov.code)
            self.province_keys.setdefault(normalize(prov.name), prov.code)
        for row in _read("sardinia_2025.csv"):
            key = _strip_prefix(normalize(row["name"]))
            if key not in self.province_keys:
                code = "SAR:" + key
                self.historic[code] = Province(code, None, row["name"], "reform_2025", row["region"], None,
                                               current=False, note=row["note"])
                self.province_keys[key] = code

        self.comuni: dict[str, Comune] = {}
        self.comune_keys: dict[str, list[str]] = {}
        self.catastali: dict[str, str] = {}
        for row in _read("comuni.csv"):
            com = Comune(row["code"], row["name"], row["name_other"] or None, row["province"], row["sigla"],
                         row["region"], row["catastale"], row["nuts3"] or None)
            self.comuni[com.code] = com
            self.catastali[com.catastale] = com.code
            names = {com.name, *(com.name_other.split("/") if com.name_other else ())}
            for name in names:
                self.comune_keys.setdefault(normalize(name), []).append(com.code)
        for row in _read("comune_aliases.csv"):
            codes = self.comune_keys.setdefault(normalize(row["alias"]), [])
            if row["code"] not in codes:
                codes.append(row["code"])

    def province(self, value: str | int | None) -> Province | None:
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        if text.isdigit():
            code = text.zfill(3)
            return self.provinces.get(code) or self.historic.get(code)
        if len(text) == 2 and text.isalpha() and text.upper() in self.sigle:
            code = self.sigle[text.upper()]
            return self.provinces.get(code) or self.historic.get(code)
        key = normalize(text)
        code = self.province_keys.get(key) or self.province_keys.get(_strip_prefix(key))
        if code is None:
            return None
        return self.provinces.get(code) or self.historic.get(code)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


def regions() -> list[Region]:
    return list(_gazetteer().regions.values())


def provinces(*, include_historic: bool = False) -> list[Province]:
    gaz = _gazetteer()
    return list(gaz.provinces.values()) + (list(gaz.historic.values()) if include_historic else [])


def region(value: str | int | None) -> Region | None:
    """A region from its ISTAT code ("5", "05"), its name or a variant, or a NUTS-2/NUTS-3 code."""
    if value is None:
        return None
    gaz = _gazetteer()
    text = str(value).strip()
    if text.isdigit():
        return gaz.regions.get(text.zfill(2))
    code = region_of_nuts(text) if re.fullmatch(r"(?i)it[a-z0-9]{2,3}", text) else None
    if code is None:
        key = normalize(text)
        code = gaz.region_keys.get(key) or gaz.region_keys.get(_strip_prefix(key))
    return gaz.regions.get(code) if code else None


def region_name(code: str | int | None) -> str | None:
    found = region(str(code).zfill(2)) if code is not None and str(code).strip().isdigit() else None
    return found.name if found else None


def province(value: str | int | None) -> Province | None:
    """A province (or metropolitan city, free consortium...) from its ISTAT code, sigla or name.

    Historic codes and names (e.g. "063" Napoli before the Città metropolitana, "OT" Olbia-Tempio) are
    resolved too, to a ``Province`` with ``current=False``: its region is certain even where its territory
    now belongs to another unit.
    """
    return _gazetteer().province(value)


def region_of_province(value: str | int | None) -> str | None:
    found = province(value)
    return found.region if found else None


def region_of_nuts(nuts: str | None) -> str | None:
    """The ISTAT region of a NUTS-2 or NUTS-3 code (or a longer code starting with one): ITF33 -> "15"."""
    if not nuts:
        return None
    code = re.sub(r"\s+", "", str(nuts)).upper()
    if len(code) < 4 or not code.startswith("IT"):
        return None
    gaz = _gazetteer()
    for reg in gaz.regions.values():
        if any(code.startswith(n) for n in reg.nuts2):
            return reg.code
    return None


def comuni_named(name: str, province: str | int | None = None) -> list[Comune]:
    """Every comune with this name (a few names exist in two provinces), optionally within a province."""
    gaz = _gazetteer()
    key = normalize(name)
    codes = gaz.comune_keys.get(key) or gaz.comune_keys.get(_strip_prefix(key), [])
    found = [gaz.comuni[c] for c in codes]
    if province is not None:
        prov = _gazetteer().province(province)
        if prov is None:
            return []
        found = [c for c in found if c.province == prov.code or (not prov.current and c.region == prov.region)]
    return found


def comune(name_or_code: str | int | None, province: str | int | None = None) -> Comune | None:
    """A comune from its ISTAT code (6 digits), cadastral code (H243) or name (+ province when ambiguous).

    Returns None when the name is unknown or names more than one comune and no province disambiguates.
    """
    if name_or_code is None:
        return None
    gaz = _gazetteer()
    text = str(name_or_code).strip()
    if text.isdigit() and len(text) <= 6:
        return gaz.comuni.get(text.zfill(6))
    if re.fullmatch(r"[A-Za-z]\d{3}", text):
        code = gaz.catastali.get(text.upper())
        return gaz.comuni.get(code) if code else None
    found = comuni_named(text, province)
    return found[0] if len(found) == 1 else None
