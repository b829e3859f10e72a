"""Real crawls (scrapy crawl subprocesses) of the national spiders against the corpus replay, on
SQLite and PostgreSQL: items become notices, lots, document rows and files; twice = no duplicates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ContractExecution, Document, Lot, Notice, RunRecord, Source
from tests.crawlers.conftest import site_urls

PVL_WINDOW = {"from_date": dt.date(2026, 6, 1), "until_date": dt.date(2026, 6, 10)}
ALL_TIME = {"from_date": dt.date(2019, 1, 1), "until_date": dt.date(2026, 6, 30)}


def _notices(session: Session, code: str) -> list[Notice]:
    return list(
        session.scalars(select(Notice).join(Source).where(Source.code == code).order_by(Notice.source_notice_id))
    )


def test_anac_pvl_saved_responses_fill_the_database(national_replay, crawl, session, settings_env: Path):
    [result] = crawl(site_urls(national_replay, "anac_pvl"), **PVL_WINDOW)
    assert result.status == "ok", result
    [notice] = _notices(session, "anac_pvl")  # the one social-services notice of the corpus
    assert notice.source_notice_id == "f306ec52-abce-4fa9-bb17-df2e97314def"
    assert notice.procedure_key == "d7e2c2cb-5a06-40e9-9d38-5fc8dbd9718f"
    assert notice.cig == "BBEE0B3E8D"
    assert notice.cpv == "85320000" and notice.cpv_label == "Servizi sociali"
    assert notice.in_scope and "85320000" in notice.scope_reason
    assert notice.amount == Decimal("454440.30")
    assert notice.deadline_at == dt.datetime(2026, 7, 6, 10, 0, tzinfo=dt.UTC)
    assert notice.published_on == dt.date(2026, 6, 8)
    assert notice.procedure == "Aperta"
    assert notice.place_istat_comune == "063064" and notice.place_istat_region == "15"  # Ercolano, Campania
    assert notice.authority.fiscal_code == "80017980634"
    assert notice.authority.istat_region == "15"
    assert notice.documents_url.endswith("/traspare/ercolano/announcements/427")
    [lot] = notice.lots
    assert (lot.cig, lot.cpv) == ("BBEE0B3E8D", "85320000")
    documents = sorted(notice.documents, key=lambda d: d.url)
    assert [d.retrieval_status for d in documents] == ["retrieved", "retrieved"]
    for document in documents:
        stored = settings_env / "documents" / document.stored_path
        assert stored.is_file() and stored.stat().st_size == document.size
        assert document.stored_path == f"{document.sha256[:2]}/{document.sha256}"
        assert document.media_type == "application/pkcs7-mime"
    record = session.scalars(select(RunRecord).where(RunRecord.source_code == "anac_pvl")).one()
    assert record.stage == "crawl" and record.status == "ok"
    assert record.counts["notices_new"] == 1 and record.counts["out_of_scope"] >= 10
    assert record.counts["documents_retrieved"] == 2
    source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
    assert source.health == "ok" and source.last_published_seen == dt.date(2026, 6, 10)
    assert source.policy["kind"] == "national" and source.policy["robots"] == "obey"


def test_ted_search_and_eforms_xml(national_replay, crawl, session):
    [result] = crawl(site_urls(national_replay, "ted"), **ALL_TIME)
    assert result.status == "ok", result
    notices = {n.source_notice_id: n for n in _notices(session, "ted")}
    # 12 real IT notices are out of scope; the three social-services eForms examples are in.
    assert set(notices) == {"sdk-cn-social_24", "sdk-can-social_24", "sdk-pin-cfc-social_24"}
    social = notices["sdk-cn-social_24"]
    assert social.notice_type == "bando" and social.cpv == "85311300"
    assert social.award_criterion == "oepv"
    assert social.deadline_at == dt.datetime(2020, 1, 6, 11, 0, tzinfo=dt.UTC)
    assert social.procedure == "oth-single"
    [lot] = social.lots
    assert [c["type"] for c in lot.data["award_criteria"]] == ["quality", "price"]
    assert lot.data["reserved_participation"] == "none"
    assert notices["sdk-pin-cfc-social_24"].lots[0].data["reserved_participation"] == "res-ws"
    documents = sorted(social.documents, key=lambda d: d.url)
    assert len(documents) == 4 and all(d.retrieval_status == "retrieved" for d in documents)
    assert {d.media_type for d in documents} == {"application/pdf"}
    assert any("Disciplinare" in (d.title or "") for d in documents)


def test_anac_cig_streams_the_monthly_zip(national_replay, crawl, session):
    [result] = crawl(site_urls(national_replay, "anac_cig"), from_date=dt.date(2024, 1, 1), until_date=dt.date(2024, 12, 31))
    assert result.status == "ok", result
    assert result.counts["bulk_files"] == 12 and result.counts["bulk_rows"] == 422
    # The corpus rows are about IT/AI; the four real rows whose CPV is in the light-regime list are kept.
    notices = {n.source_notice_id: n for n in _notices(session, "anac_cig")}
    assert set(notices) == {"B210D9E0FC", "B316A7B35F", "B370D0A33F", "B45B68F3D6"}
    assert result.counts["out_of_scope"] == 422 - 5 - 4  # 5 rows are secondary CPVs of their CIG
    notice = notices["B210D9E0FC"]
    assert notice.cig == "B210D9E0FC" and notice.cpv == "85312320"
    assert notice.procedure == "AFFIDAMENTO DIRETTO"
    assert notice.authority.fiscal_code == "06382641006"
    assert notice.place_istat_comune == "058091" and notice.place_istat_region == "12"
    [lot] = notice.lots
    assert lot.amount == Decimal("37000.00") and lot.data["ESITO"] == "AGGIUDICATA"


def test_anac_ocds_awards_become_contract_execution(national_replay, crawl, session):
    # No release of the corpus has a care CPV: widen the scope as an analyst would to see the join.
    [result] = crawl(
        site_urls(national_replay, "anac_ocds"), from_date=dt.date(2025, 1, 1), until_date=dt.date(2025, 12, 31),
        env={"OBSERVATORY_SCOPE_EXTRA_CPV": "72,44"},
    )
    assert result.status == "ok", result
    notices = {n.source_notice_id: n for n in _notices(session, "anac_ocds")}
    trani = notices["ocds-hu01ve-8114164"]
    assert trani.cig == "90940496A3" and trani.cpv == "72322000"
    assert trani.authority.fiscal_code == "83000350724" and trani.authority.ausa_code == "0000245464"
    assert trani.procedure == "PROCEDURA NEGOZIATA PER AFFIDAMENTI SOTTO SOGLIA"
    executions = session.scalars(select(ContractExecution).where(ContractExecution.source == "anac_ocds")).all()
    assert executions and all(e.awarded_amount is not None for e in executions)
    with_milestones = [e for e in executions if e.events]
    assert with_milestones and with_milestones[0].events[0]["kind"] == "milestone"


def test_out_of_scope_only_source_is_not_an_error(national_replay, crawl, session):
    [result] = crawl(site_urls(national_replay, "anac_ocds"), from_date=dt.date(2025, 1, 1), until_date=dt.date(2025, 12, 31))
    assert result.status == "ok"
    assert result.counts["out_of_scope"] == 48 and _notices(session, "anac_ocds") == []


def test_observatory_crawl_twice_without_duplicates(national_replay, session, settings_env, monkeypatch):
    """The done criterion: `observatory crawl anac_pvl ted anac_cig anac_ocds` against the replay, twice."""
    for code in ("anac_pvl", "ted", "anac_cig", "anac_ocds"):
        monkeypatch.setenv(f"SOURCE_BASE_URL_{code.upper()}", national_replay.url(code))
    command = [
        str(Path(sys.executable).with_name("observatory")), "crawl", "anac_pvl", "ted", "anac_cig", "anac_ocds",
        "--from-date", "2019-01-01", "--until-date", "2026-06-30", "--parallel", "4",
    ]
    first = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert first.returncode == 0, first.stderr[-2000:]
    lines = dict(line.split(": ", 1) for line in first.stdout.splitlines())
    assert set(lines) == {"anac_pvl", "ted", "anac_cig", "anac_ocds"}
    assert all(value.startswith("ok") for value in lines.values()), lines
    counts_before = _table_counts(session)
    assert counts_before == {"notice": 1 + 3 + 4, "lot": 1 + 5 + 4, "document": 2 + 4}

    second = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert second.returncode == 0, second.stderr[-2000:]
    session.expire_all()
    assert _table_counts(session) == counts_before
    records = session.scalars(select(RunRecord).order_by(RunRecord.id)).all()[-4:]
    assert sum(r.counts["notices_new"] for r in records) == 0
    assert sum(r.counts["notices_unchanged"] for r in records) == counts_before["notice"]
    assert sum(r.counts["documents_retrieved"] for r in records) == 0  # retrieved files are not fetched again
    assert "ted: ok - 0 new, 0 changed, 3 unchanged" in second.stdout


def _table_counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Notice, Lot, Document)
    }
