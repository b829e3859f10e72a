"""Shared helpers of the replay sites of the regional portals, platforms and prefectures (issue 3).

Pages built in the documented shape of each portal live in `tests/crawlers/regional/files/<site>/`
(each folder's README says what is documented and what is assumed); `{base}` in them becomes the
serving host. Attachments are real PDFs and signed files of the corpus, read in place, served as
stand-ins for the portals' documents (which are not in the corpus).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from kernel.settings import PROJECT_ROOT
from replay.server import ReplayRequest, ReplayResponse, Site

FIXTURES_DIR = PROJECT_ROOT / "tests" / "crawlers" / "regional" / "files"
# Real documents of the corpus, used in turn as the attachments of every replayed notice.
STAND_IN_DOCUMENTS = (
    "documents/aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf",
    "documents/aomauriziano_to_CAPITOLATO_TECNICO_RETTIFICATO.pdf",
    "documents/aomauriziano_to_Bando_Europeo.pdf",
    "documents/aomauriziano_to_ALL_E_Tabella_Lotti_con_fabbisogni.pdf",
)
SIGNED_STAND_IN = "p7m/ispra-atto-aggiuntivo.p7m"


def fixture_text(relative: str) -> str:
    return (FIXTURES_DIR / relative).read_text(encoding="utf-8")


def page(relative: str, request: ReplayRequest, **values: str) -> ReplayResponse:
    """A fixture page with `{base}` (and any other named placeholder) filled in."""
    text = fixture_text(relative).replace("{base}", request.base_url)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return ReplayResponse.html(text)


def json_page(relative: str, request: ReplayRequest) -> ReplayResponse:
    return ReplayResponse.json(fixture_text(relative).replace("{base}", request.base_url))


class Attachments:
    """Serves corpus files as attachments: each URL gets a stand-in chosen by a hash of its path, so the
    same URL always gets the same file whatever order the crawl's concurrent requests arrive in."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir

    def serve(self, request: ReplayRequest) -> ReplayResponse:
        path = request.path + ("?" + "&".join(f"{k}={v[0]}" for k, v in sorted(request.query.items())) if request.query else "")
        if path.lower().split("?", 1)[0].endswith(".p7m"):
            name = SIGNED_STAND_IN
        else:
            digest = hashlib.sha256(path.encode()).digest()
            name = STAND_IN_DOCUMENTS[digest[0] % len(STAND_IN_DOCUMENTS)]
        file = self.corpus_dir / name
        return ReplayResponse(200, file.read_bytes(), {
            # Portals often send files as octet-stream: the documents pipeline sniffs the bytes.
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{Path(name).name}"',
        })

    def zip_of(self, request: ReplayRequest, count: int = 2) -> ReplayResponse:
        """A zip of stand-in documents ("scarica tutti gli allegati")."""
        return ReplayResponse(200, _zip(self.corpus_dir, STAND_IN_DOCUMENTS[:count]), {"Content-Type": "application/zip"})


@lru_cache(maxsize=4)
def _zip(corpus_dir: Path, names: tuple[str, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(corpus_dir / name, Path(name).name)
    return buffer.getvalue()


def detail_and_download_routes(site: Site, attachments: Attachments, *, detail: str,
                               name_of: Callable[[ReplayRequest], str], download: str) -> None:
    """A portal's detail pages (the fixture `name_of(request)`, 404 when there is none) and its files."""

    @site.route(detail)
    def detail_page(request: ReplayRequest) -> ReplayResponse:
        name = name_of(request)
        return page(name, request) if (FIXTURES_DIR / name).is_file() else not_found()

    @site.route(download)
    def download_file(request: ReplayRequest) -> ReplayResponse:
        return attachments.serve(request)


def not_found() -> ReplayResponse:
    return ReplayResponse.html("<html><body><h1>Pagina non trovata</h1></body></html>", status=404)
