"""Precision and recall per field against golden pairs (`<case>.expected.json` + the document).

A golden file names its document either as `"corpus_file"` (relative to the corpus directory, read in
place: third-party files are never copied into the project) or as `"file"` (relative to a files
directory, e.g. the documents built by tests/extract/make_documents.py), and lists the expected
value of every field (null when the document does not state it):

    {"corpus_file": "documents/x.pdf", "kind": "disciplinare", "fields": {"base_amount": 756064.24, ...}}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.fields import FIELD_NAMES

FieldReader = Callable[[bytes], dict[str, dict[str, Any]]]


@dataclass
class Case:
    name: str
    path: Path
    kind: str | None
    expected: dict[str, Any]


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


class GoldenError(ValueError):
    """Raised when a golden file is malformed or its document is missing."""


def load_cases(
    directory: Path, *, corpus_dir: Path, files_dir: Path | None = None, missing: list[str] | None = None
) -> list[Case]:
    """The golden cases of a directory. A case whose document is absent raises GoldenError, unless a
    `missing` list is given: then its name is appended there and the case left out."""
    files_dir = files_dir or directory
    cases = []
    for path in sorted(Path(directory).glob("*.expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "corpus_file" in data:
            document = Path(corpus_dir) / data["corpus_file"]
        elif "file" in data:
            document = Path(files_dir) / data["file"]
        else:
            raise GoldenError(f"{path.name} names no document (corpus_file or file)")
        if not document.is_file():
            if missing is None:
                raise GoldenError(f"{path.name}: document {document} not found")
            missing.append(path.name)
            continue
        unknown = set(data.get("fields", {})) - set(FIELD_NAMES)
        if unknown:
            raise GoldenError(f"{path.name}: unknown fields {sorted(unknown)}")
        cases.append(Case(path.name.removesuffix(".expected.json"), document, data.get("kind"), data.get("fields", {})))
    return cases


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).lower()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        items = [_norm(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def values_match(expected: Any, got: Any) -> bool:
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)) and not isinstance(expected, bool):
        return abs(float(expected) - float(got)) < 0.005
    return _norm(expected) == _norm(got)


def score(cases: list[Case], read: FieldReader) -> tuple[dict[str, FieldScore], dict[str, bool]]:
    """Scores per field, and per case whether the kind was right."""
    scores = {name: FieldScore() for name in FIELD_NAMES}
    kinds: dict[str, bool] = {}
    for case in cases:
        result = read(case.path.read_bytes())
        kinds[case.name] = case.kind is None or result.get("__kind__") == case.kind
        for name in FIELD_NAMES:
            expected = case.expected.get(name)
            got = (result.get(name) or {}).get("value")
            s = scores[name]
            if expected is None and got is None:
                s.tn += 1
            elif expected is not None and got is not None and values_match(expected, got):
                s.tp += 1
            else:
                if got is not None:
                    s.fp += 1
                if expected is not None:
                    s.fn += 1
                s.misses.append(f"{case.name}: expected {json.dumps(expected, ensure_ascii=False)}, got {json.dumps(got, ensure_ascii=False)}")
    return scores, kinds


def read_with_extractor(data: bytes) -> dict[str, dict[str, Any]]:
    from extract.document import extract_bytes

    result = extract_bytes(data)
    return dict(result.fields, __kind__=result.kind)


def accuracy(scores: dict[str, FieldScore]) -> float:
    """Share of (case, field) pairs read right, nulls included."""
    right = sum(s.tp + s.tn for s in scores.values())
    total = sum(s.tp + s.tn + max(s.fp, s.fn) for s in scores.values())
    return right / total if total else 0.0


def format_report(scores: dict[str, FieldScore], kinds: dict[str, bool]) -> str:
    def pct(value: float | None) -> str:
        return "   -  " if value is None else f"{value * 100:5.1f}%"

    lines = [f"{'field':34} {'prec':>6} {'recall':>6}  tp fp fn tn"]
    for name, s in scores.items():
        lines.append(f"{name:34} {pct(s.precision)} {pct(s.recall)} {s.tp:3} {s.fp:2} {s.fn:2} {s.tn:2}")
    lines.append(f"document kind right: {sum(kinds.values())}/{len(kinds)}")
    lines.append(f"overall field accuracy: {accuracy(scores) * 100:.1f}%")
    misses = [m for s in scores.values() for m in s.misses]
    if misses:
        lines.append("misses:")
        lines.extend(f"  {name}: {m}" for name, s in scores.items() for m in s.misses)
    return "\n".join(lines)
