"""One real `scrapy crawl` per source through run_crawls, with REDIS_URL set, against the replay."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlalchemy import func, select

from crawlers.distributed import HostLease, connect
from db.models import Notice, RunRecord, Source
from tests.crawlers.conftest import site_urls
from tests.crawlers.regional.conftest import replay_env, spider_urls

REGIONAL_WINDOW = {"from_date": dt.date(2019, 1, 1), "until_date": dt.date(2026, 11, 30)}

WINDOW = {"from_date": dt.date(2019, 11, 1), "until_date": dt.date(2019, 11, 30)}


def test_a_crawl_with_redis_fills_the_database_and_a_second_machine_fetches_no_page_again(
    regional_replay, crawl, session, redis_url, redis_client, prefix
):
    options = {"env": {**replay_env(regional_replay), "REDIS_URL": redis_url}, "force": True,
               "scrapy_settings": {"OBSERVATORY_REDIS_PREFIX": prefix}, **REGIONAL_WINDOW}
    [first] = crawl(spider_urls(regional_replay, "empulia"), **options)
    assert first.status == "ok", first.reason
    assert first.counts["notices_new"] == 2 and first.counts["documents_retrieved"] == 4
    assert session.scalar(select(func.count()).select_from(Notice)) == 2
    assert session.get(RunRecord, first.run_id).errors == []
    # The spider process filtered its requests through tonight's shared set, which expires ...
    [seen_key] = redis_client.scan_iter(f"{prefix}:dupefilter:empulia:*")
    seen = redis_client.scard(seen_key)
    assert seen >= 2 and redis_client.ttl(seen_key) > 0
    # ... and the runner released the host when the crawl ended.
    assert list(redis_client.scan_iter(f"{prefix}:lease:*")) == []

    # Another machine crawling the same source the same night: no page fetched twice.
    fetched = list(regional_replay.sites["empulia"].log)
    [second] = crawl(spider_urls(regional_replay, "empulia"), **options)
    assert second.status == "ok" and second.counts["notices_new"] == 0
    assert regional_replay.sites["empulia"].log == fetched
    assert redis_client.scard(seen_key) == seen
    assert "already fetched tonight" in second.log_path.read_text(encoding="utf-8")
    # Seeing nothing because the pages were read elsewhere is not an "empty run" of the portal:
    # three such runs in a row must not mark it broken.
    assert second.counts["fetched_elsewhere"] >= 1
    for _ in range(2):
        crawl(spider_urls(regional_replay, "empulia"), **options)
    session.expire_all()
    source = session.scalars(select(Source).where(Source.code == "empulia")).one()
    assert (source.health, source.consecutive_empty_runs) == ("ok", 0)


def test_a_host_leased_by_another_machine_is_skipped_and_crawled_next_run(
    national_replay, crawl, session, redis_url, prefix
):
    urls = site_urls(national_replay, "ted")
    other_machine = HostLease(connect(redis_url), urlsplit(urls["ted"]).netloc, prefix=prefix, ttl=120)
    assert other_machine.acquire()
    options = {"env": {"REDIS_URL": redis_url}, "scrapy_settings": {"OBSERVATORY_REDIS_PREFIX": prefix}, **WINDOW}

    [busy] = crawl(urls, **options)
    assert busy.status == "skipped" and "host busy on another machine" in busy.reason
    assert session.scalar(select(func.count()).select_from(RunRecord)) == 0  # no crawl process ran

    assert other_machine.release()
    [next_run] = crawl(urls, **options)
    assert next_run.status == "ok" and next_run.counts["notices_new"] == 1


def test_an_unreachable_redis_leaves_one_error_line_and_the_crawl_goes_on(national_replay, crawl, session, unused_port):
    urls = site_urls(national_replay, "ted")
    [result] = crawl(urls, env={"REDIS_URL": f"redis://127.0.0.1:{unused_port}/0"}, **WINDOW)
    assert result.counts["notices_new"] == 1  # crawled local-only
    errors = session.get(RunRecord, result.run_id).errors
    assert [e["reason"] for e in errors] == ["redis_unreachable"]
    assert f"Redis unreachable at redis://127.0.0.1:{unused_port}/0" in errors[0]["detail"]
    assert result.status == "partial"
