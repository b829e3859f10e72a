"""Tenant lists are data: every file loads, keys are usable in SOURCE_BASE_URL_<SPIDER>_<KEY>, and the
prefecture list covers every prefecture."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from crawlers.exceptions import SpiderArgumentError
from crawlers.mixins.tenants import TENANTS_DIR, load_tenants
from crawlers.runner import spider_class

FAMILIES = {"portaleappalti": "portaleappalti", "traspare": "traspare", "tuttogare": "tuttogare", "halley": "halley",
            "wp_design_comuni": "wp_design_comuni", "prefetture": "prefetture"}
REGIONS = {f"{n:02d}" for n in range(1, 21)}


def test_every_tenant_file_has_a_spider():
    files = {path.stem for path in TENANTS_DIR.glob("*.yaml")}
    assert files == set(FAMILIES.values())
    for spider, family in FAMILIES.items():
        assert spider_class(spider).tenants_family == family


@pytest.mark.parametrize("family", sorted(set(FAMILIES.values()) - {"prefetture"}))
def test_platform_tenants_are_complete(family: str):
    tenants = load_tenants(family)
    assert tenants
    for tenant in tenants:
        assert re.fullmatch(r"[a-z0-9_]+", tenant.key), tenant.key  # env-variable safe
        assert tenant.base_url.startswith("https://") and not tenant.base_url.endswith("/")
        assert tenant.authority
        assert tenant.region in REGIONS or tenant.is_national
        assert tenant.fiscal_code is None or re.fullmatch(r"\d{11}", tenant.fiscal_code)


def test_prefectures_cover_every_prefecture():
    tenants = load_tenants("prefetture")
    on_portal = [t for t in tenants if t.extra.get("on_portal", True)]
    prefectures = [t for t in on_portal if t.authority.startswith("Prefettura")]
    commissariati = [t for t in on_portal if t.authority.startswith("Commissariato del Governo")]
    assert len(prefectures) == 103
    assert {t.province for t in commissariati} == {"TN", "BZ"}
    [aosta] = [t for t in tenants if not t.extra.get("on_portal", True)]
    assert aosta.province == "AO" and aosta.region == "02"
    # One per province: 107 provinces = 103 prefectures + TN, BZ, AO + Sud Sardegna (served by Cagliari).
    assert len({t.province for t in tenants}) == len(tenants) == 106
    assert all(t.region in REGIONS for t in tenants)
    counts = Counter(t.region for t in tenants)
    assert counts["03"] == 12 and counts["20"] == 4  # Lombardia's 12 provinces; Sardinia's 4 prefectures
    slugs = [t.key for t in tenants]
    assert len(slugs) == len(set(slugs))
    assert {"mantova", "lecce", "verbano-cusio-ossola"} <= set(slugs)  # slugs seen in real URLs


def test_unknown_tenant_argument_is_refused():
    spider = spider_class("prefetture")
    with pytest.raises(SpiderArgumentError, match="unknown tenants"):
        spider(tenants="lodi,atlantide")
    assert [t.key for t in spider(tenants="lodi,bergamo").tenants] == ["bergamo", "lodi"]


def test_tenant_url_override_then_family_mirror_then_real_host(monkeypatch):
    from kernel.settings import get_settings

    spider_cls = spider_class("traspare")
    ercolano, baronissi = (t for t in load_tenants("traspare") if t.key in {"ercolano", "baronissi"})
    monkeypatch.delenv("SOURCE_BASE_URL_TRASPARE", raising=False)
    monkeypatch.setenv("SOURCE_BASE_URL_TRASPARE_ERCOLANO", "http://127.0.0.1:9001/")
    get_settings.cache_clear()
    try:
        spider = spider_cls()
        assert spider.tenant_base_url(ercolano) == "http://127.0.0.1:9001"
        assert spider.tenant_base_url(baronissi) == "https://baronissi.traspare.com"
        monkeypatch.setenv("SOURCE_BASE_URL_TRASPARE", "http://127.0.0.1:9002")
        get_settings.cache_clear()
        assert spider.tenant_base_url(baronissi) == "http://127.0.0.1:9002/baronissi"
        assert spider.tenant_base_url(ercolano) == "http://127.0.0.1:9001"  # its own override wins
        assert spider_cls(base_url="http://mirror.test").tenant_base_url(baronissi) == "http://mirror.test/baronissi"
    finally:
        get_settings.cache_clear()


def test_comune_tenants_name_their_comune():
    novara = next(t for t in load_tenants("portaleappalti") if t.key == "novara")
    mit = next(t for t in load_tenants("portaleappalti") if t.key == "mit")
    assert novara.comune == "Novara" and mit.comune is None and mit.is_national
