"""Replay of prefettura.interno.gov.it (issue 3): one host for every prefecture of
crawlers/data/tenants/prefetture.yaml. Lodi and Bergamo serve built CAS tenders (Lodi's under two
Drupal aliases); every other prefecture serves the section's empty page. Attachments are real corpus
files served as stand-ins under /sites/default/files/..."""

from __future__ import annotations

from pathlib import Path

from crawlers.mixins.tenants import load_tenants
from replay.fixtures import Attachments, not_found, page
from replay.server import ReplayRequest, ReplayResponse, Site

WITH_TENDERS = {"lodi", "bergamo"}
SECTION = r"/it/prefetture/(?P<slug>[\w-]+)/amministrazione-trasparente/bandi-gara-e-contratti"


def build(corpus_dir: Path) -> list[Site]:
    site = Site("prefetture")
    attachments = Attachments(corpus_dir)
    slugs = {tenant.key for tenant in load_tenants("prefetture") if tenant.extra.get("on_portal", True)}

    @site.route(SECTION)
    def listing(request: ReplayRequest) -> ReplayResponse:
        slug = request.match["slug"]
        if slug not in slugs:
            return not_found()
        return page(f"prefetture/listing_{slug}.html" if slug in WITH_TENDERS else "prefetture/listing_empty.html", request)

    @site.route(SECTION + r"(?:/avvisi-bandi-e-inviti)?/(?P<bando>[\w-]+)")
    def bando(request: ReplayRequest) -> ReplayResponse:
        slug = request.match["slug"]
        return page(f"prefetture/detail_{slug}.html", request) if slug in WITH_TENDERS else not_found()

    @site.route(r"/sites/default/files/\d+/\d{4}-\d{2}/[\w.-]+")
    def files(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)

    return [site]
