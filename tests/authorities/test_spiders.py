"""Real crawls (`scrapy crawl` subprocesses through crawlers.runner) of the post-award spiders against
the replay of replay/payments.py: one per payments page shape, the registry and the
execution datasets; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import ContractExecution, ContractingAuthority, PaymentIndicator, RunRecord, Source
from db.queries.authorities import upsert_authority
from db.queries.notices import NoticeData, record_notice, upsert_lot
from db.queries.sources import upsert_source
from replay import payments as replay
from replay.server import ReplayServer


@pytest.fixture
def post_award_replay(corpus_dir: Path) -> Iterator[ReplayServer]:
    with ReplayServer(replay.build(corpus_dir)) as server:
        yield server


def _series(session, fiscal_code: str, source: str | None = None) -> dict[str, PaymentIndicator]:  # noqa: ANN001
    rows = session.scalars(select(PaymentIndicator).join(ContractingAuthority)
                           .where(ContractingAuthority.fiscal_code == fiscal_code))
    return {r.period: r for r in rows if source is None or r.source == source}


def test_payments_html_spider(post_award_replay, crawl, session) -> None:
    [result] = crawl({"payments_html": post_award_replay.url("payments_html")})
    assert result.status == "ok", result
    modena = _series(session, "00221940364")
    assert modena["2025-Q3"].itp_days == Decimal("-1.02") and modena["2025-Q3"].source == "payments_html"
    assert modena["2025-Q3"].source_url.endswith(
        "/www.comune.modena.it/amministrazione-trasparente/pagamenti-dellamministrazione/"
        "indicatore-di-tempestivita-dei-pagamenti-1")
    assert modena["2024-Q3"].status == "missing"
    assert _series(session, "80017980634", "payments_html")["2025-Q1"].itp_days == Decimal("41.20")
    # Ercolano's page republishes the PCC's figures too: a series of their own.
    assert _series(session, "80017980634", "pcc_republished")["2025-Q1"].itp_days == Decimal("48.30")
    assert _series(session, "80015010723")["2025-Q1"].definition == "average_days_to_pay"
    source = session.scalars(select(Source).where(Source.code == "payments_html")).one()
    assert source.policy["kind"] == "payments"


def test_payments_pdf_spider_reads_text_and_the_scan(post_award_replay, crawl, session) -> None:
    [result] = crawl({"payments_pdf": post_award_replay.url("payments_pdf")})
    assert result.status == "ok", result
    novara = _series(session, "00125680033")
    assert novara["2025-Q3"].itp_days == Decimal("3.62") and "pagina 1" in novara["2025-Q3"].note
    trani = _series(session, "83000350724")  # a scan: read by OCR, and the note says so
    assert (trani["2025-Q3"].status, trani["2025-Q3"].itp_days) == ("published", Decimal("18.42"))
    assert "OCR" in trani["2025-Q3"].note


def test_payments_sheet_spider(post_award_replay, crawl, session) -> None:
    [result] = crawl({"payments_sheet": post_award_replay.url("payments_sheet")})
    assert result.status == "ok", result
    milano = _series(session, "01199250158")
    assert milano["2025-Q2"].itp_days == Decimal("-10.95") and milano["2025-Q2"].creditors_overdue == 198
    # The .ods file next to it cannot be read: recorded, with the period its link names.
    assert milano["2019"].status == "unreadable" and "ods" in milano["2019"].note


def test_a_tenant_page_that_is_gone_is_a_recorded_error(crawl, session) -> None:
    with ReplayServer([replay.build_payments("html", Path("/nonexistent"))]) as server:
        [result] = crawl({"payments_html": server.url("payments_html")})
    record = session.scalars(select(RunRecord).where(RunRecord.source_code == "payments_html")).one()
    assert result.status == "failed"  # every tenant page missing: nothing read
    assert [e["reason"] for e in record.errors] == ["not_found"] * 3, record.errors
    assert session.scalars(select(PaymentIndicator)).all() == []
    source = session.scalars(select(Source).where(Source.code == "payments_html")).one()
    assert source.health == "broken"


def test_registry_spider(post_award_replay, crawl, session) -> None:
    [result] = crawl({"anac_registry": post_award_replay.url("anac_registry")})
    # The fixture's row without a fiscal code is on the run record; the rest is stored.
    assert (result.status, result.reason) == ("partial", "malformed_row"), result
    record = session.scalars(select(RunRecord).where(RunRecord.source_code == "anac_registry")).one()
    assert record.errors[0]["detail"] == "riga 15: invalid fiscal code 'ABC'"
    authorities = {a.fiscal_code: a for a in session.scalars(select(ContractingAuthority))}
    assert authorities["80017980634"].istat_region == "15"
    assert authorities["99000000029"].previous_fiscal_code == "99000000011"
    assert authorities["05359681003"].is_national
    assert "ABC" not in authorities


def test_execution_spider_keeps_known_cigs(post_award_replay, crawl, session) -> None:
    source = upsert_source(session, "anac_pvl", name="ANAC PVL", kind="national")
    authority = upsert_authority(session, fiscal_code="80017980634", name="COMUNE DI ERCOLANO")
    notice = record_notice(session, source.id, NoticeData(source_notice_id="x", title="Assistenza domiciliare",
                                                          cig="BBEE0B3E8D", authority_id=authority.id)).notice
    upsert_lot(session, notice.id, "1", cig="BBEE0B3E8D")
    session.commit()
    [result] = crawl({"anac_execution": post_award_replay.url("anac_execution")})
    assert result.status == "ok", result
    [row] = session.scalars(select(ContractExecution)).all()
    assert (row.cig, row.source, row.awarded_amount, row.start_on) == (
        "BBEE0B3E8D", "anac_bdncp", Decimal("417040.18"), dt.date(2026, 10, 1))
    assert row.authority_id == authority.id
