"""The runner on a real database (SQLite and PostgreSQL): pending documents are read in child
processes, bad ones get a status and a reason, each notice is merged with its conflicts visible."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from db.models import Document, Extraction, NoticeTerms
from db.queries.notices import NoticeData, record_notice, upsert_document
from db.queries.sources import upsert_source
from db.session import session_scope
from extract import EXTRACTOR_VERSION
from extract.merge import merge_notice
from extract.runner import run_pending

ROOT = Path(__file__).resolve().parents[2]


def _store(store: Path, data: bytes) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    (store / sha[:2]).mkdir(parents=True, exist_ok=True)
    (store / sha[:2] / sha).write_bytes(data)
    return {"sha256": sha, "stored_path": f"{sha[:2]}/{sha}", "size": len(data), "retrieval_status": "retrieved"}


def _documents(session, store: Path, corpus_dir: Path, built_dir: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    source = upsert_source(session, "test_portal", kind="regional")
    protesi = record_notice(
        session, source.id,
        NoticeData(source_notice_id="AOM-1", title="Protesi metalliche", cig="B88F826B69", cpv="33190000", in_scope=True),
    ).notice
    social = record_notice(session, source.id, NoticeData(source_notice_id="SOC-1", title="Assistenza domiciliare")).notice
    ids = {}
    corpus = corpus_dir / "documents"
    for key, notice, path in [
        ("disciplinare", protesi, corpus / "aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf"),
        ("bando", protesi, corpus / "aomauriziano_to_Bando_Europeo.pdf"),
        ("allegato_e", protesi, corpus / "aomauriziano_to_ALL_E_Tabella_Lotti_con_fabbisogni.pdf"),
        ("encrypted", protesi, built_dir / "encrypted.pdf"),
        ("signed_disciplinare", social, built_dir / "social_binding.pdf.p7m"),
        ("capitolato", social, built_dir / "social_weak_lowest.pdf"),
    ]:
        ids[key] = upsert_document(session, notice.id, f"https://portal.example/{key}", **_store(store, path.read_bytes())).id
    ids["not_retrieved"] = upsert_document(
        session, protesi.id, "https://portal.example/robots", retrieval_status="failed", retrieval_reason="robots_denied"
    ).id
    ids["lost_file"] = upsert_document(
        session, protesi.id, "https://portal.example/lost", stored_path="ab/cdef", sha256="0" * 64, retrieval_status="retrieved"
    ).id
    ids["protesi"], ids["social"] = protesi.id, social.id
    return ids


def test_run_pending_reads_records_and_merges(engine, tmp_path: Path, corpus_dir: Path, built_dir: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    with session_scope(engine) as session:
        ids = _documents(session, store, corpus_dir, built_dir)
    seen: list[tuple[int, int]] = []
    counts = run_pending(engine, store, progress=lambda done, total: seen.append((done, total)))
    assert counts == {"pending": 7, "extracted": 5, "failed": 2, "skipped": 0, "notices_merged": 2}
    assert seen[-1] == (7, 7)

    with session_scope(engine) as session:
        encrypted = session.get(Document, ids["encrypted"])
        assert (encrypted.extraction_status, encrypted.extraction_reason) == ("failed", "encrypted: the PDF needs a password")
        lost = session.get(Document, ids["lost_file"])
        assert (lost.extraction_status, lost.extraction_reason.split(":")[0]) == ("failed", "missing_file")
        assert session.get(Document, ids["not_retrieved"]).extraction_status == "pending"
        assert session.scalar(select(func.count()).select_from(Extraction)) == 5
        signed = session.scalars(select(Extraction).where(Extraction.document_id == ids["signed_disciplinare"])).one()
        assert (signed.extractor_version, signed.document_kind, signed.pages) == (EXTRACTOR_VERSION, "disciplinare", 3)
        assert session.get(Document, ids["signed_disciplinare"]).media_type == "application/pkcs7-mime"

        protesi = session.get(NoticeTerms, ids["protesi"])
        fields = protesi.fields
        assert fields["base_amount"]["value"] == 756064.24
        assert fields["base_amount"]["evidence"][0]["document_id"] == ids["disciplinare"]
        assert fields["price_revision"]["value"]["threshold_pct"] == 5  # the disciplinare wins over the bando
        assert protesi.conflicts["price_revision"]["others"][0]["document_id"] == ids["bando"]
        assert len(fields["cig"]["value"]) == 25 and "B88F826B69" in fields["cig"]["value"]
        # "33190000-8" (disciplinare), "33190000" (bando and feed): one code.
        assert fields["cpv"]["value"] == ["33190000-8"]
        assert fields["labour_cost"] == {"value": None, "evidence": []}
        # 6 documents, 3 read: the encrypted one, the lost one and the one never retrieved are not.
        assert (protesi.documents_total, protesi.documents_read, protesi.all_documents_read) == (6, 3, False)
        assert "robots_denied" in protesi.notes and "encrypted" in protesi.notes

        social = session.get(NoticeTerms, ids["social"])
        assert social.all_documents_read is True
        assert social.fields["award_criterion"]["value"] == "oepv"  # disciplinare over capitolato
        assert social.conflicts["award_criterion"]["others"] == [
            {"document_id": ids["capitolato"], "kind": "capitolato", "value": "lowest_price"}
        ]
        assert social.fields["labour_cost"]["value"] == 987654.32
        assert social.fields["staff"]["value"][0] == {"profile": "Operatore socio-sanitario (OSS)", "level": "C2", "hours": 18720, "count": 4}

    # Nothing is pending any more: a second run does nothing and changes nothing.
    assert run_pending(engine, store)["pending"] == 0


def test_merge_fills_from_the_feed_where_documents_are_silent(engine, tmp_path: Path, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    with session_scope(engine) as session:
        source = upsert_source(session, "test_feed", kind="national")
        notice = record_notice(
            session, source.id,
            NoticeData(source_notice_id="F-1", title="Delibera", cig="BBEE0B3E8D", amount=Decimal("454440.30"), award_criterion="oepv"),
        ).notice
        upsert_document(session, notice.id, "https://x.example/delibera.p7m", **_store(store, (corpus_dir / "p7m" / "comune-ceva.pdf.p7m").read_bytes()))
        notice_id = notice.id
    run_pending(engine, store)
    with session_scope(engine) as session:
        terms = merge_notice(session, notice_id)
        assert terms.fields["base_amount"]["value"] == 454440.3
        assert terms.fields["base_amount"]["evidence"][0]["source"] == "feed"
        assert terms.fields["cig"]["value"] == ["BBEE0B3E8D"]
        assert terms.fields["award_criterion"]["value"] == "oepv"
        assert terms.all_documents_read is True


def test_extract_command_runs_the_pending_documents(settings_env: Path, engine, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    store = settings_env / "documents"
    with session_scope(engine) as session:
        source = upsert_source(session, "test_cli", kind="national")
        notice = record_notice(session, source.id, NoticeData(source_notice_id="C-1", title="Protesi")).notice
        upsert_document(session, notice.id, "https://x.example/d.pdf",
                        **_store(store, (corpus_dir / "documents" / "aomauriziano_to_CAPITOLATO_TECNICO_RETTIFICATO.pdf").read_bytes()))
    result = subprocess.run([sys.executable, "-m", "observatory", "extract"], capture_output=True, text=True,
                            env=dict(os.environ), cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "documents: 1 pending, 1 extracted, 0 failed, 0 skipped; notices merged: 1"
    with session_scope(engine) as session:
        assert session.scalars(select(NoticeTerms)).one().fields["technical_points"]["value"] == 72


def test_outdated_extractions_are_read_again(engine, tmp_path: Path, built_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from extract.runner import mark_outdated_pending

    store = tmp_path / "store"
    with session_scope(engine) as session:
        source = upsert_source(session, "test_versions", kind="national")
        notice = record_notice(session, source.id, NoticeData(source_notice_id="V-1", title="Nido")).notice
        document_id = upsert_document(session, notice.id, "https://x.example/nido.docx",
                                      **_store(store, (built_dir / "nido_no_revision.docx").read_bytes())).id
    assert run_pending(engine, store)["extracted"] == 1
    assert mark_outdated_pending(engine) == 0  # read by this version: nothing to do
    with session_scope(engine) as session:
        session.scalars(select(Extraction)).one().extractor_version = "0.0-old"
    assert mark_outdated_pending(engine) == 1
    assert run_pending(engine, store)["extracted"] == 1
    with session_scope(engine) as session:
        versions = sorted(e.extractor_version for e in session.scalars(select(Extraction).where(Extraction.document_id == document_id)))
        assert versions == ["0.0-old", EXTRACTOR_VERSION]
        assert session.get(NoticeTerms, notice.id).fields["ccnl"]["value"] == "Cooperative sociali"


def test_a_new_unretrieved_document_makes_the_notice_unread_again(engine, tmp_path: Path, built_dir: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    with session_scope(engine) as session:
        source = upsert_source(session, "test_stale", kind="national")
        notice = record_notice(session, source.id, NoticeData(source_notice_id="S-1", title="Accoglienza")).notice
        upsert_document(session, notice.id, "https://x.example/bando.odt", **_store(store, (built_dir / "avviso_oepv.odt").read_bytes()))
        notice_id = notice.id
    run_pending(engine, store)
    with session_scope(engine) as session:
        assert session.get(NoticeTerms, notice_id).all_documents_read is True
        # The next crawl finds a rettifica attachment it cannot download: nothing to extract, yet the
        # notice is no longer fully read.
        upsert_document(session, notice_id, "https://x.example/rettifica.pdf", retrieval_status="failed", retrieval_reason="timeout")
    counts = run_pending(engine, store)
    assert (counts["pending"], counts["notices_merged"]) == (0, 1)
    with session_scope(engine) as session:
        terms = session.get(NoticeTerms, notice_id)
        assert (terms.documents_total, terms.documents_read, terms.all_documents_read) == (2, 1, False)
    assert run_pending(engine, store)["notices_merged"] == 0  # up to date: nothing merged again


def test_in_scope_notice_without_documents_gets_feed_terms(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        source = upsert_source(session, "test_bare", kind="national")
        notice_id = record_notice(
            session, source.id,
            NoticeData(source_notice_id="B-1", title="SAD", cig="BBEE0B3E8D", in_scope=True, award_criterion="lowest_price"),
        ).notice.id
        record_notice(session, source.id, NoticeData(source_notice_id="B-2", title="Forniture", in_scope=False))
    assert run_pending(engine, tmp_path)["notices_merged"] == 1
    with session_scope(engine) as session:
        terms = session.get(NoticeTerms, notice_id)
        assert terms.fields["award_criterion"]["value"] == "lowest_price"
        assert (terms.documents_total, terms.all_documents_read) == (0, False)


def test_the_extraction_limits_come_from_the_settings(settings_env, session, monkeypatch, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from kernel.settings import get_settings
    from observatory.cli import cli

    monkeypatch.setenv("OBSERVATORY_EXTRACT_TIMEOUT_SECONDS", "0")  # no document can be read in no time
    get_settings.cache_clear()
    store = get_settings().document_store
    source = upsert_source(session, "test_portal", kind="regional")
    notice = record_notice(session, source.id, NoticeData(source_notice_id="T-1", title="Assistenza", in_scope=True)).notice
    data = (corpus_dir / "documents" / "aomauriziano_to_Bando_Europeo.pdf").read_bytes()
    document_id = upsert_document(session, notice.id, "https://portal.example/bando", **_store(store, data)).id
    session.commit()
    result = CliRunner().invoke(cli, ["extract"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    document = session.get(Document, document_id)
    assert (document.extraction_status, document.extraction_reason.split(":")[0]) == ("failed", "timeout")
