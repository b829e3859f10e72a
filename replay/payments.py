"""Replay of the post-award sources: payments pages, ANAC's authority registry and BDNCP execution
datasets, served from the BUILT fixtures of tests/authorities/files (README there: real shapes,
illustrative values, not captured pages).

- sites `payments_html`, `payments_pdf`, `payments_sheet`: every tenant of
  crawlers/data/payments_tenants.yaml answers at `/<its host><its path>` (the spiders re-home tenant URLs
  that way on a base URL override); files linked by a page (`novara/...pdf`, `milano/...xlsx`) answer under it.
- site `anac_registry`: the stazioni-appaltanti CSV, zipped, at the download path of the real portal.
- site `anac_execution`: the five BDNCP datasets, zipped, at `/opendata/download/dataset/<d>/...`.
- site `pcc`: the national payment platform's files at the paths of crawlers/data/pcc_files.yaml
  (the file of each path is the one with the same name under tests/authorities/files/pcc).
"""

from __future__ import annotations

import io
import mimetypes
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from authorities.execution import DATASETS
from crawlers.spiders.anac_execution import dataset_path
from crawlers.spiders.anac_registry import REGISTRY_PATH
from crawlers.spiders.payments_common import load_tenants
from crawlers.spiders.payments_pcc import load_file_paths
from kernel.settings import PROJECT_ROOT
from replay.server import ReplayResponse, Site

FIXTURES = PROJECT_ROOT / "tests" / "authorities" / "files"
# Which built page stands for which tenant (fiscal code).
TENANT_PAGES = {
    "00221940364": "modena.html",
    "80017980634": "ercolano.html",
    "80015010723": "bari.html",
    "00125680033": "novara.html",
    "83000350724": "trani.html",
    "01199250158": "milano.html",
}
NOT_FOUND = ReplayResponse(404, b"Not Found", {"Content-Type": "text/plain"})


def _file(path: Path) -> ReplayResponse:
    if not path.is_file():
        return NOT_FOUND
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".html":
        ctype = "text/html; charset=utf-8"
    elif path.suffix == ".xlsx":
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ReplayResponse.file(path, ctype)


def zipped(path: Path) -> ReplayResponse:
    if not path.is_file():
        return NOT_FOUND
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, path.name)
    return ReplayResponse(200, buffer.getvalue(), {"Content-Type": "application/zip"})


def build_payments(shape: str, files: Path = FIXTURES) -> Site:
    site = Site(f"payments_{shape}")
    pages = files / "payments"
    for tenant in load_tenants():
        page = TENANT_PAGES.get(tenant.fiscal_code)
        if tenant.shape != shape or page is None:
            continue
        parts = urlsplit(tenant.url)
        path = f"/{parts.netloc}{parts.path}"
        site.route(re.escape(path), methods=("GET", "HEAD"))(lambda request, p=pages / page: _file(p))
        folder = path.rsplit("/", 1)[0]
        site.route(re.escape(folder) + r"/(?P<file>[a-z]+/[\w.-]+)", methods=("GET", "HEAD"))(
            lambda request: _file(pages / request.match["file"]))
    return site


def build_registry(files: Path = FIXTURES) -> Site:
    site = Site("anac_registry")
    site.route(re.escape(REGISTRY_PATH), methods=("GET", "HEAD"))(
        lambda request: zipped(files / "registry" / "stazioni-appaltanti.csv"))
    return site


def build_execution(files: Path = FIXTURES) -> Site:
    site = Site("anac_execution")
    for dataset in DATASETS:
        site.route(re.escape(dataset_path(dataset)), methods=("GET", "HEAD"))(
            lambda request, d=dataset: zipped(files / "bdncp" / f"{d}.csv"))
    return site


def build_pcc(files: Path = FIXTURES) -> Site:
    site = Site("pcc")
    for path in load_file_paths():
        served = files / "pcc" / path.rsplit("/", 1)[-1]
        site.route(re.escape(path), methods=("GET", "HEAD"))(lambda request, p=served: _file(p))
    return site


def build(corpus_dir: Path) -> list[Site]:
    return [build_payments("html"), build_payments("pdf"), build_payments("sheet"), build_registry(), build_execution(),
            build_pcc()]
