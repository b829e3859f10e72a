"""Pure parts of the crawl layer: scope decisions, CPV handling, eForms parsing, media sniffing,
failure reasons, policy windows, spider arguments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from twisted.python.failure import Failure

from crawlers.base_spiders.base import BaseSpider
from crawlers.eforms import MalformedXmlError, UnsafeXmlError, parse_notice
from crawlers.exceptions import SpiderArgumentError
from crawlers.failures import failure_reason
from crawlers.pipelines.documents import sniff_media_type
from crawlers.policy import CrawlPolicy, VisitWindow
from crawlers.scope import Scope, cpv_code, derive_social_list, load_label_map, load_social_codes


@pytest.fixture
def scope(corpus_dir: Path) -> Scope:
    social = load_social_codes()
    return Scope(social, load_label_map(corpus_dir, social), extra_prefixes=("9851",), extra_terms=("mensa scolastica",))


def test_shipped_social_list_is_the_derivation_of_the_corpus_codelist(corpus_dir):
    shipped = load_social_codes()
    assert len(shipped) == 115 and shipped["85311300"].startswith("Servizi di assistenza sociale")
    derived = derive_social_list(corpus_dir / "reference" / "eforms_sdk_cpv_social-service-cpv.gc")
    assert derived == (Path(__file__).parents[2] / "crawlers/data/scope/social_service_cpv.tsv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("cpv", "texts", "in_scope", "reason_part"),
    [
        ("85311000-2", (), True, "social-service list"),
        ("85399999", (), True, "care prefix 853"),  # not in the list, but 853*
        ("80110000", (), True, "social-service list"),
        ("72220000-3", ("assistenza domiciliare",), False, "outside scope"),  # a code decides, not words
        ("98510000", (), True, "care prefix 9851"),  # analysts' extra prefix
        ("99999999", ("Servizio di ASSISTENZA DOMICILIARE anziani",), True, "assistenza domiciliare"),
        (None, ("Servizio mensa scolastica",), True, "mensa scolastica"),  # analysts' extra term
        (None, ("Lavori stradali", "adibito a parcheggio"), False, "no care term"),  # "adi" is a whole word
    ],
)
def test_scope_decision_and_reason(scope, cpv, texts, in_scope, reason_part):
    decision = scope.decide(cpv, *texts)
    assert decision.in_scope is in_scope
    assert reason_part in decision.reason


def test_pvl_labels_map_to_codes(scope):
    assert scope.code_for_label("Servizi sociali") == "85320000"
    assert scope.code_for_label("SERVIZI  SOCIALI ") == "85320000"
    assert scope.code_for_label("Detersivi per lavastoviglie") is not None
    assert scope.code_for_label("nessuna etichetta simile") is None
    assert cpv_code("85311000-2") == "85311000" and cpv_code("99999999") is None and cpv_code("abc") is None


def test_eforms_social_notice(corpus_dir):
    notice = parse_notice((corpus_dir / "ted" / "eforms_sdk_cn-social_24.xml").read_bytes())
    assert (notice.kind, notice.subtype, notice.notice_type) == ("ContractNotice", "20", "cn-social")
    assert notice.cpv == "85311300" and notice.buyer_name == "Scotland Excel" and notice.buyer_country == "GBR"
    [lot] = notice.lots
    assert lot.deadline_at == dt.datetime(2020, 1, 6, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert lot.award_criterion == "oepv" and lot.reserved_participation == "none"


def test_eforms_weights_and_documents(corpus_dir):
    notice = parse_notice((corpus_dir / "ted" / "eforms_sdk_cn_24_open.xml").read_bytes())
    [lot] = notice.lots
    assert lot.points({"quality"}) == Decimal(25) and lot.points({"price", "cost"}) == Decimal(75)
    assert notice.amount == Decimal("500000") and notice.documents[0].startswith("https://")
    italian = parse_notice((corpus_dir / "ted" / "eforms_sdk_can_25_ITA.xml").read_bytes())
    assert italian.buyer_nuts == "ITI43" and italian.title.startswith("Servizio di prove funzionali")


def test_eforms_refuses_entities_and_rejects_garbage():
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbb">]><ContractNotice>&b;&b;</ContractNotice>'
    with pytest.raises(UnsafeXmlError):
        parse_notice(bomb)
    external = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><ContractNotice>&x;</ContractNotice>'
    with pytest.raises(UnsafeXmlError):
        parse_notice(external)
    with pytest.raises(MalformedXmlError):
        parse_notice(b"<ContractNotice><unclosed></ContractNotice>")
    with pytest.raises(MalformedXmlError):
        parse_notice(b"<html><body>Request Rejected</body></html>")


def test_media_type_is_sniffed_from_bytes(corpus_dir):
    assert sniff_media_type((corpus_dir / "documents" / "aomauriziano_to_Bando_Europeo.pdf").read_bytes()) == "application/pdf"
    assert sniff_media_type((corpus_dir / "p7m" / "comune-ceva.pdf.p7m").read_bytes()) == "application/pkcs7-mime"
    assert sniff_media_type(b"<!DOCTYPE html><html><body>captcha</body></html>") == "text/html"
    assert sniff_media_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "application/msword"


def test_failure_reasons():
    assert failure_reason(Failure(IgnoreRequest("Forbidden by robots.txt"))) == "robots_denied"
    assert failure_reason(Failure(IgnoreRequest("Forbidden by robots.txt: robots.txt unreachable: HTTP 503"))).startswith(
        "network_error"
    )
    assert failure_reason(Failure(DownloadTimeoutError("took too long"))) == "timeout"
    assert failure_reason(Failure(ConnectionRefusedError())).startswith("network_error")


def test_visit_window_wraps_midnight_in_rome_time():
    window = VisitWindow(23, 4)
    rome_2330 = dt.datetime(2026, 1, 15, 22, 30, tzinfo=dt.UTC)  # 23:30 in Rome (CET)
    rome_1200 = dt.datetime(2026, 1, 15, 11, 0, tzinfo=dt.UTC)
    rome_0330_summer = dt.datetime(2026, 7, 15, 1, 30, tzinfo=dt.UTC)  # 03:30 CEST
    assert window.contains(rome_2330) and window.contains(rome_0330_summer) and not window.contains(rome_1200)
    policy = CrawlPolicy(name="START", visit_window=window)
    assert policy.as_dict()["visit_window"] == "23:00-04:00 Europe/Rome"
    with pytest.raises(ValueError):
        CrawlPolicy(name="x", robots="sometimes")


@pytest.mark.parametrize(
    "kwargs",
    [{"from_date": "01/06/2026"}, {"until_date": "ieri"}, {"sample": "tanti"}, {"sample": "0"}],
)
def test_bad_spider_arguments_are_refused(kwargs):
    with pytest.raises(SpiderArgumentError):
        BaseSpider(name="x", **kwargs)


def test_windows_cover_the_range_without_gaps():
    spider = BaseSpider(name="x", from_date="2026-06-01", until_date="2026-06-16")
    spider.from_date = dt.date(2026, 6, 1)
    windows = list(spider.windows(7))
    assert windows == [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 7)),
        (dt.date(2026, 6, 8), dt.date(2026, 6, 14)),
        (dt.date(2026, 6, 15), dt.date(2026, 6, 16)),
    ]


def test_policy_becomes_settings_and_loopback_replays_are_not_throttled():
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from crawlers.spiders.anac_cig import AnacCigSpider
    from crawlers.spiders.ted import TedSpider

    crawler = get_crawler(TedSpider, {"DOWNLOAD_DELAY": 5})
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2  # TED's policy
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 1.0
    assert "Mozilla" in get_crawler(AnacCigSpider).settings.get("USER_AGENT")  # ANAC's WAF wants a browser UA

    remote = TedSpider(from_date="2026-01-01", base_url="https://api.ted.europa.eu")
    local = TedSpider(from_date="2026-01-01", base_url="http://127.0.0.1:8000")
    for spider, expected in ((remote, (1.0, True)), (local, (0.0, False))):
        settings = Settings({"DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True})
        spider._relax_for_loopback(settings)
        assert (settings.getfloat("DOWNLOAD_DELAY"), settings.getbool("AUTOTHROTTLE_ENABLED")) == expected
