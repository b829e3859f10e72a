"""Replay of the regional e-procurement portals (issue 3), one loopback host each.

- `regione_lombardia`: Socrata SODA `GET /resource/k6cb-4hbm.json` over the REAL records of
  corpus/regioni (`$where` on data_pubblicazione, `$order`, `$limit`/`$offset`).
- `regione_veneto`: the REAL landing page of corpus/html (`/Public/Index`) and, for each of its rows,
  a detail page `/Public/Dettaglio?idAtto=N` built from a template with the row's real title/deadline.
- `intercenter_er`, `start_toscana`, `empulia`, `sardegnacat`: pages built in each portal's documented
  shape (tests/crawlers/regional/files/<site>/README.md). START's robots.txt carries the real rules
  (visit window, attachment downloads disallowed), so its documents are recorded robots-denied.
Attachments are real corpus PDFs served as stand-ins.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

from replay.fixtures import Attachments, detail_and_download_routes, fixture_text, not_found, page
from replay.server import ReplayRequest, ReplayResponse, Site

LOMBARDIA_FILE = "regioni/lombardia_k6cb-4hbm_bandi_di_gara.json"
VENETO_FILE = "html/bandiradar_cassette_veneto_listing.html"
INTERCENTER_BASE = (
    "/bandi-e-strumenti-di-acquisto/bandi-altri-enti/altri-enti-bandi-e-procedure-di-gara/bandi-altri-enti-aperti"
)
START_ROBOTS = "User-agent: *\nDisallow: /*/attachments/download/\nVisit-time: 2300-0400\n"
VENETO_KINDS = {"A": "Avviso", "B": "Bando", "C": "Concorso"}


def build(corpus_dir: Path) -> list[Site]:
    return [
        lombardia_site(corpus_dir), veneto_site(corpus_dir), intercenter_site(corpus_dir), start_site(corpus_dir),
        empulia_site(corpus_dir), sardegnacat_site(corpus_dir),
    ]


# -- Lombardia: Socrata SODA ------------------------------------------------------------------------

_WHERE = re.compile(r"(\w+)\s*(>=|<=|<|>|=)\s*'([^']*)'")


_IS_NULL = re.compile(r"OR\s+(\w+)\s+IS\s+NULL", re.IGNORECASE)


def soda_filter(records: list[dict[str, Any]], where: str | None) -> list[dict[str, Any]]:
    """The subset of SODA `$where` the spider uses: text comparisons joined by AND, optionally
    `OR <field> IS NULL`. As in SODA, a comparison on a missing value is false."""
    if not where:
        return records
    conditions = _WHERE.findall(where)
    null_fields = _IS_NULL.findall(where)
    ops = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
           ">": lambda a, b: a > b, "=": lambda a, b: a == b}

    def keep(row: dict[str, Any]) -> bool:
        if any(row.get(name) in (None, "") for name in null_fields):
            return True
        return all(row.get(f) not in (None, "") and ops[op](str(row[f]), value) for f, op, value in conditions)

    return [r for r in records if keep(r)]


def lombardia_site(corpus_dir: Path) -> Site:
    site = Site("regione_lombardia")
    records = json.loads((corpus_dir / LOMBARDIA_FILE).read_text(encoding="utf-8"))["records"]

    @site.route(r"/resource/k6cb-4hbm\.json")
    def resource(request: ReplayRequest) -> ReplayResponse:
        rows = soda_filter(records, request.arg("$where"))
        order = [f.strip() for f in (request.arg("$order") or "").split(",") if f.strip()]
        if order:
            rows = sorted(rows, key=lambda r: tuple(str(r.get(f, "")).zfill(12) if f in {"n_lotto", "codice_bando"}
                                                    else str(r.get(f, "")) for f in order))
        offset, limit = int(request.arg("$offset") or 0), int(request.arg("$limit") or 1000)
        return ReplayResponse.json(json.dumps(rows[offset:offset + limit], ensure_ascii=False))

    return site


# -- Veneto: the real landing page + built detail pages ---------------------------------------------

_VENETO_ROW = re.compile(
    r'row-inScadenza">.*?display: block;">(\w)</span>.*?DtScadenza[^>]*>([^<]*)<.*?href="Dettaglio\?idAtto=(\d+)"\s*>\s*(.*?)\s*</a>',
    re.S,
)


def veneto_rows(page_html: str) -> dict[str, tuple[str, str, str]]:
    """idAtto -> (letter, deadline, title) of the rows of the real landing page."""
    return {m[3]: (m[1], m[2].strip(), html.unescape(re.sub(r"\s+", " ", m[4]))) for m in _VENETO_ROW.finditer(page_html)}


def veneto_site(corpus_dir: Path) -> Site:
    site = Site("regione_veneto")
    landing = (corpus_dir / VENETO_FILE).read_bytes()
    rows = veneto_rows(landing.decode("utf-8"))
    attachments = Attachments(corpus_dir)

    @site.route(r"/Public/Index")
    def index(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html(landing)

    @site.route(r"/Public/Dettaglio")
    def detail(request: ReplayRequest) -> ReplayResponse:
        row = rows.get(request.arg("idAtto") or "")
        if row is None:
            return not_found()
        letter, deadline, title = row
        day, month, year = (int(x) for x in deadline.split()[0].split("/"))
        published = (dt.date(year, month, day) - dt.timedelta(days=30)).strftime("%d/%m/%Y")
        return page("veneto/detail_template.html", request, id=request.arg("idAtto") or "", kind=VENETO_KINDS[letter],
                    title=html.escape(title), deadline=deadline, published=published, structure="Regione del Veneto")

    @site.route(r"/Public/DownloadAllegato")
    def download(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)

    return site


# -- Intercent-ER: Plone @search + detail pages ------------------------------------------------------


def intercenter_site(corpus_dir: Path) -> Site:
    site = Site("intercenter_er")
    attachments = Attachments(corpus_dir)

    @site.route(INTERCENTER_BASE + r"/@search")
    def search(request: ReplayRequest) -> ReplayResponse:
        data = json.loads(fixture_text("intercenter/search.json").replace("{base}", request.base_url))
        start, size = int(request.arg("b_start") or 0), int(request.arg("b_size") or 25)
        data["items"] = data["items"][start:start + size]
        return ReplayResponse.json(json.dumps(data, ensure_ascii=False))

    detail_and_download_routes(site, attachments, detail=INTERCENTER_BASE + r"/(?P<slug>[\w-]+)",
                               name_of=lambda r: f"intercenter/detail_{r.match['slug']}.html",
                               download=INTERCENTER_BASE + r"/[\w-]+/[\w.-]+/@@download/file")
    return site


# -- START Toscana ----------------------------------------------------------------------------------


def start_site(corpus_dir: Path) -> Site:
    site = Site("start_toscana", robots_txt=START_ROBOTS)
    attachments = Attachments(corpus_dir)

    @site.route(r"/initiatives/list/page/(?P<n>\d+)")
    def listing(request: ReplayRequest) -> ReplayResponse:
        return page("start/list_page_1.html" if request.match["n"] == "1" else "start/list_page_2.html", request)

    detail_and_download_routes(site, attachments, detail=r"/tendering/tenders/(?P<id>[\w-]+)/view/detail/1",
                               name_of=lambda r: f"start/detail_{r.match['id']}.html",
                               download=r"/tendering/tenders/[\w-]+/attachments/download/\d+")
    return site


# -- EmPULIA ----------------------------------------------------------------------------------------


def empulia_site(corpus_dir: Path) -> Site:
    site = Site("empulia")
    attachments = Attachments(corpus_dir)
    pages = "/tno-a/empulia/Empulia/SitePages/"

    @site.route(pages + r"Bandi(?:%20| )di(?:%20| )gara(?:%20| )new\.aspx")
    def listing(request: ReplayRequest) -> ReplayResponse:
        return page("empulia/list.html", request)

    detail_and_download_routes(site, attachments, detail=pages + r"New_Dettaglio(?:%20| )Consultazione\.aspx",
                               name_of=lambda r: f"empulia/detail_{r.arg('bando')}.html",
                               download=r"/tno-a/empulia/Empulia/Allegati/[\w-]+/[\w.-]+")

    @site.route(pages + r"DownloadAllegati\.aspx")
    def download_all(request: ReplayRequest) -> ReplayResponse:
        return attachments.zip_of(request)

    return site


# -- SardegnaCAT ------------------------------------------------------------------------------------


def sardegnacat_site(corpus_dir: Path) -> Site:
    site = Site("sardegnacat")
    attachments = Attachments(corpus_dir)

    @site.route(r"/esop/guest/go/public/opportunity/current")
    def listing(request: ReplayRequest) -> ReplayResponse:
        return page("sardegnacat/current.html", request)

    detail_and_download_routes(site, attachments, detail=r"/esop/guest/go/opportunity/detail",
                               name_of=lambda r: f"sardegnacat/detail_{r.arg('opportunityId')}.html",
                               download=r"/esop/guest/go/opportunity/attachment")
    return site


