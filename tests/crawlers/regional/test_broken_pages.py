"""A portal whose pages no longer match (a redesign: no rows, or records without their required
fields) marks its source broken, with the reason, instead of succeeding silently with zero notices."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import func, select

from db.models import Notice, RunRecord, Source
from replay.fixtures import fixture_text
from replay.server import ReplayRequest, ReplayResponse, Site
from tests.crawlers.conftest import custom_server

FROM = {"from_date": dt.date(2019, 1, 1), "until_date": dt.date(2026, 11, 30)}


def redesigned_veneto(corpus_dir: Path) -> Site:
    """The real landing page after a redesign: the rows' class has changed, nothing else."""
    site = Site("regione_veneto")
    page = (corpus_dir / "html/bandiradar_cassette_veneto_listing.html").read_text(encoding="utf-8")
    changed = page.replace("row-inScadenza", "riga-in-scadenza")

    @site.route(r"/Public/Index")
    def index(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html(changed)

    return site


def empulia_without_deadlines() -> Site:
    """EmPULIA pages that lost their deadline (cell and label renamed): records miss a required field."""
    site = Site("empulia")
    listing = re.sub(r"<td>\d\d/\d\d/2026 12:00</td>", "<td>vedi dettaglio</td>", fixture_text("empulia/list.html"))

    @site.route(r"/tno-a/empulia/Empulia/SitePages/Bandi%20di%20gara%20new\.aspx")
    def list_page(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html(listing)

    @site.route(r"/tno-a/empulia/Empulia/SitePages/New_Dettaglio%20Consultazione\.aspx")
    def detail(request: ReplayRequest) -> ReplayResponse:
        text = fixture_text(f"empulia/detail_{request.arg('bando')}.html")
        return ReplayResponse.html(text.replace("Termine presentazione offerte", "Chiusura"))

    return site


def test_redesigned_listing_marks_the_source_broken(corpus_dir, crawl, session):
    with custom_server(redesigned_veneto(corpus_dir)) as server:
        [result] = crawl({"regione_veneto": server.url("regione_veneto")}, **FROM)
    source = session.scalars(select(Source).where(Source.code == "regione_veneto")).one()
    assert source.health == "broken"
    assert "elenco senza righe" in source.health_reason
    record = session.scalars(select(RunRecord).where(RunRecord.source_code == "regione_veneto")).one()
    assert any(e["reason"] == "structure_mismatch" for e in record.errors)
    assert result.status in {"partial", "failed"}
    assert session.scalar(select(func.count()).select_from(Notice)) == 0


def test_records_missing_required_fields_mark_the_source_broken(crawl, session):
    with custom_server(empulia_without_deadlines()) as server:
        crawl({"empulia": server.url("empulia")}, **FROM)
    source = session.scalars(select(Source).where(Source.code == "empulia")).one()
    assert source.health == "broken"
    assert "deadline_at" in source.health_reason
    assert session.scalar(select(func.count()).select_from(Notice)) == 0  # nothing half-read was stored


def test_intact_pages_keep_the_source_healthy(corpus_dir, crawl, session):
    from replay.regional import empulia_site

    with custom_server(empulia_site(corpus_dir)) as server:
        [result] = crawl({"empulia": server.url("empulia")}, **FROM)
    assert result.status == "ok"
    assert session.scalars(select(Source.health).where(Source.code == "empulia")).one() == "ok"


def test_nothing_new_in_the_window_is_not_a_broken_portal(corpus_dir, crawl, session):
    """Rows older than the window are skipped; the page was read, so the run is not an empty run."""
    from replay.regional import start_site

    with custom_server(start_site(corpus_dir)) as server:
        for _ in range(3):
            [result] = crawl({"start_toscana": server.url("start_toscana")}, force=True,
                             from_date=dt.date(2026, 10, 1), until_date=dt.date(2026, 11, 30))
            assert result.status == "ok" and result.counts["notices_new"] == 0
    source = session.scalars(select(Source).where(Source.code == "start_toscana")).one()
    assert source.health == "ok" and source.consecutive_empty_runs == 0
    assert session.scalar(select(func.count()).select_from(Notice)) == 0
