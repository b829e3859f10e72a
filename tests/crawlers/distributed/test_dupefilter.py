"""RedisDupeFilter: Scrapy's dupefilter contract, with fingerprints shared through the real Redis."""

from __future__ import annotations

import pytest
from scrapy import Request, signals
from scrapy.core.scheduler import Scheduler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawlers.base_spiders.base import BaseSpider
from crawlers.distributed import RedisDupeFilter, crawl_window

WINDOW = "2026-06-01"


class SourceA(BaseSpider):
    name = "source_a"


class SourceB(BaseSpider):
    name = "source_b"


def _scheduler(spider_cls: type[BaseSpider], **settings: object) -> Scheduler:
    """A real Scrapy scheduler (one per spider process) whose DUPEFILTER_CLASS is ours."""
    crawler = get_crawler(spider_cls, {
        "DUPEFILTER_CLASS": "crawlers.distributed.RedisDupeFilter",
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",  # no engine: not downloader-aware
        **settings,
    })
    spider = spider_cls()
    spider._set_crawler(crawler)
    crawler.spider = spider
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler


@pytest.fixture
def schedulers():
    opened: list[Scheduler] = []

    def make(spider_cls: type[BaseSpider], **settings: object) -> Scheduler:
        opened.append(_scheduler(spider_cls, **settings))
        return opened[-1]

    yield make
    for scheduler in opened:
        scheduler.close("finished")


def _answer(scheduler: Scheduler, url: str, status: int = 200) -> None:
    """What the engine does when the page's response arrives (signal response_received)."""
    request = Request(url)
    crawler = scheduler.df.crawler
    crawler.signals.send_catch_log(signals.response_received, response=HtmlResponse(url, status=status, request=request),
                                   request=request, spider=crawler.spider)


@pytest.fixture
def shared(redis_url, prefix):
    return {"OBSERVATORY_REDIS_URL": redis_url, "OBSERVATORY_REDIS_PREFIX": prefix, "OBSERVATORY_CRAWL_WINDOW": WINDOW}


def test_two_spider_processes_share_their_fingerprints(redis_client, prefix, schedulers, shared):
    first, second = schedulers(SourceA, **shared), schedulers(SourceA, **shared)
    assert isinstance(first.df, RedisDupeFilter) and first.df.client is not None
    page = "http://portal.example.it/bando/1"
    assert first.enqueue_request(Request(page)) is True
    assert second.enqueue_request(Request(page)) is False  # the other machine is fetching it
    _answer(first, page)
    assert schedulers(SourceA, **shared).enqueue_request(Request(page)) is False  # fetched tonight
    assert second.enqueue_request(Request(page, dont_filter=True)) is True  # dont_filter passes as usual
    assert second.enqueue_request(Request("http://portal.example.it/bando/2")) is True
    assert first.enqueue_request(Request("http://portal.example.it/bando/2")) is False
    assert second.df.crawler.stats.get_value("dupefilter/filtered") == 1
    assert first.df.crawler.stats.get_value("observatory/dupefilter/shared_filtered") == 1

    key = f"{prefix}:dupefilter:source_a:{WINDOW}"
    assert redis_client.smembers(key) == {first.df.fingerprinter.fingerprint(Request(page)).hex()}
    assert 0 < redis_client.ttl(key) <= 36 * 3600  # the night's set expires by itself


def test_a_page_that_failed_is_fetched_by_the_next_run_of_the_night(schedulers, shared):
    first = schedulers(SourceA, **shared)
    page = "http://portal.example.it/bando/1"
    assert first.enqueue_request(Request(page))
    _answer(first, page, status=503)
    assert schedulers(SourceA, **shared).enqueue_request(Request(page)) is True


def test_pages_never_answered_are_freed_when_the_crawl_closes(schedulers, shared):
    first = _scheduler(SourceA, **shared)
    page = "http://portal.example.it/bando/1"
    assert first.enqueue_request(Request(page))
    assert schedulers(SourceA, **shared).enqueue_request(Request(page)) is False
    first.close("closespider_timeout")
    assert schedulers(SourceA, **shared).enqueue_request(Request(page)) is True


def test_the_claim_of_a_dead_process_lapses(schedulers, shared):
    import time

    first = schedulers(SourceA, **shared, OBSERVATORY_DUPEFILTER_CLAIM_TTL=1)
    page = "http://portal.example.it/bando/1"
    assert first.enqueue_request(Request(page))
    first.df.claimed.clear()  # as if the process died: nobody answers, nobody frees the claim
    later = schedulers(SourceA, **shared)
    deadline = time.monotonic() + 30
    while not later.enqueue_request(Request(page)):
        later.df._fingerprints.clear()  # noqa: SLF001 - ask Redis again, as a new process would
        assert time.monotonic() < deadline, "the claim never lapsed"
        time.sleep(0.2)


def test_sources_and_windows_are_kept_apart(redis_url, prefix, schedulers):
    base = {"OBSERVATORY_REDIS_URL": redis_url, "OBSERVATORY_REDIS_PREFIX": prefix}
    tonight = schedulers(SourceA, **base, OBSERVATORY_CRAWL_WINDOW=WINDOW)
    other_source = schedulers(SourceB, **base, OBSERVATORY_CRAWL_WINDOW=WINDOW)
    next_night = schedulers(SourceA, **base, OBSERVATORY_CRAWL_WINDOW="2026-06-02")
    page = "http://portal.example.it/bando/1"
    assert tonight.enqueue_request(Request(page))
    assert other_source.enqueue_request(Request(page))
    assert next_night.enqueue_request(Request(page))


def test_an_unreachable_redis_falls_back_to_local_filtering_with_one_error_line(unused_port, schedulers):
    scheduler = schedulers(SourceA, OBSERVATORY_REDIS_URL=f"redis://127.0.0.1:{unused_port}/0")
    assert scheduler.df.client is None and "Redis unreachable" in scheduler.df.fallback_reason
    page = "http://portal.example.it/bando/1"
    assert scheduler.enqueue_request(Request(page)) is True
    assert scheduler.enqueue_request(Request(page)) is False  # still filtered, on this machine
    spider = scheduler.df.crawler.spider
    assert [e["reason"] for e in spider.crawl_errors] == ["redis_unreachable"]
    assert spider.blocking_errors == 0  # the crawl is complete: the cursor may move


@pytest.fixture
def own_redis(unused_port, tmp_path):
    """A Redis server of this test only (redis-server on a free port), that the test may stop."""
    import shutil
    import subprocess

    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(unused_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{unused_port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            import time

            time.sleep(0.05)
    yield url, server
    if server.poll() is None:
        server.kill()
    server.wait(timeout=10)


def test_redis_lost_mid_crawl_keeps_filtering_locally(own_redis, schedulers):
    url, server = own_redis
    scheduler = schedulers(SourceA, OBSERVATORY_REDIS_URL=url)
    assert scheduler.df.client is not None
    assert scheduler.enqueue_request(Request("http://portal.example.it/a"))
    server.kill()  # the Redis server dies mid-crawl
    server.wait(timeout=10)
    assert scheduler.enqueue_request(Request("http://portal.example.it/b")) is True
    assert scheduler.df.client is None and "Redis failed during the crawl" in scheduler.df.fallback_reason
    assert scheduler.enqueue_request(Request("http://portal.example.it/a")) is False  # known locally
    assert scheduler.enqueue_request(Request("http://portal.example.it/b")) is False
    assert [e["reason"] for e in scheduler.df.crawler.spider.crawl_errors] == ["redis_unreachable"]


def test_from_settings_builds_the_same_filter(redis_url, prefix):
    from scrapy.settings import Settings

    dupefilter = RedisDupeFilter.from_settings(Settings({"OBSERVATORY_REDIS_URL": redis_url,
                                                         "OBSERVATORY_REDIS_PREFIX": prefix}))
    dupefilter.open()
    try:
        assert dupefilter.client is not None
        assert dupefilter.key == f"{prefix}:dupefilter:default:{crawl_window()}"
        assert dupefilter.request_seen(Request("http://portal.example.it/x")) is False
        assert dupefilter.request_seen(Request("http://portal.example.it/x")) is True
    finally:
        dupefilter.close("finished")


def test_the_crawl_window_is_the_night_in_rome():
    import datetime as dt

    evening = dt.datetime(2026, 6, 1, 21, 30, tzinfo=dt.UTC)  # 23:30 in Rome
    morning = dt.datetime(2026, 6, 2, 2, 0, tzinfo=dt.UTC)  # 04:00 in Rome, the same night
    next_evening = dt.datetime(2026, 6, 2, 21, 30, tzinfo=dt.UTC)
    assert crawl_window(evening) == crawl_window(morning) == "2026-06-01"
    assert crawl_window(next_evening) == "2026-06-02"
