"""Replay of ANAC's national feeds from the real corpus, in the shape of the real endpoints.

- site `anac_pvl`: `GET /api/v0/avvisi` (Spring page, filtered by `dataPubblicazioneStart/End`
  DD/MM/YYYY, paged by `page`/`size`) over the 31 real PVL items of corpus/anac_pvl; `/bandi/<id>`
  answers a small HTML page. The Ercolano notice's `documenti_di_gara_link` (really
  ercolano.traspare.com/announcements/427) is rewritten to a page of the Traspare shape served on
  this same host (`/traspare/ercolano/announcements/427`) that links real signed files of the corpus
  (corpus/p7m) as its attachments: stand-ins, since the real Ercolano files are not in the corpus.
- site `anac_cig`: `GET /opendata/download/dataset/cig-YYYY/filesystem/cig_csv_YYYY_MM.zip`, built in
  memory from the real CIG rows of corpus/anac_bdncp (grouped by anno/mese_pubblicazione, the real
  61-column header, `;`); months without rows answer 404 as the real portal does for missing months.
- site `anac_ocds`: the Open Contracting mirror `GET /en/publication/117/download?name=YYYY.jsonl.gz`
  with the real compiled releases of corpus/anac_ocds (one per line, gzipped), grouped by the year of
  the release `date`.

Nothing is copied into the project: files are read from the corpus directory at start.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from replay.server import ReplayRequest, ReplayResponse, Site

ERCOLANO_TRASPARE = "https://ercolano.traspare.com/announcements/427"
TRASPARE_PATH = "/traspare/ercolano/announcements/427"
TRASPARE_FILES = {
    "ispra-atto-aggiuntivo.p7m": ("p7m/ispra-atto-aggiuntivo.p7m", "Atto aggiuntivo (file firmato .p7m)"),
    "comune-ceva.pdf.p7m": ("p7m/comune-ceva.pdf.p7m", "Delibera di Giunta (file firmato .p7m)"),
}


def load_pvl_records(corpus_dir: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    fixture = json.loads((corpus_dir / "anac_pvl" / "bandiradar_anac_pvl_fixture.json").read_text(encoding="utf-8"))
    records.extend(fixture["records"])
    with (corpus_dir / "anac_pvl" / "bandiradar_anac_pvl_raw.jsonl").open(encoding="utf-8") as fh:
        records.extend(json.loads(line) for line in fh if line.strip())
    return records


def _published(record: dict[str, Any]) -> dt.date:
    # dataPubblicazione is UTC; the portal filters on the Italian calendar day.
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromisoformat(record["dataPubblicazione"].replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo("Europe/Rome")).date()


def _rewrite_links(record: dict[str, Any], base_url: str) -> dict[str, Any]:
    text = json.dumps(record, ensure_ascii=False)
    if ERCOLANO_TRASPARE in text:
        text = text.replace(ERCOLANO_TRASPARE, base_url + TRASPARE_PATH)
    return json.loads(text)


def traspare_page(base_url: str) -> str:
    """A documents page in the shape of Traspare's `announcements/<id>` (attachments table)."""
    rows = "\n".join(
        f'<tr><td class="attachment-name"><a href="{base_url}/traspare/ercolano/files/{name}" '
        f'download>{title}</a></td><td>{name}</td></tr>'
        for name, (_path, title) in TRASPARE_FILES.items()
    )
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>Bando - Comune di Ercolano - Traspare</title></head>
<body><div class="announcement">
<h1>ASSISTENZA DOMICILIARE SOCIOASSISTENZIALE PER ANZIANI E PERSONE CON DISABILITA' AMBITO N29</h1>
<p class="replay-note">Replay: attachments are real public signed files of other procedures (corpus/p7m).</p>
<table class="table attachments"><thead><tr><th>Documento</th><th>File</th></tr></thead>
<tbody>
{rows}
</tbody></table></div></body></html>
"""


def build_pvl(corpus_dir: Path) -> Site:
    records = load_pvl_records(corpus_dir)
    site = Site("anac_pvl")

    @site.route(r"/api/v0/avvisi")
    def avvisi(request: ReplayRequest) -> ReplayResponse:
        try:
            start = dt.datetime.strptime(request.arg("dataPubblicazioneStart", "01/01/2000"), "%d/%m/%Y").date()
            end = dt.datetime.strptime(request.arg("dataPubblicazioneEnd", "31/12/2999"), "%d/%m/%Y").date()
            page = int(request.arg("page", "0"))
            size = max(1, min(int(request.arg("size", "20")), 200))
        except ValueError:
            return ReplayResponse.json('{"status":400,"error":"Bad Request"}', 400)
        chosen = [r for r in records if start <= _published(r) <= end]
        reverse = (request.arg("sortDirection", "DESC") or "").upper() == "DESC"
        chosen.sort(key=lambda r: r["dataPubblicazione"], reverse=reverse)
        content = [_rewrite_links(r, request.base_url) for r in chosen[page * size : (page + 1) * size]]
        total_pages = math.ceil(len(chosen) / size) if chosen else 0
        body = {
            "content": content, "totalPages": total_pages, "totalElements": len(chosen), "size": size,
            "number": page, "first": page == 0, "last": page >= total_pages - 1, "empty": not content,
        }
        return ReplayResponse.json(json.dumps(body, ensure_ascii=False))

    @site.route(r"/api/v0/avvisi/(?P<id>[0-9a-f-]+)")
    def detail(request: ReplayRequest) -> ReplayResponse:
        for record in records:
            if record["idAvviso"] == request.match["id"]:
                return ReplayResponse.json(json.dumps(_rewrite_links(record, request.base_url), ensure_ascii=False))
        return ReplayResponse.json('{"status":404,"error":"Not Found"}', 404)

    @site.route(r"/bandi/(?P<id>[0-9a-f-]+)")
    def public_page(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html(f"<html><body><h1>Avviso {request.match['id']}</h1></body></html>")

    @site.route(TRASPARE_PATH)
    def traspare(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html(traspare_page(request.base_url))

    @site.route(r"/traspare/ercolano/files/(?P<name>[\w.-]+)")
    def traspare_file(request: ReplayRequest) -> ReplayResponse:
        entry = TRASPARE_FILES.get(request.match["name"])
        if entry is None:
            return ReplayResponse(404, b"not found")
        return ReplayResponse.file(corpus_dir / entry[0], "application/pkcs7-mime")

    return site


def cig_rows_by_month(corpus_dir: Path) -> tuple[list[str], dict[tuple[int, int], list[list[str]]]]:
    path = corpus_dir / "anac_bdncp" / "cig_2024_rows_filtered_ai_keywords.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)
        year_col, month_col = header.index("anno_pubblicazione"), header.index("mese_pubblicazione")
        months: dict[tuple[int, int], list[list[str]]] = defaultdict(list)
        for row in reader:
            try:
                months[(int(float(row[year_col])), int(float(row[month_col])))].append(row)
            except (ValueError, IndexError):
                continue
    return header, months


def zip_csv(name: str, header: list[str], rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def build_cig(corpus_dir: Path) -> Site:
    header, months = cig_rows_by_month(corpus_dir)
    site = Site("anac_cig")

    @site.route(r"/opendata/download/dataset/cig-(?P<year>\d{4})/filesystem/cig_csv_(?P<y2>\d{4})_(?P<month>\d{2})\.zip", methods=("GET", "HEAD"))
    def monthly(request: ReplayRequest) -> ReplayResponse:
        key = (int(request.match["year"]), int(request.match["month"]))
        rows = months.get(key)
        if not rows or request.match["year"] != request.match["y2"]:
            return ReplayResponse(404, b"Not Found", {"Content-Type": "text/plain"})
        body = zip_csv(f"cig_csv_{key[0]}_{key[1]:02d}.csv", header, rows)
        return ReplayResponse(200, body, {"Content-Type": "application/zip"})

    return site


def _release_year(release: dict[str, Any]) -> int | None:
    value = release.get("date") or ((release.get("tender") or {}).get("tenderPeriod") or {}).get("startDate")
    return int(value[:4]) if value and value[:4].isdigit() else None


def build_ocds(corpus_dir: Path) -> Site:
    """The Open Contracting mirror of ANAC's OCDS: one gzipped JSONL of compiled releases per year."""
    years: dict[int, list[str]] = defaultdict(list)
    with (corpus_dir / "anac_ocds" / "bandiradar_anac_ocds_history.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                year = _release_year(json.loads(line))
                if year:
                    years[year].append(line.rstrip("\n"))
    site = Site("anac_ocds")

    @site.route(r"/en/publication/117/download", methods=("GET", "HEAD"))
    def download(request: ReplayRequest) -> ReplayResponse:
        name = request.arg("name") or ""
        lines = years.get(int(name[:4])) if name[:4].isdigit() and name.endswith(".jsonl.gz") else None
        if not lines:
            return ReplayResponse(404, b"Not Found", {"Content-Type": "text/plain"})
        body = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
        return ReplayResponse(200, body, {"Content-Type": "application/gzip"})

    return site


def build(corpus_dir: Path) -> list[Site]:
    return [build_pvl(corpus_dir), build_cig(corpus_dir), build_ocds(corpus_dir)]
