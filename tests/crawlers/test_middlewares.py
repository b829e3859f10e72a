"""The three Scrapy 2.19 gaps (../shared/ECOSYSTEM.md §1.2), each closed in project code and tested
against a local server: the robots.txt race, Retry-After, robots Crawl-delay; plus an unreachable
robots.txt meaning "do not crawl now" rather than "allow everything"."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from crawlers.middlewares.retry_after import retry_after_seconds
from replay.server import ReplayRequest, ReplayResponse, ReplayServer, Site

PROBE = Path(__file__).with_name("probe_crawl.py")
PROJECT = Path(__file__).resolve().parents[2]
QUICK = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def probe(urls: list[str], **settings: Any) -> dict[str, Any]:
    options = {"urls": urls, "settings": {**QUICK, **settings}}
    completed = subprocess.run(
        [sys.executable, str(PROBE), json.dumps(options)], cwd=PROJECT, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def pages(site: Site, prefix: str) -> list[float]:
    return [moment for path, moment in site.log if path.startswith(prefix)]


def test_requests_queued_while_robots_txt_downloads_are_all_checked():
    site = Site("portal", robots_txt="User-agent: *\nDisallow: /private\n")

    @site.route(r"/private/\d+")
    def private(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html("<p>secret</p>")

    with ReplayServer([site]) as server:
        urls = [f"{server.url('portal')}/private/{n}" for n in range(5)]
        result = probe(urls)
    assert result["downloaded"] == []
    assert sorted(result["refused"]) == sorted(urls)
    assert result["stats"]["robotstxt/forbidden"] == 5
    assert pages(site, "/private") == []  # not one request reached the server


def test_unreachable_robots_txt_means_do_not_crawl_this_host_now():
    class BrokenRobots(Site):
        def dispatch(self, method, raw_path, headers, body, base_url):  # noqa: ANN001, ANN201
            if raw_path == "/robots.txt":
                return ReplayResponse(503, b"maintenance", {"Content-Type": "text/plain"})
            return super().dispatch(method, raw_path, headers, body, base_url)

    site = BrokenRobots("portal")

    @site.route(r"/bandi")
    def bandi(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html("<p>list</p>")

    with ReplayServer([site]) as server:
        result = probe([f"{server.url('portal')}/bandi"] * 3)
    assert result["downloaded"] == []
    assert result["stats"]["robotstxt/unreachable"] == 1
    assert result["stats"]["robotstxt/refused_unreachable"] == 3
    assert pages(site, "/bandi") == []


def test_robots_crawl_delay_spaces_requests_to_the_host():
    site = Site("portal", robots_txt="User-agent: *\nCrawl-delay: 1\nAllow: /\n")

    @site.route(r"/page/\d+")
    def page(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html("<p>ok</p>")

    with ReplayServer([site]) as server:
        urls = [f"{server.url('portal')}/page/{n}" for n in range(3)]
        result = probe(urls)
    assert sorted(result["downloaded"]) == sorted(urls)
    assert result["stats"]["crawl_delay/127.0.0.1"] == 1.0
    moments = sorted(pages(site, "/page"))
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.9, gaps


def test_429_is_retried_after_the_servers_retry_after_delay():
    site = Site("portal")
    hits: list[int] = []

    @site.route(r"/limited")
    def limited(request: ReplayRequest) -> ReplayResponse:
        hits.append(1)
        if len(hits) == 1:
            return ReplayResponse(429, b"slow down", {"Retry-After": "1", "Content-Type": "text/plain"})
        return ReplayResponse.html("<p>ok</p>")

    with ReplayServer([site]) as server:
        url = f"{server.url('portal')}/limited"
        result = probe([url])
    assert result["downloaded"] == [url]
    assert result["stats"]["retry_after/count"] == 1
    first, second = pages(site, "/limited")
    assert second - first >= 0.9


def test_429_gives_up_after_the_configured_attempts():
    site = Site("portal")

    @site.route(r"/limited")
    def limited(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(429, b"slow down", {"Retry-After": "0", "Content-Type": "text/plain"})

    with ReplayServer([site]) as server:
        result = probe([f"{server.url('portal')}/limited"], RETRY_AFTER_MAX_TIMES=2)
    assert result["downloaded"] == []
    assert len(pages(site, "/limited")) == 3  # the first try and two retries
    assert result["stats"]["retry_after/max_reached"] == 1


def test_retry_after_header_forms():
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds(b"120", now=now) == 120
    assert retry_after_seconds("Mon, 01 Jun 2026 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds("Mon, 01 Jun 2026 11:00:00 GMT", now=now) == 0  # a date in the past
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None
