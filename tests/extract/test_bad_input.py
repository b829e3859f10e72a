"""Bad input ends with a status and a reason, in a child process, and never stops the caller."""

from __future__ import annotations

from pathlib import Path

import pytest
from make_documents import BAD_DOCUMENTS, inflating_pdf

from extract.archive import ZipLimits, members
from extract.errors import ExtractionError
from extract.isolation import extract_file_isolated


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_document_gets_status_and_reason(name: str, built_dir: Path) -> None:
    expected_reason = BAD_DOCUMENTS[name][1]
    outcome = extract_file_isolated(built_dir / name)
    assert outcome.reason == expected_reason, outcome
    assert outcome.status == ("skipped" if expected_reason == "detached_signature" else "failed")
    assert outcome.result is None
    assert outcome.reason_text.startswith(expected_reason)


def test_nested_signed_file_is_unwrapped_to_the_same_fields(built_dir: Path) -> None:
    signed = extract_file_isolated(built_dir / "social_binding.pdf.p7m")
    plain = extract_file_isolated(built_dir / "social_binding.pdf")
    assert signed.status == plain.status == "extracted"
    assert signed.result["fields"] == plain.result["fields"]
    assert signed.result["document"]["media_type"] == "application/pkcs7-mime"
    assert [layer["depth"] for layer in signed.envelope] == [1, 2, 3]


def test_real_double_signed_delibera_is_unwrapped(corpus_dir: Path) -> None:
    outcome = extract_file_isolated(corpus_dir / "p7m" / "comune-ceva.pdf.p7m")
    assert outcome.status == "extracted"
    assert outcome.result["document"]["pages"] == 4
    assert [layer["depth"] for layer in outcome.envelope] == [1, 2]
    assert outcome.envelope[1]["signers"][0]["issuer_cn"].startswith("InfoCamere")


def test_memory_limit_stops_an_inflating_pdf(tmp_path: Path) -> None:
    """1 MB on disk, 1 GiB once inflated: the child dies at its limit, the parent records why."""
    path = tmp_path / "inflating.pdf"
    path.write_bytes(inflating_pdf(1024))
    assert path.stat().st_size < 2 * 1024 * 1024
    outcome = extract_file_isolated(path, memory_mb=600)
    assert (outcome.status, outcome.reason) == ("failed", "memory_limit")


def test_timeout_kills_the_child(built_dir: Path) -> None:
    outcome = extract_file_isolated(built_dir / "scanned_lowest.pdf", timeout_s=0.3)
    assert (outcome.status, outcome.reason) == ("failed", "timeout")


def test_zip_limits_on_entries_and_total_size(built_dir: Path) -> None:
    data = (built_dir / "bundle.zip").read_bytes()
    assert [name for name, _ in members(data)] == ["allegati/capitolato_nido.docx", "allegati/bando.odt"]
    with pytest.raises(ExtractionError) as too_many:
        members(data, ZipLimits(max_entries=1))
    assert too_many.value.reason == "zip_bomb"
    with pytest.raises(ExtractionError) as too_big:
        members(data, ZipLimits(max_total_bytes=100))
    assert too_big.value.reason == "zip_bomb"


def test_one_bad_member_does_not_hide_the_others(tmp_path: Path, built_dir: Path) -> None:
    import zipfile

    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cifrato.pdf", (built_dir / "encrypted.pdf").read_bytes())
        archive.writestr("avviso.odt", (built_dir / "avviso_oepv.odt").read_bytes())
    outcome = extract_file_isolated(path)
    assert outcome.status == "extracted"
    assert outcome.result["fields"]["cig"]["value"] == ["Z642AEB782"]
    assert outcome.result["fields"]["cig"]["evidence"][0]["member"] == "avviso.odt"
    assert any("cifrato.pdf: encrypted" in w for w in outcome.warnings)


def test_archive_with_nothing_readable_fails_with_its_members_reason(tmp_path: Path, built_dir: Path) -> None:
    import zipfile

    path = tmp_path / "only_encrypted.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cifrato.pdf", (built_dir / "encrypted.pdf").read_bytes())
    outcome = extract_file_isolated(path)
    assert (outcome.status, outcome.reason) == ("failed", "encrypted")
    assert "cifrato.pdf" in outcome.detail
