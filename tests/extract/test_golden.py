"""Every golden pair: the extractor gives the expected value of every field, with evidence that is really
in the document (page and sentence), and the CLI's evaluation reports it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extract.document import extract_bytes, read_document
from extract.evaluate import load_cases, score, values_match
from extract.fields import FIELD_NAMES
from kernel.settings import get_settings

from .conftest import GOLDEN

CASES = sorted(p.name.removesuffix(".expected.json") for p in GOLDEN.glob("*.expected.json"))


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


@pytest.mark.parametrize("case_name", CASES)
def test_golden_case(case_name: str, built_dir: Path) -> None:
    (case,) = [c for c in load_cases(GOLDEN, corpus_dir=get_settings().corpus_dir, files_dir=built_dir) if c.name == case_name]
    data = case.path.read_bytes()
    result = extract_bytes(data)
    assert result.kind == case.kind
    wrong = {
        name: (case.expected.get(name), result.fields[name]["value"])
        for name in FIELD_NAMES
        if not (
            (case.expected.get(name) is None and result.fields[name]["value"] is None)
            or (case.expected.get(name) is not None and result.fields[name]["value"] is not None
                and values_match(case.expected.get(name), result.fields[name]["value"]))
        )
    }
    assert not wrong, f"expected vs got: {json.dumps(wrong, ensure_ascii=False)}"
    # Evidence: every value found carries at least one sentence that is on the page it names.
    pages = {(p.member, p.number): _squash(p.text) for p in read_document(data).pages}
    for name in FIELD_NAMES:
        item = result.fields[name]
        if item["value"] is None:
            assert item["evidence"] == []
            continue
        assert item["evidence"], f"{name} has no evidence"
        for evidence in item["evidence"]:
            snippet = _squash(evidence["text"].strip("…"))[:40]
            page_text = pages[(evidence.get("member"), evidence["page"])]
            next_page = pages.get((evidence.get("member"), evidence["page"] + 1), "")
            # A sentence may run over onto the next page.
            assert snippet[:20] in page_text or snippet[:20] in page_text + next_page, (name, evidence)


def test_every_corpus_document_has_a_golden_pair() -> None:
    corpus = get_settings().corpus_dir
    named = {json.loads(p.read_text())["corpus_file"] for p in GOLDEN.glob("*.expected.json") if "corpus_file" in json.loads(p.read_text())}
    real = {f"documents/{p.name}" for p in (corpus / "documents").glob("aomauriziano_*.pdf")}
    real |= {f"p7m/{p.name}" for p in (corpus / "p7m").glob("*.p7m")}
    assert real and real <= named


def test_every_built_document_has_a_golden_pair(built_dir: Path) -> None:
    from make_documents import GOOD_DOCUMENTS

    named = {json.loads(p.read_text()).get("file") for p in GOLDEN.glob("*.expected.json")}
    assert set(GOOD_DOCUMENTS) - {"bundle.zip"} <= named


def test_evaluation_counts_a_wrong_value_as_false_positive_and_negative(built_dir: Path) -> None:
    cases = [c for c in load_cases(GOLDEN, corpus_dir=get_settings().corpus_dir, files_dir=built_dir) if c.name == "social_weak_lowest"]

    def reader_that_misreads(data: bytes) -> dict:
        fields = extract_bytes(data).fields
        fields["award_criterion"] = {"value": "oepv", "evidence": []}
        fields["ccnl"] = {"value": None, "evidence": []}
        return fields

    scores, _ = score(cases, reader_that_misreads)
    assert (scores["award_criterion"].fp, scores["award_criterion"].fn, scores["award_criterion"].precision) == (1, 1, 0.0)
    assert (scores["ccnl"].fn, scores["ccnl"].recall) == (1, 0.0)
    assert scores["base_amount"].precision == 1.0
