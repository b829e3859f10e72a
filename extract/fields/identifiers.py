"""CIG, CUP and CPV codes (DOMAIN.md §5.2), also when a PDF spaces them out letter by letter."""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.textindex import TextIndex

CIG_HINT = "cig|c.i.g|c. i. g|identificativo"
_CIG_LABEL = re.compile(r"\b(?:C\.\s?I\.\s?G\.?|CIG|codice identificativo (?:di )?gara)(?:\s+(?:padre|derivato|lotto))?\s*(?:n\.|nr\.|n°)?\s*[:=]?\s*", re.I)
_CUP_LABEL = re.compile(r"\b(?:C\.\s?U\.\s?P\.?|CUP|codice unico (?:di )?progetto)\s*(?:n\.|n°)?\s*[:=]?\s*", re.I)
# A CIG is 10 upper-case characters; issued ones are hexadecimal, smart CIGs start with Z.
_CIG = re.compile(r"^[0-9A-FZ][0-9A-F]{9}$")
_CIG_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-FZ][0-9A-F]{9}(?![0-9A-Za-z])")
_CUP = re.compile(r"^[A-Z]\d{2}[A-Z]\d{11}$")
_CPV = re.compile(r"(\d{8})\s?-\s?(\d)(?!\d)")  # preceded by a digit, dot or comma: rejected below
_CPV_LABELLED = re.compile(r"\bCPV\b[^\n\d]{0,60}?(?<![\d.,])(\d{8})(?![\d,.])(?!\s?-\s?\d)", re.I)


def _code_after(text: str, start: int, length: int, pattern: re.Pattern[str]) -> tuple[str, int] | None:
    """The code that follows a label, tolerating letters spaced out one by one ("8 1 9 7 ...")."""
    window = text[start : start + 3 * length + 6]
    compact, consumed = "", 0
    for i, ch in enumerate(window):
        if ch.isalnum():
            compact += ch.upper() if ch.isalpha() else ch
            consumed = i + 1
            if len(compact) == length:
                break
        elif ch in " \t" and (not compact or window[i - 1 : i].isalnum()):
            continue
        else:
            break
    after = window[consumed : consumed + 1]
    if len(compact) == length and pattern.match(compact) and not after.isalnum():
        return compact, start + consumed
    # Plain case: the next token.
    token = re.match(r"\s*([0-9A-Za-z]+)", window)
    if token and pattern.match(token.group(1).upper()):
        return token.group(1).upper(), start + token.end()
    return None


def _plausible_unlabelled_cig(token: str) -> bool:
    letters = sum(ch.isalpha() for ch in token)
    return letters >= 2 and sum(ch.isdigit() for ch in token) >= 3


def cig(index: TextIndex) -> Found:
    text = index.text
    found = Found(value=[])
    seen: set[str] = set()

    def add(code: str, start: int, end: int) -> None:
        if code in seen:
            return
        seen.add(code)
        found.value.append(code)
        if len(found.evidence) < 10:
            found.evidence.append(index.evidence(start, end))

    for label in index.finditer(_CIG_LABEL, CIG_HINT, before=10, after=120):
        # "CIG: A, B e C" — several codes after one label.
        pos = label.end()
        for _ in range(30):
            got = _code_after(text, pos, 10, _CIG)
            if not got:
                break
            add(got[0], label.start(), got[1])
            sep = re.match(r"\s*(?:[,;/]|\be\b|-)\s*", text[got[1] :])
            if not sep:
                break
            pos = got[1] + sep.end()
    # Tables (a "CIG" column): tokens on pages that speak of CIGs, when they look like issued codes.
    pages_with_label = {index.page_of(m.start()).number for m in index.finditer(_CIG_LABEL, CIG_HINT, before=10, after=120)}
    for token in _CIG_TOKEN.finditer(text):
        if token.group(0) in seen or index.page_of(token.start()).number not in pages_with_label:
            continue
        if _plausible_unlabelled_cig(token.group(0)):
            add(token.group(0), token.start(), token.end())
    return found if found.value else Found()


def cup(index: TextIndex) -> Found:
    for label in index.finditer(_CUP_LABEL, "cup|c.u.p|c. u. p|unico", before=10, after=120):
        got = _code_after(index.text, label.end(), 15, _CUP)
        if got:
            return Found(got[0], [index.evidence(label.start(), got[1])])
    return Found()


def cpv(index: TextIndex) -> Found:
    codes: list[str] = []
    evidence = []
    hits = [
        (m.start(), f"{m.group(1)}-{m.group(2)}", m)
        for m in _CPV.finditer(index.text)
        if not (m.start() and index.text[m.start() - 1] in "0123456789.,")
    ]
    hits += [(m.start(), m.group(1), m) for m in index.finditer(_CPV_LABELLED, "cpv", after=120)]
    for _, code, match in sorted(hits, key=lambda h: h[0]):
        if code[:2] in ("00",) or any(c.startswith(code[:8]) for c in codes):
            continue
        codes.append(code)
        if len(evidence) < 5:
            evidence.append(index.evidence(match.start(), match.end()))
    return Found(codes, evidence) if codes else Found()
