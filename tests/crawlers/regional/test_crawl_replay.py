"""Real crawls (one `scrapy crawl` process per source, through crawlers.runner) of every regional,
platform and prefecture spider against the replay, on SQLite and PostgreSQL: notices, lots, document
rows and stored files; a second run adds no duplicates; robots-denied hosts are recorded, not crawled;
`observatory sources` lists every source with its policy and health."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Document, Notice, RunRecord, Source
from tests.crawlers.conftest import site_urls
from tests.crawlers.regional.conftest import ALL_SPIDERS, replay_env, spider_urls

FROM = {"from_date": dt.date(2019, 1, 1), "until_date": dt.date(2026, 11, 30)}
# Notices each spider must write from its replay (in or out of scope).
NOTICES = {
    "regione_lombardia": 15, "intercenter_er": 3, "start_toscana": 2, "regione_veneto": 10, "empulia": 2,
    "sardegnacat": 2, "portaleappalti": 2, "traspare": 1, "tuttogare": 1, "halley": 2, "wp_design_comuni": 1,
    "prefetture": 2,
}
# Sources whose notices carry no downloadable documents: Lombardia's open data has none; Veneto's calls
# are out of scope (documents of out-of-scope notices are listed, not downloaded).
NO_DOCUMENTS = {"regione_lombardia", "regione_veneto"}


def counts_by_source(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Source.code, func.count(Notice.id)).join(Notice, Notice.source_id == Source.id).group_by(Source.code)
    )
    return dict(rows.all())


def documents_of(session: Session, code: str) -> list[Document]:
    return list(session.scalars(select(Document).join(Notice).join(Source).where(Source.code == code)))


def test_every_spider_crawls_its_replay_into_the_database(regional_replay, crawl, session, settings_env: Path):
    results = crawl(spider_urls(regional_replay, *ALL_SPIDERS), env=replay_env(regional_replay), force=True,
                    parallel=2, **FROM)
    by_code = {r.code: r for r in results}
    assert set(by_code) == set(ALL_SPIDERS)
    for code, result in by_code.items():
        assert result.status in {"ok", "partial"}, (code, result)
        assert result.counts["notices_new"] == NOTICES[code], (code, result.counts)
    assert counts_by_source(session) == NOTICES

    for code in set(ALL_SPIDERS) - NO_DOCUMENTS - {"start_toscana"}:
        documents = documents_of(session, code)
        assert documents and all(d.retrieval_status == "retrieved" for d in documents), code
        for document in documents:
            stored = settings_env / "documents" / document.stored_path
            assert stored.is_file() and stored.stat().st_size == document.size
            assert document.media_type in {"application/pdf", "application/pkcs7-mime", "application/zip"}
    # START forbids attachment downloads in robots.txt: rows say so, nothing was fetched.
    start_documents = documents_of(session, "start_toscana")
    assert len(start_documents) == 3
    assert {(d.retrieval_status, d.retrieval_reason) for d in start_documents} == {("failed", "robots_denied")}
    assert not any("/attachments/download/" in path for path, _ in regional_replay.sites["start_toscana"].log)
    # Out-of-scope notices keep their document rows (listed, never reads as "absent"), skipped with why.
    assert {(d.retrieval_status, d.retrieval_reason.split(":")[0]) for d in documents_of(session, "regione_veneto")} == {
        ("skipped", "out_of_scope")}

    # The PortaleAppalti tenant whose robots.txt forbids crawling: none of its pages was requested.
    paths = [path for path, _ in regional_replay.sites["portaleappalti"].log]
    assert not [p for p in paths if p.startswith("/bari/")]
    assert any(p.startswith("/novara/") for p in paths)
    record = session.scalars(select(RunRecord).where(RunRecord.source_code == "portaleappalti")).one()
    assert [e for e in record.errors if e["reason"] == "robots_denied"][0]["tenant"] == "bari"

    health = dict(session.execute(select(Source.code, Source.health)).all())
    # Attachments that robots.txt forbids are START's policy, not a fault: the portal reads as ok.
    assert {code for code, state in health.items() if state != "ok"} == set()

    # The same crawl again: nothing new, nothing duplicated.
    again = crawl(spider_urls(regional_replay, *ALL_SPIDERS), env=replay_env(regional_replay), force=True,
                  parallel=2, **FROM)
    for result in again:
        assert result.status in {"ok", "partial"}, (result.code, result)
        assert result.counts["notices_new"] == 0 and result.counts["notices_changed"] == 0, (result.code, result.counts)
    session.expire_all()
    assert counts_by_source(session) == NOTICES

    # `observatory sources`: every source, its declared policy and the health just written.
    from observatory.cli import cli

    output = CliRunner().invoke(cli, ["sources", "--json"], catch_exceptions=False).output
    listed = {entry["code"]: entry for entry in json.loads(output)}
    assert set(ALL_SPIDERS) <= set(listed)
    assert "anac_pvl" in listed  # the national sources are listed too
    assert listed["start_toscana"]["policy"]["visit_window"] == "23:00-04:00 Europe/Rome"
    assert listed["prefetture"]["tenants"] == 106 and listed["prefetture"]["health"] == "ok"
    assert listed["portaleappalti"]["robots_denied_tenants"] == ["bari"]
    assert listed["regione_lombardia"]["last_run_status"] == "ok"
    text = CliRunner().invoke(cli, ["sources", "--kind", "regional"], catch_exceptions=False).output
    assert "start_toscana [regional]" in text and "finestra: 23:00-04:00" in text and "anac_pvl" not in text


def test_a_notice_in_traspare_and_in_pvl_is_one_tender(national_replay, regional_replay, crawl, session):
    [pvl] = crawl(site_urls(national_replay, "anac_pvl"), from_date=dt.date(2026, 6, 1), until_date=dt.date(2026, 6, 10))
    [platform] = crawl(spider_urls(regional_replay, "traspare"), env=replay_env(regional_replay), **FROM)
    assert pvl.status == "ok" and platform.status == "ok"
    notices = {n.source.code: n for n in session.scalars(select(Notice).where(Notice.cig == "BBEE0B3E8D"))}
    assert set(notices) == {"anac_pvl", "traspare"}
    assert notices["traspare"].canonical_id == notices["anac_pvl"].id
    assert notices["traspare"].authority_id == notices["anac_pvl"].authority_id  # same fiscal code


def test_start_is_not_crawled_outside_its_visit_window(regional_replay, settings_env):
    from crawlers.runner import run_crawls
    from crawlers.spiders.start_toscana import StartToscanaSpider

    rome = dt.timezone(dt.timedelta(hours=1))
    assert StartToscanaSpider.policy.in_window(dt.datetime(2026, 11, 23, 23, 30, tzinfo=rome))
    assert StartToscanaSpider.policy.in_window(dt.datetime(2026, 11, 24, 3, 59, tzinfo=rome))
    assert not StartToscanaSpider.policy.in_window(dt.datetime(2026, 11, 24, 4, 0, tzinfo=rome))
    [result] = run_crawls(["start_toscana"], env=replay_env(regional_replay),
                          now=dt.datetime(2026, 11, 23, 12, 0, tzinfo=rome))
    assert result.status == "skipped" and "visit window" in result.reason
    assert regional_replay.sites["start_toscana"].log == []
