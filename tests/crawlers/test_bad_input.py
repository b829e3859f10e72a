"""Bad input: each failure is recorded with its reason on the run record, the rest of the crawl goes
on, and the next run fetches what was missed. Servers here wrap the real corpus responses and
break them in the documented ways (500 or timeout mid-pagination, malformed JSON, truncated zip,
oversized file, XML entity bomb)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Document, Notice, RunRecord, Source
from replay import anac, ted
from replay.server import ReplayRequest, ReplayResponse, ReplayServer, Site
from tests.crawlers.conftest import site_urls

ERCOLANO = "f306ec52-abce-4fa9-bb17-df2e97314def"
WINDOW = {"from_date": dt.date(2026, 6, 1), "until_date": dt.date(2026, 6, 7)}


def paged_pvl(corpus_dir: Path, broken: dict[str, str]) -> Site:
    """Three pages of real PVL records (Ercolano on the last); page 1 breaks as `broken["mode"]` says."""
    records = anac.load_pvl_records(corpus_dir)
    ercolano = next(r for r in records if r["idAvviso"] == ERCOLANO)
    others = [r for r in records if r["idAvviso"] != ERCOLANO and not r.get("oscurato")][:6]
    pages = [others[:3], others[3:6], [ercolano]]
    site = Site("anac_pvl")

    @site.route(r"/api/v0/avvisi")
    def avvisi(request: ReplayRequest) -> ReplayResponse:
        page = int(request.arg("page", "0"))
        if page == 1 and broken["mode"] == "500":
            return ReplayResponse(500, b"Internal Server Error", {"Content-Type": "text/plain"})
        if page == 1 and broken["mode"] == "timeout":
            time.sleep(3)
        if page == 0 and broken["mode"] == "malformed":
            return ReplayResponse.json('{"content": [{"idAvviso": ')
        body = {"content": pages[page], "totalPages": len(pages), "totalElements": 7, "size": 3, "number": page}
        return ReplayResponse.json(json.dumps(body))

    return site


@pytest.mark.parametrize("mode", ["500", "timeout"])
def test_failure_mid_pagination_is_recorded_and_the_next_run_catches_up(corpus_dir, crawl, session, mode):
    broken = {"mode": mode}
    with ReplayServer([paged_pvl(corpus_dir, broken)]) as server:
        urls = site_urls(server, "anac_pvl")
        [first] = crawl(urls, scrapy_settings={"DOWNLOAD_TIMEOUT": 1}, **WINDOW)
        assert first.status == "partial"
        record = session.get(RunRecord, first.run_id)
        reasons = {e["reason"] for e in record.errors}
        assert reasons == ({"http_error: 500"} if mode == "500" else {"timeout"})
        assert record.errors[0]["page"] == 1
        assert session.scalars(select(Notice)).all() == []  # page 2 (Ercolano) was not reached
        source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
        assert source.last_published_seen is None and source.health == "degraded"

        broken["mode"] = "none"  # the portal recovers
        # No dates: the next nightly run. The cursor did not move, so it re-reads from before the
        # failure (this server ignores the date window and serves every page).
        [second] = crawl(urls)
    assert second.status == "ok" and second.counts["notices_new"] == 1
    assert session.scalars(select(Notice.source_notice_id)).all() == [ERCOLANO]
    session.expire_all()
    source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
    assert source.health == "ok" and source.last_published_seen == dt.date.today()


def test_malformed_json_fails_the_run_and_marks_the_source(corpus_dir, crawl, session):
    with ReplayServer([paged_pvl(corpus_dir, {"mode": "malformed"})]) as server:
        [result] = crawl(site_urls(server, "anac_pvl"), **WINDOW)
    assert result.status == "failed"
    record = session.get(RunRecord, result.run_id)
    assert record.errors[0]["reason"] == "malformed_json"
    source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
    assert source.health == "broken" and "malformed_json" in source.health_reason
    assert source.last_success_at is None


def test_truncated_zip_is_recorded_and_other_months_are_read(corpus_dir, crawl, session):
    header, months = anac.cig_rows_by_month(corpus_dir)
    site = Site("anac_cig")

    @site.route(r"/opendata/download/dataset/cig-2024/filesystem/cig_csv_2024_(?P<month>\d{2})\.zip", methods=("GET", "HEAD"))
    def monthly(request: ReplayRequest) -> ReplayResponse:
        month = int(request.match["month"])
        body = anac.zip_csv(f"cig_csv_2024_{month:02d}.csv", header, months[(2024, month)])
        if month == 6:
            body = body[: len(body) // 2]  # cut in the middle of the deflated member
        return ReplayResponse(200, body, {"Content-Type": "application/zip"})

    with ReplayServer([site]) as server:
        [result] = crawl(site_urls(server, "anac_cig"), from_date=dt.date(2024, 5, 1), until_date=dt.date(2024, 7, 31))
    assert result.status == "partial"
    record = session.get(RunRecord, result.run_id)
    [error] = record.errors
    assert error["reason"] == "truncated_zip" and error["url"].endswith("cig_csv_2024_06.zip")
    assert result.counts["bulk_rows"] >= len(months[(2024, 5)]) + len(months[(2024, 7)])


def test_oversized_document_is_not_retrieved_with_its_reason_then_retried(corpus_dir, crawl, session):
    with ReplayServer(ted.build(corpus_dir)) as server:
        urls = site_urls(server, "ted")
        dates = {"from_date": dt.date(2019, 11, 1), "until_date": dt.date(2019, 11, 30)}
        [first] = crawl(urls, env={"OBSERVATORY_DOCUMENT_MAX_BYTES": "300000"}, **dates)
        assert first.status == "partial"  # documents failed; the listing itself is complete
        documents = {d.url.rsplit("/", 1)[-1]: d for d in session.scalars(select(Document))}
        big = documents["aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf"]
        assert (big.retrieval_status, big.retrieval_reason) == ("failed", "too_large")
        assert documents["aomauriziano_to_Bando_Europeo.pdf"].retrieval_status == "retrieved"
        source = session.scalars(select(Source).where(Source.code == "ted")).one()
        assert source.last_published_seen == dt.date(2019, 11, 30)  # document failures do not hold the cursor

        # The next night's window no longer covers the notice: its failed documents are retried anyway.
        [second] = crawl(urls, from_date=dt.date(2019, 12, 1), until_date=dt.date(2019, 12, 31))
        session.expire_all()
    assert second.status == "ok" and second.counts["notices_new"] == 0
    assert second.counts["documents_retrieved"] == 2  # only the two that failed were fetched again
    assert {d.retrieval_status for d in session.scalars(select(Document))} == {"retrieved"}
    assert session.get(Document, big.id).retrieval_attempts == 2


def test_xml_entity_bomb_is_refused_and_the_notice_kept(corpus_dir, crawl, session):
    record = ted.example_record(corpus_dir / "ted" / "eforms_sdk_cn-social_24.xml", "bomb-1-2019")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<ContractNotice>&lol3;</ContractNotice>"
    )
    site = Site("ted")

    @site.route(r"/v3/notices/search", methods=("POST",))
    def search(request: ReplayRequest) -> ReplayResponse:
        hit = dict(record, links={"xml": {"MUL": f"{request.base_url}/en/notice/bomb-1-2019/xml"}})
        return ReplayResponse.json(json.dumps({"notices": [hit], "totalNoticeCount": 1}))

    @site.route(r"/en/notice/bomb-1-2019/xml")
    def xml(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(200, bomb, {"Content-Type": "application/xml"})

    with ReplayServer([site]) as server:
        [result] = crawl(site_urls(server, "ted"), from_date=dt.date(2019, 1, 1), until_date=dt.date(2019, 12, 31))
    assert result.status == "partial"
    errors = session.get(RunRecord, result.run_id).errors
    assert [e["reason"] for e in errors] == ["xml_unsafe"]
    [notice] = session.scalars(select(Notice)).all()
    assert notice.source_notice_id == "bomb-1-2019" and notice.in_scope
    assert notice.title == "Secure Care Services" and notice.raw["xml_error"].startswith("refused")


def test_every_document_gets_a_status_and_a_reason(corpus_dir, crawl, session):
    """One real PVL notice whose documents page links a good PDF, a 403, a captcha page, a 404 and a
    file under a path robots.txt forbids: one row each, retrieved or failed with its reason."""
    record = next(r for r in anac.load_pvl_records(corpus_dir) if r["idAvviso"] == ERCOLANO)
    site = Site("anac_pvl", robots_txt="User-agent: *\nDisallow: /riservato/\n")
    pdf = (corpus_dir / "documents" / "aomauriziano_to_Bando_Europeo.pdf").read_bytes()

    @site.route(r"/api/v0/avvisi")
    def avvisi(request: ReplayRequest) -> ReplayResponse:
        text = json.dumps(record).replace(anac.ERCOLANO_TRASPARE, f"{request.base_url}/gara/427")
        return ReplayResponse.json(json.dumps({"content": [json.loads(text)], "totalPages": 1, "number": 0}))

    @site.route(r"/gara/427")
    def page(request: ReplayRequest) -> ReplayResponse:
        links = ["/files/bando.pdf", "/files/vietato.pdf", "/files/captcha.pdf", "/files/sparito.pdf", "/riservato/capitolato.pdf"]
        return ReplayResponse.html("".join(f'<a href="{link}">{link}</a>' for link in links))

    @site.route(r"/files/(?P<name>\w+)\.pdf")
    def files(request: ReplayRequest) -> ReplayResponse:
        name = request.match["name"]
        if name == "bando":
            return ReplayResponse(200, pdf, {"Content-Type": "application/octet-stream"})
        if name == "vietato":
            return ReplayResponse(403, b"Forbidden", {"Content-Type": "text/plain"})
        if name == "captcha":
            return ReplayResponse.html("<html><body><div class='g-recaptcha'>captcha</div></body></html>")
        return ReplayResponse(404, b"Not Found", {"Content-Type": "text/plain"})

    @site.route(r"/riservato/capitolato\.pdf")
    def reserved(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(200, pdf, {"Content-Type": "application/pdf"})

    with ReplayServer([site]) as server:
        [result] = crawl(site_urls(server, "anac_pvl"), **WINDOW)
    assert result.status == "partial"  # the listing is complete; documents failed
    status = {d.url.rsplit("/", 1)[-1]: (d.retrieval_status, d.retrieval_reason) for d in session.scalars(select(Document))}
    assert status == {
        "bando.pdf": ("retrieved", None),
        "vietato.pdf": ("failed", "forbidden"),
        "captcha.pdf": ("failed", "captcha"),
        "sparito.pdf": ("failed", "not_found"),
        "capitolato.pdf": ("failed", "robots_denied"),
    }
    assert not any("/riservato/" in path for path, _ in site.log)
    source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
    assert source.health == "degraded" and "documenti" in source.health_reason  # 4 of 5 failed


def test_a_source_that_returns_nothing_three_times_is_broken(crawl, session):
    site = Site("anac_pvl")

    @site.route(r"/api/v0/avvisi")
    def empty(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.json('{"content": [], "totalPages": 0, "totalElements": 0, "number": 0}')

    with ReplayServer([site]) as server:
        states = []
        for _ in range(3):
            [result] = crawl(site_urls(server, "anac_pvl"), **WINDOW)
            assert result.status == "ok"
            session.expire_all()
            source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
            states.append((source.health, source.consecutive_empty_runs))
    assert states == [("ok", 1), ("ok", 2), ("broken", 3)]
    assert source.health_reason == "nessun avviso letto per 3 esecuzioni consecutive"


def test_pvl_entry_without_template_is_completed_from_the_detail_endpoint(corpus_dir, crawl, session):
    record = next(r for r in anac.load_pvl_records(corpus_dir) if r["idAvviso"] == ERCOLANO)
    bare = {k: v for k, v in record.items() if k != "template"}
    site = Site("anac_pvl")

    @site.route(r"/api/v0/avvisi")
    def listing(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.json(json.dumps({"content": [bare], "totalPages": 1, "number": 0}))

    @site.route(r"/api/v0/avvisi/(?P<id>[0-9a-f-]+)")
    def detail(request: ReplayRequest) -> ReplayResponse:
        text = json.dumps(record).replace(anac.ERCOLANO_TRASPARE, f"{request.base_url}/gara/427")
        return ReplayResponse.json(text)

    @site.route(r"/gara/427")
    def page(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html("<p>Nessun allegato pubblicato.</p>")

    with ReplayServer([site]) as server:
        [result] = crawl(site_urls(server, "anac_pvl"), **WINDOW)
    assert result.status == "ok" and result.counts["notices_new"] == 1
    assert any(path == f"/api/v0/avvisi/{ERCOLANO}" for path, _ in site.log)
    [notice] = session.scalars(select(Notice)).all()
    assert notice.cig == "BBEE0B3E8D" and notice.in_scope
    # A documents page without attachments is recorded as such, not as "no documents".
    [document] = notice.documents
    assert document.retrieval_status == "failed" and document.retrieval_reason.startswith("not_found")


def test_bulk_file_download_is_retried_after_a_server_error(corpus_dir, crawl, session):
    header, months = anac.cig_rows_by_month(corpus_dir)
    site = Site("anac_cig")
    gets: list[int] = []

    @site.route(r"/opendata/download/dataset/cig-2024/filesystem/cig_csv_2024_05\.zip", methods=("GET", "HEAD"))
    def may(request: ReplayRequest) -> ReplayResponse:
        if request.method == "GET":
            gets.append(1)
            if len(gets) == 1:
                return ReplayResponse(503, b"busy", {"Content-Type": "text/plain"})
        return ReplayResponse(200, anac.zip_csv("cig_csv_2024_05.csv", header, months[(2024, 5)]), {"Content-Type": "application/zip"})

    with ReplayServer([site]) as server:
        [result] = crawl(site_urls(server, "anac_cig"), from_date=dt.date(2024, 5, 1), until_date=dt.date(2024, 5, 31),
                         scrapy_settings={"BULK_RETRY_PAUSE_SECONDS": 0.2})
    assert result.status == "ok" and len(gets) == 2
    assert result.counts["bulk_rows"] == len(months[(2024, 5)])
