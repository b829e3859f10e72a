"""One saved-page test per spider and one test per field: the pure parse functions of each portal
read the saved pages (the REAL Veneto page and Lombardia records of the corpus, read in place; the
others built in the documented shape, see files/README.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crawlers.items import NoticeItem
from crawlers.mixins.tenants import load_tenants
from crawlers.parsing import (
    empulia,
    halley,
    intercenter,
    lombardia,
    portaleappalti,
    prefetture,
    sardegnacat,
    start,
    traspare,
    tuttogare,
    veneto,
)
from crawlers.parsing import wp_design_comuni as wp
from crawlers.parsing.italian import ROME
from kernel.settings import get_settings

FILES = Path(__file__).parent / "files"
BASE = "https://portal.example"


def text(name: str) -> str:
    return (FILES / name).read_text(encoding="utf-8").replace("{base}", BASE)


def tenant(family: str, key: str):
    return next(t for t in load_tenants(family) if t.key == key)


# -- each spider's saved pages -> its first notice ---------------------------------------------------


def lombardia_notices() -> list[NoticeItem]:
    corpus = get_settings().corpus_dir
    records = json.loads((corpus / "regioni/lombardia_k6cb-4hbm_bandi_di_gara.json").read_text())["records"]
    groups = lombardia.group_rows(records)
    return [lombardia.notice_from_rows(code, rows, "regione_lombardia", BASE + "/resource/k6cb-4hbm.json")
            for code, rows in groups.items()]


def veneto_notices() -> list[NoticeItem]:
    corpus = get_settings().corpus_dir
    listing = (corpus / "html/bandiradar_cassette_veneto_listing.html").read_text(encoding="utf-8")
    rows = veneto.parse_listing(listing, BASE + "/Public/Index")
    row = next(r for r in rows if r.id_atto == "13066")
    detail = text("veneto/detail_template.html").format_map({
        "id": "13066", "kind": "Avviso", "title": row.title, "deadline": row.deadline_text,
        "published": "20/05/2026", "structure": "Direzione Acquisti",
    })
    return [veneto.parse_detail(detail, row.detail_url, row, "regione_veneto")]


def intercenter_notices() -> list[NoticeItem]:
    total, items = intercenter.parse_search(text("intercenter/search.json"))
    assert total == 3 and len(items) == 3
    notice = intercenter.notice_from_item(items[1], "intercenter_er")
    return [intercenter.complete_from_detail(notice, text("intercenter/detail_accoglienza-richiedenti-asilo-ferrara.html"),
                                             notice.url)]


def start_notices() -> list[NoticeItem]:
    rows = start.parse_list(text("start/list_page_1.html"), BASE + "/initiatives/list/page/1")
    assert start.parse_list(text("start/list_page_2.html"), BASE + "/initiatives/list/page/2") == []
    return [start.parse_detail(text("start/detail_041523-2026.html"), rows[0].detail_url, rows[0], "start_toscana")]


def empulia_notices() -> list[NoticeItem]:
    contexts = empulia.parse_list(text("empulia/list.html"), BASE + "/tno-a/empulia/x.aspx", "empulia")
    return [empulia.parse_detail(text("empulia/detail_PI081234-26.html"), contexts[0])]


def sardegnacat_notices() -> list[NoticeItem]:
    contexts = sardegnacat.parse_list(text("sardegnacat/current.html"), BASE + "/esop/x", "sardegnacat")
    return [sardegnacat.parse_detail(text("sardegnacat/detail_412345.html"), contexts[0])]


def portaleappalti_notices() -> list[NoticeItem]:
    t = tenant("portaleappalti", "novara")
    contexts = portaleappalti.parse_list(text("portaleappalti/list_novara.html"), BASE + portaleappalti.LIST_PATH,
                                         "portaleappalti", region=t.region, authority=t.authority, fiscal_code=t.fiscal_code)
    return [portaleappalti.parse_scheda(text("portaleappalti/scheda_G00412.html"), contexts[0])]


def traspare_notices() -> list[NoticeItem]:
    t = tenant("traspare", "ercolano")
    contexts = traspare.parse_list(text("traspare/announcements.html"), BASE + "/announcements", "traspare",
                                   region=t.region, authority=t.authority, fiscal_code=t.fiscal_code)
    return [traspare.parse_announcement(text("traspare/announcement_427.html"), contexts[0])]


def tuttogare_notices() -> list[NoticeItem]:
    t = tenant("tuttogare", "minervinole")
    contexts = tuttogare.parse_list(text("tuttogare/gare.html"), BASE + "/gare/", "tuttogare",
                                    region=t.region, authority=t.authority, fiscal_code=t.fiscal_code)
    return [tuttogare.parse_gara(text("tuttogare/gara_117.html"), contexts[0])]


def halley_notices() -> list[NoticeItem]:
    section = halley.find_section(text("halley/landing.html"), BASE + halley.LANDING_PATH)
    assert section == BASE + "/zf/index.php/trasparenza/index/index/categoria/185"
    rows, next_page = halley.parse_category(text("halley/categoria_185.html"), section)
    assert next_page == section + "/page/2"
    return [halley.notice_from_row(rows[0], tenant("halley", "acibonaccorsi"), "halley")]


def wp_notices() -> list[NoticeItem]:
    t = tenant("wp_design_comuni", "latina")
    [post] = wp.parse_rest(text("wp_design_comuni/bando_rest.json"))
    context = wp.context_of(post, "wp_design_comuni", t.key, region=t.region, authority=t.authority,
                            fiscal_code=t.fiscal_code)
    return [wp.parse_bando(text("wp_design_comuni/bando_5123.html"), context)]


def prefetture_notices() -> list[NoticeItem]:
    t = tenant("prefetture", "bergamo")
    contexts = prefetture.parse_listing(text("prefetture/listing_bergamo.html"), BASE + prefetture.listing_path("bergamo"),
                                        t, "prefetture")
    return [prefetture.parse_bando(text("prefetture/detail_bergamo.html"), contexts[0])]


SAVED: dict[str, Callable[[], list[NoticeItem]]] = {
    "regione_lombardia": lombardia_notices, "regione_veneto": veneto_notices, "intercenter_er": intercenter_notices,
    "start_toscana": start_notices, "empulia": empulia_notices, "sardegnacat": sardegnacat_notices,
    "portaleappalti": portaleappalti_notices, "traspare": traspare_notices, "tuttogare": tuttogare_notices,
    "halley": halley_notices, "wp_design_comuni": wp_notices, "prefetture": prefetture_notices,
}


def rome(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ROME)


# The first notice of each spider's saved pages, field by field (None = the page does not say).
EXPECTED: dict[str, dict[str, Any]] = {
    "regione_lombardia": {"source_notice_id": "141141", "title": "ServBiblioteca 2026", "cig": "BBBF0E778B",
                          "cpv": "92511000", "amount": Decimal("245310.5"), "published_on": dt.date(2026, 5, 27),
                          "deadline_at": rome(2026, 7, 5, 0, 0), "procedure": "Procedura Aperta",
                          "authority.name": "COMUNE DI ROSATE", "authority.fiscal_code": "82000610152",
                          "place_istat_region": "03", "lots": 1},
    "regione_veneto": {"source_notice_id": "13066", "notice_type": "avviso", "deadline_at": rome(2026, 6, 19, 12, 0),
                       "published_on": dt.date(2026, 5, 20), "authority.fiscal_code": "80007580279",
                       "place_istat_region": "05", "documents": 2},
    "intercenter_er": {"source_notice_id": "IER-2026-0398", "cig": None, "amount": Decimal("983711.76"),
                       "published_on": dt.date(2026, 5, 28), "deadline_at": rome(2026, 6, 30, 13, 0),
                       "award_criterion": "oepv", "cpv": "85311000", "authority.name": "Comune di Ferrara",
                       "procedure": "Procedura aperta", "lots": 2, "documents": 1, "place_istat_region": "08"},
    "start_toscana": {"source_notice_id": "041523-2026", "title": "Servizio assistenza domiciliare", "cig": "7093310097",
                      "cpv": "85311200", "amount": Decimal("12672628.80"), "published_on": dt.date(2026, 6, 4),
                      "deadline_at": rome(2026, 7, 10, 13, 0), "award_criterion": "oepv",
                      "procedure": "Procedura aperta", "authority.name": "Comune di Firenze", "documents": 2,
                      "place_istat_region": "09"},
    "empulia": {"source_notice_id": "PI081234-26", "cig": "52412586EC", "cpv": "85311100",
                "amount": Decimal("3313132.09"), "published_on": dt.date(2026, 6, 9),
                "deadline_at": rome(2026, 7, 14, 12, 0), "procedure": "Procedura ristretta", "award_criterion": "oepv",
                "authority.fiscal_code": "80015010723", "documents": 2, "place_istat_region": "16"},
    "sardegnacat": {"source_notice_id": "tender_412345", "cig": "6714262049", "amount": Decimal("3536150.00"),
                    "published_on": dt.date(2026, 6, 8), "deadline_at": rome(2026, 7, 15, 13, 0),
                    "procedure": "Procedura aperta", "authority.name": "Comune di Sassari",
                    "authority.fiscal_code": "00239740905", "documents": 2, "place_istat_region": "20"},
    "portaleappalti": {"source_notice_id": "G00412", "cig": "6202905F1F", "amount": Decimal("3459811.00"),
                       "published_on": dt.date(2026, 6, 2), "deadline_at": rome(2026, 7, 8, 12, 0),
                       "award_criterion": "oepv", "procedure": "Procedura aperta",
                       "authority.fiscal_code": "00125680033", "documents": 2, "place_istat_region": "01"},
    "traspare": {"source_notice_id": "427", "cig": "BBEE0B3E8D", "amount": Decimal("454440.30"),
                 "published_on": dt.date(2026, 6, 8), "deadline_at": rome(2026, 7, 6, 12, 0), "procedure": "Aperta",
                 "authority.fiscal_code": "80017980634", "documents": 2, "place_istat_region": "15"},
    "tuttogare": {"source_notice_id": "117", "cig": "B0F1A2C3D4", "amount": Decimal("214500.00"),
                  "published_on": dt.date(2026, 6, 11), "deadline_at": rome(2026, 7, 3, 12, 0), "award_criterion": "oepv",
                  "authority.name": "Comune di Minervino di Lecce", "documents": 2, "place_istat_region": "16"},
    "halley": {"source_notice_id": "acibonaccorsi:2210", "cig": "B0E9D8C7B6", "published_on": dt.date(2026, 6, 9),
               "title": "Determina a contrarre - Affidamento servizio di assistenza domiciliare anziani CIG B0E9D8C7B6.",
               "place_istat_comune": "087001", "documents": 1, "place_istat_region": "19"},
    "wp_design_comuni": {"source_notice_id": "latina:5123", "cig": "7826547EE3", "amount": Decimal("185429.63"),
                         "published_on": dt.date(2026, 6, 10), "deadline_at": rome(2026, 7, 15, 0, 0),
                         "procedure": "Procedura aperta", "authority.name": "Comune di Latina",
                         "authority.fiscal_code": "00097020598", "documents": 2, "place_istat_region": "12"},
    "prefetture": {"source_notice_id": "bergamo/accordo-quadro-accoglienza-richiedenti-protezione-internazionale",
                   "title": "Accordo quadro per l'accoglienza dei richiedenti protezione internazionale",
                   "cig": "67705480F6", "cpv": "85311000", "published_on": dt.date(2026, 6, 3),
                   "deadline_at": rome(2026, 7, 6, 12, 0),
                   "authority.name": "Prefettura - Ufficio territoriale del Governo di Bergamo",
                   "documents": 2, "place_istat_region": "03"},
}


def value_of(notice: NoticeItem, field: str) -> Any:
    if field in {"lots", "documents"}:
        return len(getattr(notice, field))
    if field.startswith("authority."):
        return getattr(notice.authority, field.split(".", 1)[1]) if notice.authority else None
    return getattr(notice, field)


@pytest.mark.parametrize("spider", sorted(SAVED))
def test_saved_page_gives_complete_notices(spider: str):
    """Every notice of the saved pages has its identity, title, source and authority."""
    notices = SAVED[spider]()
    assert notices
    for notice in notices:
        assert notice.source == spider
        assert notice.source_notice_id and notice.title
        assert notice.authority is not None and notice.authority.name


@pytest.mark.parametrize(
    ("spider", "field", "expected"),
    [(spider, field, value) for spider, fields in sorted(EXPECTED.items()) for field, value in fields.items()],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_field(spider: str, field: str, expected: Any):
    assert value_of(SAVED[spider]()[0], field) == expected


def test_lombardia_groups_lots_of_one_procedure():
    rows = [
        {"codice_bando": "9", "n_lotto": "2", "cig": "B000000002", "oggetto_dell_appalto": "Lotto due", "importo_lotto": "10"},
        {"codice_bando": "9", "n_lotto": "1", "cig": "B000000001", "oggetto_dell_appalto": "Lotto uno", "importo_lotto": "5"},
    ]
    [notice] = [lombardia.notice_from_rows(c, r, "regione_lombardia", BASE) for c, r in lombardia.group_rows(rows).items()]
    assert [lot.lot_key for lot in notice.lots] == ["1", "2"]
    assert [lot.amount for lot in notice.lots] == [Decimal("5"), Decimal("10")]
    assert notice.cig is None  # two CIGs: the notice has none of its own


def test_veneto_real_listing_rows():
    corpus = get_settings().corpus_dir
    listing = (corpus / "html/bandiradar_cassette_veneto_listing.html").read_text(encoding="utf-8")
    rows = veneto.parse_listing(listing, BASE + "/Public/Index")
    assert len(rows) == 10
    assert {r.kind for r in rows} == {"avviso", "bando"}
    assert rows[0].id_atto == "13019" and rows[0].deadline_text == "15/06/2026 10:00"
    assert rows[0].detail_url == BASE + "/Public/Dettaglio?idAtto=13019"
    assert rows[0].title.startswith('Affidamento per la realizzazione e la fornitura di shopper in cotone "tote bag"')


def test_prefecture_aliases_are_one_notice():
    t = tenant("prefetture", "lodi")
    contexts = prefetture.parse_listing(text("prefetture/listing_lodi.html"), BASE + prefetture.listing_path("lodi"), t,
                                        "prefetture")
    assert len(contexts) == 1
    notice = prefetture.parse_bando(text("prefetture/detail_lodi.html"), contexts[0])
    assert notice.published_on == dt.date(2026, 6, 11)  # "11 giugno 2026"
    assert notice.description.startswith("Servizio di accoglienza e assistenza")
    assert [d.url.rsplit("/", 1)[-1] for d in notice.documents] == ["disciplinare_di_gara_cas_lodi.pdf", "capitolato_cas_lodi.pdf"]


def test_portaleappalti_skips_empty_and_repeated_records():
    t = tenant("portaleappalti", "novara")
    page = text("portaleappalti/list_novara.html")
    doubled = page.replace("</form>", page.split("<form", 1)[1].split(">", 1)[1].split("</form>")[0] + "</form>")
    contexts = portaleappalti.parse_list(doubled, BASE + portaleappalti.LIST_PATH, "portaleappalti",
                                         region=t.region, authority=t.authority, fiscal_code=t.fiscal_code)
    assert [c.source_notice_id for c in contexts] == ["G00412"]


def test_portaleappalti_documents_exclude_external_links():
    [notice] = portaleappalti_notices()
    assert all("downloadDocumentoPubblico" in d.url for d in notice.documents)


def test_wp_bando_without_attachments_points_to_its_platform():
    import re

    t = tenant("wp_design_comuni", "latina")
    [post] = wp.parse_rest(text("wp_design_comuni/bando_rest.json"))
    context = wp.context_of(post, "wp_design_comuni", t.key, region=t.region, authority=t.authority,
                            fiscal_code=t.fiscal_code)
    page = re.sub(r'<section class="it-page-section" id="allegati">.*?</section>', "",
                  text("wp_design_comuni/bando_5123.html"), flags=re.S)
    notice = wp.parse_bando(page, context)
    assert notice.documents == []
    assert notice.documents_url == "https://piattaforma.example.invalid/gare/123"


def test_prefecture_page_without_attachment_block_keeps_file_links_only():
    t = tenant("prefetture", "lodi")
    [context] = prefetture.parse_listing(text("prefetture/listing_lodi.html"), BASE + prefetture.listing_path("lodi"), t,
                                         "prefetture")
    page = text("prefetture/detail_lodi.html").replace("field--name-field-allegati", "field--name-field-altro")
    page = page.replace("</article>", '<p><a href="https://www.acquistinretepa.it">MEPA</a></p></article>')
    notice = prefetture.parse_bando(page, context)
    assert [d.url.rsplit("/", 1)[-1] for d in notice.documents] == ["disciplinare_di_gara_cas_lodi.pdf", "capitolato_cas_lodi.pdf"]
