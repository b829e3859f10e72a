"""Procurement codes in free text: CIG (10 characters), CPV (8 digits + check digit), CUP (15)."""

from __future__ import annotations

import re

# A CIG follows its label ("CIG: B12345ABCD", "C.I.G. n. 7093310097"); SmartCIG start with Z/X/Y.
_CIG_LABELLED = re.compile(r"C\.?\s*I\.?\s*G\.?\s*(?:n\.?\s*|nr\.?\s*|:|-|\s)\s*([0-9A-Z]{10})\b", re.IGNORECASE)
_CIG_ALONE = re.compile(r"^\s*([0-9A-Z]{10})\s*$", re.IGNORECASE)
_CPV = re.compile(r"(?<!\d)(\d{8})(?:-\d)?(?!\d)")
_CUP = re.compile(r"\bCUP\b\s*:?\s*([A-Z]\d{2}[A-Z]\d{11})\b", re.IGNORECASE)


def is_cig(value: str | None) -> bool:
    """Ten letters/digits with at least one digit and not the placeholder 0000000000."""
    if not value:
        return False
    value = value.strip().upper()
    return bool(re.fullmatch(r"[0-9A-Z]{10}", value)) and any(c.isdigit() for c in value) and value != "0" * 10


def find_cigs(text: str | None) -> list[str]:
    """Every CIG named in `text` (labelled, or `text` is itself a CIG), upper-cased, in order, once each."""
    if not text:
        return []
    found: list[str] = []
    candidates = [m.group(1) for m in _CIG_LABELLED.finditer(text)]
    alone = _CIG_ALONE.match(text)
    if alone:
        candidates.append(alone.group(1))
    for candidate in candidates:
        cig = candidate.upper()
        if is_cig(cig) and cig not in found:
            found.append(cig)
    return found


def find_cpv(text: str | None) -> str | None:
    """The first CPV code (8 digits; the check digit is dropped, as the database stores 8 digits)."""
    if not text:
        return None
    match = _CPV.search(text)
    return match.group(1) if match else None


def find_cup(text: str | None) -> str | None:
    if not text:
        return None
    match = _CUP.search(text)
    return match.group(1).upper() if match else None


def award_criterion_code(text: str | None) -> str | None:
    """"offerta economicamente più vantaggiosa" -> "oepv"; "minor prezzo"/"prezzo più basso" -> "lowest_price"."""
    if not text:
        return None
    lowered = text.casefold()
    if "economicamente" in lowered or "oepv" in lowered or "qualità/prezzo" in lowered:
        return "oepv"
    if "minor prezzo" in lowered or "prezzo più basso" in lowered or "prezzo piu basso" in lowered or "massimo ribasso" in lowered:
        return "lowest_price"
    return None
