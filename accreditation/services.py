"""The controlled list of accredited service types (`data/service_types.yaml`) and the match of a label."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ServiceType:
    code: str
    label: str
    target: str
    setting: str
    aliases: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def service_types() -> tuple[ServiceType, ...]:
    raw = yaml.safe_load((DATA_DIR / "service_types.yaml").read_text(encoding="utf-8"))
    return tuple(ServiceType(item["code"], item["label"], item["target"], item["setting"],
                             tuple(re.compile(a) for a in item.get("aliases") or ()))
                 for item in raw["service_types"])


def by_code(code: str) -> ServiceType | None:
    return next((s for s in service_types() if s.code == code), None)


def match(label: str) -> ServiceType | None:
    """The service type named by a label ("Centri socio-riabilitativi diurni per disabili" -> csrd), else None."""
    text = " ".join(label.lower().split())
    for service in service_types():
        if any(p.search(text) for p in service.aliases):
            return service
    return None


def resolve(value: str) -> ServiceType | None:
    """A code of the list, else a label matched by the aliases."""
    return by_code(value.strip().lower()) or match(value)
