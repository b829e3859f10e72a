"""One searchable text per document, with the way back from any offset to its page and sentence.

PDF text comes in lines cut by the layout. The lines are rejoined into logical lines (a line that
continues a sentence is glued to the previous one, a word hyphenated at the line end is rebuilt),
page furniture ("Pag. 3 a 55") is dropped, pages are concatenated so that a sentence may cross a
page break, and every match keeps its page and its sentence as evidence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from extract.model import Page

_FURNITURE = re.compile(
    r"^\s*(?:pag(?:ina|\.)?\s*\d+\s*(?:a|di|/)\s*\d+|page\s+\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s*/\s*\d+|"
    r"\d{3,}-\d{4}\s+page\s+\d+/\d+|\d+(?:\.\d+)+\.?|[-–—\s]*\d{1,3}[-–—\s]*)\s*$",
    re.I,
)
_TERMINAL = (".", ";", "!", "?")
_TOC_ENTRY = re.compile(r"\.{4,}\s*\d+\s*$")
_CONTINUING_END = re.compile(
    r"(?:[,:(\u2013\-/]|\b(?:di|del|della|dello|dei|degli|delle|a|al|alla|allo|ai|agli|alle|da|dal|dalla|in|nel|nella|"
    r"con|su|per|tra|fra|e|ed|o|od|il|lo|la|i|gli|le|un|uno|una|che|pari|è|sono|of|the|ore|n\.|art\.)|€|euro)\s*$",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"\n|(?<=[.;!?])\s+(?=[A-ZÀ-Ý\"“«•◦▪\u2022])")
_REPLACEMENTS = (("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"), ("\u00a0", " "), ("\u202f", " "), ("\u2009", " "),
                 ("\ufb01", "fi"), ("\ufb02", "fl"), ("\u00ad", ""), ("\r\n", "\n"), ("\r", "\n"))


def normalise(text: str) -> str:
    # str.replace per character is several times faster than str.translate with a dict table.
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return text


def logical_lines(text: str) -> list[str]:
    raw = [" ".join(line.split()) for line in normalise(text).split("\n")]
    # Page furniture is short: the pattern runs only on short lines.
    raw = [line for line in raw if line and not (len(line) < 40 and _FURNITURE.match(line))]
    out: list[str] = []
    last = ""  # the previous raw line: its own length says whether the layout wrapped it
    for line in raw:
        previous_raw, last = last, line
        if out:
            prev = out[-1]
            if _TOC_ENTRY.search(previous_raw):
                out.append(line)
                continue
            if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and line[:1].islower():
                out[-1] = prev[:-1] + line
                continue
            starts_lower = line[:1].islower()
            if (
                starts_lower
                or line[:1] in "€)(,;.%"
                or (not prev.endswith(_TERMINAL) and _CONTINUING_END.search(previous_raw[-12:]))
                or (
                    len(previous_raw) >= 75
                    and not prev.endswith(_TERMINAL)
                    and line[:1].isupper()
                    and not previous_raw.isupper()
                )
            ):
                out[-1] = f"{prev} {line}"
                continue
        out.append(line)
    return out


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    page: int
    member: str | None


class TextIndex:
    """The whole document as one string; `evidence(start, end)` gives page and sentence of a span."""

    def __init__(self, pages: list[Page]) -> None:
        parts: list[str] = []
        self._starts: list[int] = []
        self._pages: list[Page] = []
        offset = 0
        for page in pages:
            text = "\n".join(logical_lines(page.text)) + "\n"
            self._starts.append(offset)
            self._pages.append(page)
            parts.append(text)
            offset += len(text)
        self.text = "".join(parts)
        # Lower-case copy with the same offsets, for the cheap keyword scans (re.IGNORECASE is slow).
        lower = self.text.lower()
        if len(lower) != len(self.text):
            lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in self.text)
        self.lower = lower
        self._windows: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
        self._hits: dict[str, list[tuple[int, int]]] = {}
        self.pages = pages
        self._breaks = [m.end() for m in _SENTENCE_BREAK.finditer(self.text)]

    def hits(self, hint: str) -> list[tuple[int, int]]:
        """Where the lower-case text holds any of the `|`-separated literal words of `hint` (str.find is
        many times faster than a regular expression with alternatives)."""
        cached = self._hits.get(hint)
        if cached is None:
            found = []
            for word in hint.split("|"):
                position = self.lower.find(word)
                while position != -1:
                    found.append((position, position + len(word)))
                    position = self.lower.find(word, position + 1)
            cached = self._hits[hint] = sorted(found)
        return cached

    def windows(self, hint: str, before: int, after: int) -> list[tuple[int, int]]:
        """Merged spans around the hits of `hint`: where an expensive pattern is worth running."""
        key = (hint, before, after)
        cached = self._windows.get(key)
        if cached is not None:
            return cached
        spans: list[tuple[int, int]] = []
        size = len(self.text)
        for hit_start, hit_end in self.hits(hint):
            start, end = max(hit_start - before, 0), min(hit_end + after, size)
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        self._windows[key] = spans
        return spans

    def finditer(self, pattern: re.Pattern[str], hint: str, *, before: int = 0, after: int = 600) -> Iterator[re.Match[str]]:
        """`pattern.finditer` over the text, run only around the hits of `hint` (literal lower-case words,
        `|`-separated, one of which every match of `pattern` holds within `before` characters of its start)."""
        last_end = -1
        for start, end in self.windows(hint, before, after):
            for match in pattern.finditer(self.text, max(start, last_end), end):
                last_end = match.end()
                yield match

    def search(self, pattern: re.Pattern[str], hint: str, **kwargs: int) -> re.Match[str] | None:
        return next(self.finditer(pattern, hint, **kwargs), None)

    def page_of(self, offset: int) -> Page:
        index = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        return self._pages[index]

    def sentence_bounds(self, start: int, end: int | None = None) -> tuple[int, int]:
        end = start if end is None else end
        i = bisect.bisect_right(self._breaks, start)
        s = self._breaks[i - 1] if i > 0 else 0
        j = bisect.bisect_left(self._breaks, end + 1)
        e = self._breaks[j] if j < len(self._breaks) else len(self.text)
        return s, e

    def sentence(self, start: int, end: int | None = None, *, limit: int = 400) -> str:
        s, e = self.sentence_bounds(start, end)
        text = self.text[s:e].strip()
        if len(text) > limit:
            # Keep the match in view: cut around it.
            centre = start - s
            lo = max(centre - limit // 2, 0)
            text = ("…" if lo else "") + text[lo : lo + limit].strip() + "…"
        return " ".join(text.split())

    def evidence(self, start: int, end: int | None = None) -> dict:
        page = self.page_of(start)
        item = {"page": page.number, "text": self.sentence(start, end)}
        if page.member:
            item["member"] = page.member
        if page.ocr:
            item["ocr"] = True
        return item
