"""Scope: is a notice about social, socio-health or education services the Observatories watch?

A notice is in scope when
1. its CPV is in the "social and other specific services" list (light regime, Annex XIV dir. 2014/24,
   eForms codelist `social-service-cpv`, shipped as `crawlers/data/scope/social_service_cpv.tsv`), or
2. its CPV starts with one of the care prefixes (853*, 8531*, 8532*, 80110000) or an analyst's extra
   prefix (OBSERVATORY_SCOPE_EXTRA_CPV), or
3. it has no CPV code (a label only, or nothing) and its label/title matches a care-service term
   (CARE_TERMS + OBSERVATORY_SCOPE_EXTRA_TERMS).

The decision keeps its reason ("cpv 85311000 in social-service list", ...) on the notice.

Italian CPV labels (PVL gives only a label) are mapped to codes with the CPV 2008 label map read in
place from the corpus (`reference/cpv2008_it_label_to_code.json`) and, when it is missing, with the
Italian labels of the shipped social-service list (enough for the scope decision).

Regenerate the shipped list: `python -m crawlers.scope derive CORPUS/reference/eforms_sdk_cpv_social-service-cpv.gc`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data" / "scope"
SOCIAL_LIST = DATA_DIR / "social_service_cpv.tsv"
CARE_PREFIXES = ("853", "8531", "8532", "80110000")
# Terms of a label-only notice that make it a care-service tender (normalised: lower case, no accents).
CARE_TERMS = (
    "assistenza domiciliare", "servizi sociali", "servizio sociale", "socio assistenzial", "socioassistenzial",
    "socio sanitari", "sociosanitari", "assistenza sociale", "educativa domiciliare", "assistenza educativa",
    "assistenza specialistica", "disabili", "disabilita", "anziani", "minori", "asilo nido", "nido d infanzia",
    "servizi educativi", "centro diurno", "centri diurni", "comunita alloggio", "accoglienza", "richiedenti asilo",
    "rsa ", "casa di riposo", "residenza sanitaria", "trasporto disabili", "segretariato sociale", "sad ", "adi ",
    "inclusione sociale", "salute mentale", "tossicodipendenz", "housing sociale", "pronto intervento sociale",
)


def normalise_label(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces (the key shape of the CPV label map)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def cpv_code(value: str | None) -> str | None:
    """'85311000-2' / '85311000' / 85311000 -> '85311000'; '99999999' (not available) -> None."""
    if value is None:
        return None
    digits = re.match(r"\s*(\d{8})", str(value))
    if not digits or digits[1] == "99999999":
        return None
    return digits[1]


@dataclass(frozen=True)
class ScopeDecision:
    in_scope: bool
    reason: str


class Scope:
    """The scope rules with their data; build once per process (`default_scope()`)."""

    def __init__(
        self,
        social_codes: dict[str, str],
        label_map: dict[str, str],
        *,
        extra_prefixes: tuple[str, ...] = (),
        extra_terms: tuple[str, ...] = (),
    ) -> None:
        self.social_codes = social_codes
        self.label_map = label_map
        self.prefixes = CARE_PREFIXES + tuple(p.strip() for p in extra_prefixes if p.strip())
        self.terms = CARE_TERMS + tuple(normalise_label(t) for t in extra_terms if t.strip())

    def code_for_label(self, label: str | None) -> str | None:
        if not label:
            return None
        return self.label_map.get(normalise_label(label))

    def decide(self, cpv: str | None, *texts: str | None) -> ScopeDecision:
        code = cpv_code(cpv)
        if code is not None:
            if code in self.social_codes:
                return ScopeDecision(True, f"cpv {code} in social-service list ({self.social_codes[code]})")
            for prefix in self.prefixes:
                if code.startswith(prefix):
                    return ScopeDecision(True, f"cpv {code} matches care prefix {prefix}")
            return ScopeDecision(False, f"cpv {code} outside scope")
        haystack = " " + " ".join(normalise_label(t) for t in texts if t) + " "
        for term in self.terms:
            # A term ending with a space is a whole word ("sad "), otherwise a word prefix.
            if term.strip() and f" {term}" in haystack:
                return ScopeDecision(True, f"no cpv code; label matches care term {term.strip()!r}")
        return ScopeDecision(False, "no cpv code; no care term in label or title")


def load_social_codes(path: Path = SOCIAL_LIST) -> dict[str, str]:
    codes: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, label = line.partition("\t")
        codes[code.strip()] = label.strip()
    return codes


def load_label_map(corpus_dir: Path | None, social_codes: dict[str, str]) -> dict[str, str]:
    """CPV 2008 Italian label -> code, from the corpus in place; the social list's labels otherwise."""
    label_map = {normalise_label(label): code for code, label in social_codes.items() if label}
    path = corpus_dir / "reference" / "cpv2008_it_label_to_code.json" if corpus_dir else None
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as fh:
            label_map.update({normalise_label(k): v for k, v in json.load(fh).items()})
    else:
        logger.warning("CPV label map not found at %s: only social-service labels map to codes", path)
    return label_map


def scope_for(settings: Any) -> Scope:
    """The scope of a crawl, from its Scrapy settings (corpus for CPV labels, analysts' extra terms)."""
    corpus = settings.get("OBSERVATORY_CORPUS_DIR")
    return build_scope(
        Path(corpus) if corpus else None,
        tuple(settings.getlist("OBSERVATORY_SCOPE_EXTRA_CPV")),
        tuple(settings.getlist("OBSERVATORY_SCOPE_EXTRA_TERMS")),
    )


@lru_cache(maxsize=4)
def build_scope(corpus_dir: Path | None, extra_cpv: tuple[str, ...] = (), extra_terms: tuple[str, ...] = ()) -> Scope:
    """Build once per process and configuration: the CPV lists are read from files."""
    social = load_social_codes()
    return Scope(social, load_label_map(corpus_dir, social), extra_prefixes=extra_cpv, extra_terms=extra_terms)


def derive_social_list(genericode: Path) -> str:
    """The shipped TSV (code, Italian label) from the eForms genericode list, parsed without entities."""
    from defusedxml import ElementTree

    root = ElementTree.parse(str(genericode)).getroot()
    lines = [
        "# code\tItalian label. Derived from OP-TED/eForms-SDK codelists/cpv_social-service-cpv.gc (CC BY 4.0,",
        "# Publications Office of the EU) by `python -m crawlers.scope derive`; see README.md here.",
    ]
    for row in root.iter("Row"):
        values = {v.get("ColumnRef"): v.findtext("SimpleValue") for v in row.findall("Value")}
        lines.append(f"{values['code']}\t{values.get('ita_label') or ''}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - maintenance command
    if len(sys.argv) == 3 and sys.argv[1] == "derive":
        SOCIAL_LIST.write_text(derive_social_list(Path(sys.argv[2])), encoding="utf-8")
        print(f"wrote {SOCIAL_LIST}")
    else:
        print("usage: python -m crawlers.scope derive PATH/TO/eforms_sdk_cpv_social-service-cpv.gc")
        sys.exit(2)
