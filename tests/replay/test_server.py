"""The replay server answers on loopback, per site, with robots.txt and 404 for unknown paths."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from replay.server import ReplayResponse, ReplayServer, Site


def _site() -> Site:
    site = Site("demo", robots_txt="User-agent: *\nDisallow: /private\n")

    @site.route(r"/api/items/(?P<id>\d+)")
    def item(request):  # type: ignore[no-untyped-def]
        return ReplayResponse.json(json.dumps({"id": int(request.match["id"]), "page": request.arg("page")}))

    return site


def test_routes_robots_and_404() -> None:
    with ReplayServer([_site(), Site("other")]) as server:
        base = server.url("demo")
        assert base.startswith("http://127.0.0.1:")
        assert server.url("other") != base
        with urllib.request.urlopen(f"{base}/api/items/7?page=2") as resp:
            assert json.load(resp) == {"id": 7, "page": "2"}
        with urllib.request.urlopen(f"{base}/robots.txt") as resp:
            assert b"Disallow: /private" in resp.read()
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{base}/nothing")
        assert err.value.code == 404
