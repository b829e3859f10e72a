"""Replay of the municipal platform families (issue 3): one loopback host per family, named as its
spider, serving every tenant of crawlers/data/tenants/<family>.yaml under `/<tenant key>/` (the
spider's mirror mode: SOURCE_BASE_URL_<SPIDER> -> tenants at <url>/<key>).

Tenants with a built fixture serve it (tests/crawlers/regional/files/<family>/); the others serve the
platform's empty list. Pages are rewritten so that their root-relative links stay inside the
tenant's prefix, as they stay on the tenant's host on the real web. The PortaleAppalti tenant `bari`
is refused by robots.txt (the rule reported for that platform, mapped onto its prefix): its pages must
be recorded robots-denied, never requested. Attachments are real corpus files served as stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawlers.mixins.tenants import load_tenants
from replay.fixtures import FIXTURES_DIR, Attachments, fixture_text, not_found
from replay.server import ReplayRequest, ReplayResponse, Site

# (family, tenant) whose robots.txt forbids crawlers: PortaleAppalti reportedly answers
# "User-agent: * Disallow: /" except for search engines (files/portaleappalti/robots_denied.txt).
ROBOTS_DENIED_TENANTS = {("portaleappalti", "bari")}
KEY = r"/(?P<key>[a-z0-9_]+)"
EMPTY = {
    "portaleappalti": (
        "<html><body><form action=\"{base}/PortaleAppalti/it/ppgare_bandi_lista.wp\" method=\"post\">"
        "<div class=\"list-summary\">La ricerca ha restituito 0 risultati.</div></form></body></html>"
    ),
    "traspare": (
        "<html><body><section class=\"announcements-list\"><p class=\"announcements-empty\">"
        "Nessun bando pubblicato</p></section></body></html>"
    ),
    "tuttogare": (
        "<html><body><table id=\"gare\" class=\"elenco\"><tbody><tr><td colspan=\"6\">Nessuna gara presente</td></tr>"
        "</tbody></table></body></html>"
    ),
    "halley": "<html><body><table><tbody></tbody></table></body></html>",
}
# The tenant whose built pages each family serves; the other tenants have no open tender.
WITH_FIXTURES = {
    "portaleappalti": {"novara", "piacenza"}, "traspare": {"ercolano"}, "tuttogare": {"minervinole"},
    "halley": {"acibonaccorsi"}, "wp_design_comuni": {"latina"},
}


def build(corpus_dir: Path) -> list[Site]:
    builders: dict[str, Callable[[Site, Attachments], None]] = {
        "portaleappalti": _portaleappalti, "traspare": _traspare, "tuttogare": _tuttogare, "halley": _halley,
        "wp_design_comuni": _wp,
    }
    sites = []
    for family, add_routes in builders.items():
        denied = sorted(key for fam, key in ROBOTS_DENIED_TENANTS if fam == family)
        robots = "User-agent: *\n" + "".join(f"Disallow: /{key}/\n" for key in denied) + ("Allow: /\n" if not denied else "")
        site = Site(family, robots_txt=robots)
        add_routes(site, Attachments(corpus_dir))
        sites.append(site)
    return sites


def _tenants(family: str) -> set[str]:
    return {tenant.key for tenant in load_tenants(family)}


def tenant_page(text: str, request: ReplayRequest) -> ReplayResponse:
    """A page of one tenant: `{base}` is the tenant's base URL; root-relative links get its prefix."""
    key = request.match["key"]
    base = f"{request.base_url}/{key}"
    text = text.replace("{base}", base)
    text = text.replace('href="/', f'href="/{key}/').replace("href='/", f"href='/{key}/")
    return ReplayResponse.html(text)


def _fixture(family: str, name: str, request: ReplayRequest) -> ReplayResponse:
    key = request.match["key"]
    path = FIXTURES_DIR / family / name
    if key not in WITH_FIXTURES.get(family, set()) or not path.is_file():
        return not_found()
    return tenant_page(path.read_text(encoding="utf-8"), request)


def _listing(family: str, name: str, request: ReplayRequest) -> ReplayResponse:
    key = request.match["key"]
    if key not in _tenants(family):
        return not_found()
    if key in WITH_FIXTURES[family]:
        return tenant_page(fixture_text(f"{family}/{name.format(key=key)}"), request)
    return tenant_page(EMPTY[family], request)


def _portaleappalti(site: Site, attachments: Attachments) -> None:
    @site.route(KEY + r"/PortaleAppalti/it/ppgare_bandi_lista\.wp")
    def listing(request: ReplayRequest) -> ReplayResponse:
        code = request.arg("codice")
        if code:  # the scheda is served by the same page with actionPath=.../view.action
            return _fixture("portaleappalti", f"scheda_{code}.html", request)
        return _listing("portaleappalti", "list_{key}.html", request)

    @site.route(KEY + r"/PortaleAppalti/do/FrontEnd/DocDig/downloadDocumentoPubblico\.action")
    def download(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)


def _list_detail_routes(site: Site, attachments: Attachments, family: str, *, list_path: str, list_page: str,
                        detail_path: str, detail_page: str, download_path: str) -> None:
    """A tenant's list, its detail pages (`detail_page` formatted with the path's `id`) and files."""

    @site.route(KEY + list_path)
    def listing(request: ReplayRequest) -> ReplayResponse:
        return _listing(family, list_page, request)

    @site.route(KEY + detail_path)
    def detail(request: ReplayRequest) -> ReplayResponse:
        return _fixture(family, detail_page.format(id=request.match["id"]), request)

    @site.route(KEY + download_path)
    def download(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)


def _traspare(site: Site, attachments: Attachments) -> None:
    _list_detail_routes(site, attachments, "traspare", list_path=r"/announcements", list_page="announcements.html",
                        detail_path=r"/announcements/(?P<id>\d+)", detail_page="announcement_{id}.html",
                        download_path=r"/announcements/\d+/attachments/\d+/download")


def _tuttogare(site: Site, attachments: Attachments) -> None:
    _list_detail_routes(site, attachments, "tuttogare", list_path=r"/gare/", list_page="gare.html",
                        detail_path=r"/gare/id(?P<id>\d+)-dettaglio", detail_page="gara_{id}.html",
                        download_path=r"/documenti/allegati/\d+/[\w.-]+")


def _halley(site: Site, attachments: Attachments) -> None:
    """Aci Bonaccorsi has rows under category 185; the other tenants an empty section under another
    category id (ids differ per tenant: the spider reads them from the menu)."""
    landing = r"/zf/index\.php/trasparenza/index/index"

    def category_of(key: str) -> str:
        return "185" if key in WITH_FIXTURES["halley"] else "212"

    @site.route(KEY + landing)
    def menu(request: ReplayRequest) -> ReplayResponse:
        key = request.match["key"]
        if key not in _tenants("halley"):
            return not_found()
        text = fixture_text("halley/landing.html").replace("/categoria/185", f"/categoria/{category_of(key)}")
        return tenant_page(text, request)

    @site.route(KEY + landing + r"/categoria/(?P<category>\d+)")
    def section(request: ReplayRequest) -> ReplayResponse:
        if request.match["category"] != category_of(request.match["key"]):
            return not_found()
        return _listing("halley", "categoria_185.html", request)

    @site.route(KEY + landing + r"/categoria/185/page/2")
    def section_2(request: ReplayRequest) -> ReplayResponse:
        return _fixture("halley", "categoria_185_page_2.html", request)

    @site.route(KEY + r"/zf/index\.php/trasparenza/index/visualizza-documento-generico/categoria/\d+/documento/\d+")
    def document(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)


def _wp(site: Site, attachments: Attachments) -> None:
    @site.route(KEY + r"/wp-json/wp/v2/bando")
    def rest(request: ReplayRequest) -> ReplayResponse:
        key = request.match["key"]
        if key not in _tenants("wp_design_comuni"):
            return not_found()
        posts = fixture_text("wp_design_comuni/bando_rest.json") if key in WITH_FIXTURES["wp_design_comuni"] else "[]"
        response = ReplayResponse.json(posts.replace("{base}", f"{request.base_url}/{key}"))
        response.headers.update({"X-WP-Total": "1" if posts != "[]" else "0", "X-WP-TotalPages": "1"})
        return response

    @site.route(KEY + r"/bandi/\d{4}/[\w-]+/?")
    def bando(request: ReplayRequest) -> ReplayResponse:
        return _fixture("wp_design_comuni", "bando_5123.html", request)

    @site.route(KEY + r"/wp-content/uploads/\d{4}/\d{2}/[\w.-]+")
    def upload(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)
