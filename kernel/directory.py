"""The directory of Observatories: loaded from YAML, validated, recipients overridable from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from kernel.errors import ConfigurationError

SHIPPED_DIRECTORY = Path(__file__).resolve().parent / "data" / "observatories.yaml"

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
ALLOWED_KEYS = {"code", "name", "national", "istat_region", "nuts", "recipients"}


@dataclass(frozen=True)
class ObservatoryEntry:
    code: str
    name: str
    is_national: bool
    istat_region: str | None
    nuts: tuple[str, ...]
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    entries: tuple[ObservatoryEntry, ...]

    @property
    def national(self) -> ObservatoryEntry:
        return next(e for e in self.entries if e.is_national)

    def by_region(self, istat_region: str | None) -> ObservatoryEntry | None:
        return next((e for e in self.entries if istat_region and e.istat_region == istat_region), None)

    def by_nuts(self, nuts: str | None) -> ObservatoryEntry | None:
        if not nuts:
            return None
        return next((e for e in self.entries if any(nuts.upper().startswith(n) for n in e.nuts)), None)

    def by_code(self, code: str) -> ObservatoryEntry | None:
        return next((e for e in self.entries if e.code == code.upper()), None)


def load_directory(path: Path, recipient_overrides: Mapping[str, str] | None = None) -> Directory:
    """Read and validate the directory file; any problem is one ConfigurationError naming it.

    `recipient_overrides` maps an Observatory code to a comma-separated list of addresses that replaces
    the file's (settings read them from OBSERVATORY_RECIPIENTS_<CODE>).
    """
    overrides = {code.upper(): value for code, value in (recipient_overrides or {}).items()}
    if not path.is_file():
        raise ConfigurationError(f"directory file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigurationError(f"directory file {path} is not valid YAML{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("observatories"), list):
        raise ConfigurationError(f"directory file {path} must have a list under 'observatories'")
    entries: list[ObservatoryEntry] = []
    for index, raw in enumerate(data["observatories"], start=1):
        where = f"directory file {path}, entry {index}"
        if not isinstance(raw, dict):
            raise ConfigurationError(f"{where}: expected a mapping")
        unknown = set(raw) - ALLOWED_KEYS
        if unknown:
            raise ConfigurationError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        code = str(raw.get("code") or "").strip().upper()
        if not code or not raw.get("name"):
            raise ConfigurationError(f"{where}: 'code' and 'name' are required")
        national = bool(raw.get("national", False))
        region = raw.get("istat_region")
        region = str(region).zfill(2) if region is not None else None
        if not national and (region is None or not re.fullmatch(r"\d{2}", region)):
            raise ConfigurationError(f"{where} ({code}): a regional observatory needs a 2-digit istat_region")
        recipients = _recipients(code, overrides.get(code), raw.get("recipients") or [], where)
        entries.append(
            ObservatoryEntry(
                code=code,
                name=str(raw["name"]),
                is_national=national,
                istat_region=None if national else region,
                nuts=tuple(str(n).upper() for n in raw.get("nuts") or []),
                recipients=recipients,
            )
        )
    codes = [e.code for e in entries]
    if len(set(codes)) != len(codes):
        raise ConfigurationError(f"directory file {path}: duplicate observatory codes")
    if sum(e.is_national for e in entries) != 1:
        raise ConfigurationError(f"directory file {path}: exactly one national observatory is required")
    regions = [e.istat_region for e in entries if e.istat_region]
    if len(set(regions)) != len(regions):
        raise ConfigurationError(f"directory file {path}: two observatories for one region")
    return Directory(tuple(entries))


def _recipients(code: str, override: str | None, listed: list[str], where: str) -> tuple[str, ...]:
    values = [v.strip() for v in override.split(",")] if override else [str(v).strip() for v in listed]
    values = [v for v in values if v]
    bad = [v for v in values if not EMAIL.match(v)]
    if bad:
        raise ConfigurationError(f"{where} ({code}): not an e-mail address: {', '.join(bad)}")
    if not values:
        raise ConfigurationError(f"{where} ({code}): no recipients")
    return tuple(values)
