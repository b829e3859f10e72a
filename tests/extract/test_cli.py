"""`observatory extract-file --json` contract on the real disciplinare, `extract eval`, and `extract`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from extract.fields import FIELD_NAMES

from .conftest import GOLDEN

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "observatory", *args], capture_output=True, text=True,
                          env=full_env, cwd=ROOT, timeout=300)


def test_extract_file_json_on_the_corpus_disciplinare(corpus_dir: Path) -> None:
    path = corpus_dir / "documents" / "aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf"
    result = _run(["extract-file", str(path), "--json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"document", "fields"}
    assert set(data["document"]) == {"sha256", "media_type", "pages", "kind", "ocr"}
    assert data["document"]["pages"] == 55 and data["document"]["kind"] == "disciplinare"
    assert data["document"]["media_type"] == "application/pdf" and data["document"]["ocr"] is False
    fields = data["fields"]
    assert list(fields) == list(FIELD_NAMES)
    assert fields["base_amount"]["value"] == 756064.24
    assert fields["base_amount"]["evidence"][0]["page"] == 9
    assert "756.064,24" in fields["base_amount"]["evidence"][0]["text"]
    revision = fields["price_revision"]
    assert (revision["value"]["present"], revision["value"]["threshold_pct"], revision["value"]["share_pct"]) == (True, 5, 80)
    assert {e["page"] for e in revision["evidence"]} <= {9, 10} and any("80%" in e["text"] for e in revision["evidence"])
    assert (fields["technical_points"]["value"], fields["economic_points"]["value"]) == (72, 28)
    assert fields["technical_points"]["evidence"][0]["page"] == 42
    # Supplies: no labour cost, no social clause, no CCNL in the document.
    for name in ("labour_cost", "labour_cost_subject_to_discount", "social_clause", "ccnl", "staff"):
        assert fields[name] == {"value": None, "evidence": []}


def test_extract_file_reports_bad_input_in_one_line(built_dir: Path) -> None:
    result = _run(["extract-file", str(built_dir / "encrypted.pdf"), "--json"])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "error: encrypted.pdf: failed: encrypted: the PDF needs a password"


def test_extract_eval_prints_precision_and_recall(built_dir: Path) -> None:
    result = _run(["extract", "eval", str(GOLDEN), "--files", str(built_dir)])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{len(list(GOLDEN.glob('*.expected.json')))} golden documents"
    base = next(line for line in lines if line.startswith("base_amount "))
    assert base.split()[1:3] == ["100.0%", "100.0%"]
    assert "overall field accuracy: 100.0%" in result.stdout
