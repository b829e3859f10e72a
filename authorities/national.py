"""Which contracting authorities are national (findings go to the National Observatory).

The list is data: `authorities/data/national_authorities.yaml` (fiscal codes, name patterns, ANAC
legal natures). `national_reason` says why an authority matched, so `authorities show` can print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from kernel.territory import normalize

DATA_FILE = Path(__file__).resolve().parent / "data" / "national_authorities.yaml"


@dataclass(frozen=True)
class NationalRules:
    fiscal_codes: dict[str, str]
    name_patterns: tuple[re.Pattern[str], ...]
    legal_natures: frozenset[str]


@lru_cache(maxsize=4)
def load_rules(path: Path = DATA_FILE) -> NationalRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return NationalRules(
        fiscal_codes={str(k): str(v) for k, v in (data.get("fiscal_codes") or {}).items()},
        name_patterns=tuple(re.compile(p) for p in data.get("name_patterns") or ()),
        legal_natures=frozenset(normalize(n).upper() for n in data.get("legal_natures") or ()),
    )


def national_reason(fiscal_code: str | None, name: str | None, legal_nature: str | None = None,
                    rules: NationalRules | None = None) -> str | None:
    """Why this authority is national ("fiscal code: Consip S.p.A.", "name: ^MINISTERO"), or None."""
    rules = rules or load_rules()
    if fiscal_code and fiscal_code in rules.fiscal_codes:
        return f"fiscal code: {rules.fiscal_codes[fiscal_code]}"
    nature = normalize(legal_nature).upper()
    if nature and nature in rules.legal_natures:
        return f"legal nature: {legal_nature}"
    key = normalize(name).upper()
    for pattern in rules.name_patterns:
        if pattern.search(key):
            return f"name: {pattern.pattern}"
    return None


def is_national(fiscal_code: str | None, name: str | None, legal_nature: str | None = None) -> bool:
    return national_reason(fiscal_code, name, legal_nature) is not None
