"""crawlers.runner: one process per source, results per source, failures isolated, visit windows."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from sqlalchemy import select

from crawlers.runner import available_sources, run_crawls
from db.models import RunRecord, Source
from kernel.errors import ConfigurationError
from tests.crawlers.conftest import site_urls


def _dead_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_national_sources_are_listed():
    assert {"anac_pvl", "ted", "anac_cig", "anac_ocds"} <= set(available_sources())


def test_unknown_source_is_a_clear_error(settings_env):
    with pytest.raises(ConfigurationError, match="unknown source 'nope'"):
        run_crawls(["nope"])


def test_an_unreachable_portal_fails_alone(national_replay, crawl, session):
    urls = {"anac_pvl": _dead_url(), **site_urls(national_replay, "ted")}
    dead, ted = crawl(urls, from_date=dt.date(2019, 11, 1), until_date=dt.date(2019, 11, 30), parallel=2)
    assert dead.code == "anac_pvl" and dead.status == "failed"
    assert "network_error" in (dead.reason or "") or "network_error" in str(session.get(RunRecord, dead.run_id).errors)
    assert ted.status == "ok" and ted.counts["notices_new"] == 1
    source = session.scalars(select(Source).where(Source.code == "anac_pvl")).one()
    assert source.health == "broken" and source.last_success_at is None


def test_run_records_hang_under_the_pipeline_run(national_replay, crawl, session):
    parent = RunRecord(stage="pipeline", status="running")
    session.add(parent)
    session.commit()
    [result] = crawl(site_urls(national_replay, "ted"), from_date=dt.date(2019, 11, 1), until_date=dt.date(2019, 11, 30),
                     parent_run_id=parent.id)
    child = session.get(RunRecord, result.run_id)
    assert child.parent_id == parent.id and child.stage == "crawl" and child.source_code == "ted"
    assert child.finished_at is not None and child.status == "ok"


def test_a_source_outside_its_visit_window_is_skipped_unless_forced(settings_env):
    noon_in_rome = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    [result] = run_crawls(["start_toscana"], now=noon_in_rome)
    assert result.status == "skipped" and "visit window 23:00-04:00" in result.reason


def test_sample_stops_early_and_does_not_move_the_cursor(national_replay, crawl, session):
    [result] = crawl(site_urls(national_replay, "ted"), from_date=dt.date(2019, 1, 1), until_date=dt.date(2026, 6, 30),
                     sample=1)
    assert result.status == "ok" and result.counts["notices_new"] == 1
    source = session.scalars(select(Source).where(Source.code == "ted")).one()
    assert source.last_success_at is not None and source.last_published_seen is None


def test_sources_on_the_same_host_do_not_run_side_by_side(corpus_dir, crawl, session):
    from replay import anac, ted
    from replay.server import ReplayServer, Site

    shared = Site("shared")  # one portal host serving both APIs
    shared.routes = [*anac.build_pvl(corpus_dir).routes, *ted.build(corpus_dir)[0].routes]
    with ReplayServer([shared]) as server:
        url = server.url("shared")
        pvl, ted_result = crawl({"anac_pvl": url, "ted": url}, from_date=dt.date(2019, 11, 1),
                                until_date=dt.date(2026, 6, 30), parallel=2)
    assert pvl.status == ted_result.status == "ok"
    first, second = sorted((session.get(RunRecord, r.run_id) for r in (pvl, ted_result)), key=lambda r: r.started_at)
    assert first.finished_at <= second.started_at
