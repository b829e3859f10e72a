"""What a rule means, in plain Italian words, and its legal basis, for the digest.

The legal basis comes from the rule itself (`rules.registry`); the plain-words title from
`alerts/data/rule_titles.yaml` (the rules name themselves in English, for analysts). A finding may carry
either in its figures (`rule_name`, `legal_basis`). A rule unknown to both (removed since the finding
was written) is described by its family, so a digest never shows a bare code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rules.registry import rules_by_code

TITLES_FILE = Path(__file__).resolve().parent / "data" / "rule_titles.yaml"


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    legal_basis: str


# Family fallbacks (DOMAIN.md §1): what the family checks and the article it rests on.
FAMILIES = {
    "R-CCNL": ("Contratto collettivo applicato al personale", "art. 11 D.Lgs. 36/2023"),
    "R-BASE": ("Costo del lavoro e base d'asta", "art. 41 c. 13-14 D.Lgs. 36/2023"),
    "R-SOC": ("Clausola sociale e tutela del personale uscente", "art. 57 D.Lgs. 36/2023"),
    "R-REV": ("Revisione dei prezzi", "art. 60 D.Lgs. 36/2023"),
    "R-CRIT": ("Criterio di aggiudicazione e punteggi", "art. 108 D.Lgs. 36/2023"),
    "R-ANOM": ("Offerte anormalmente basse", "art. 110 D.Lgs. 36/2023"),
    "R-PAY": ("Tempi di pagamento", "D.Lgs. 231/2002; art. 125 D.Lgs. 36/2023"),
    "R-CAS": (
        "Accoglienza (CAS): prezzi e costo del personale",
        "schema di capitolato del Ministero dell'Interno",
    ),
    "R-ACC": ("Tariffe dell'accreditamento", "L. 328/2000 art. 8; D.Lgs. 502/1992 art. 8-sexies"),
}


def _family(code: str) -> str:
    parts = code.upper().split("-")
    return "-".join(parts[:2]) if len(parts) >= 2 else code.upper()


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    data = yaml.safe_load(TITLES_FILE.read_text(encoding="utf-8")) or {}
    return {str(code).upper(): str(title) for code, title in data.items()}


@lru_cache(maxsize=1)
def _registry() -> dict[str, Any]:
    """The rules the rules package declares, by code."""
    return {code.upper(): rule for code, rule in rules_by_code().items()}


def describe_rule(code: str, figures: dict[str, Any] | None = None) -> RuleInfo:
    figures = figures or {}
    declared = _registry().get(code.upper())
    family_name, family_basis = FAMILIES.get(_family(code), (f"Regola {code}", ""))
    name = figures.get("rule_name") or _titles().get(code.upper()) or family_name
    basis = (
        figures.get("legal_basis")
        or (getattr(declared, "legal_basis", None) if declared else None)
        or family_basis
    )
    return RuleInfo(code=code, name=str(name), legal_basis=str(basis or ""))
