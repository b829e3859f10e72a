"""Replay of the watched legislative sources (`legislation_watch`): one loopback host whose paths are the
sources' own hosts and paths (`/{host}{path}`, as the spider re-homes them), from `data/accreditation/watch.yaml`:
Gazzetta Ufficiale RSS, Normattiva's `ricerca/aggiornati` (POST, JSON of the IPZS spec par. 1.3.9), the
Ministry of Labour's cost-table page and news RSS, ANAC's delibere list. Shapes: data/accreditation/README.md."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from replay.server import ReplayRequest, ReplayResponse, Site

DATA = Path(__file__).resolve().parent / "data" / "accreditation"
NORMATTIVA = "/api.normattiva.it/t/normattiva.api/bff-opendata/v1/api/v1/ricerca/aggiornati"


@lru_cache(maxsize=1)
def watch() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((DATA / "watch.yaml").read_text(encoding="utf-8"))


def _rss(title: str, items: list[dict[str, Any]], link: str) -> ReplayResponse:
    parts = []
    for item in items:
        moment = dt.datetime.combine(item["date"], dt.time(0, 0), dt.timezone(dt.timedelta(hours=1)))
        parts.append(f"<item><title>{html.escape(item['title'])}</title><description>{html.escape(item['description'])}"
                     f"</description><link>{link}/eli/id/{item['guid']}</link><guid>{item['guid']}</guid>"
                     f"<pubDate>{email.utils.format_datetime(moment)}</pubDate></item>")
    body = (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{html.escape(title)}</title>"
            f"<link>{link}</link><description>Replay (demo)</description>{''.join(parts)}</channel></rss>")
    return ReplayResponse(200, body.encode("utf-8"), {"Content-Type": "application/rss+xml; charset=utf-8"})


def _links(title: str, items: list[dict[str, Any]]) -> ReplayResponse:
    rows = "".join(f"<li><a href='{html.escape(i['path'])}'>{html.escape(i['text'])}</a></li>" for i in items)
    return ReplayResponse.html(f"<!doctype html><html lang='it'><body><main><h1>{html.escape(title)}</h1><ul>{rows}</ul>"
                               "<p>Pagina ricostruita per la dimostrazione: atti inventati.</p></main></body></html>")


def build(corpus_dir: Path) -> list[Site]:
    site = Site("legislation_watch")

    @site.route(r"/www\.gazzettaufficiale\.it/rss/SG")
    def gu_sg(request: ReplayRequest) -> ReplayResponse:
        return _rss("Gazzetta Ufficiale - Serie Generale", watch()["gu_serie_generale"], "https://www.gazzettaufficiale.it")

    @site.route(r"/www\.gazzettaufficiale\.it/rss/S3")
    def gu_s3(request: ReplayRequest) -> ReplayResponse:
        return _rss("Gazzetta Ufficiale - 3a Serie Speciale Regioni", watch()["gu_regioni"], "https://www.gazzettaufficiale.it")

    @site.route(NORMATTIVA.replace(".", r"\."), methods=("POST",))
    def normattiva(request: ReplayRequest) -> ReplayResponse:
        try:
            query = json.loads(request.body or b"{}")
            start = dt.date.fromisoformat(query["dataInizioAggiornamento"][:10])
            end = dt.date.fromisoformat(query["dataFineAggiornamento"][:10])
        except (KeyError, ValueError):
            return ReplayResponse.json(json.dumps({"timestamp": dt.datetime.now(dt.UTC).isoformat(), "status": 400,
                                                   "error": "Bad Request", "path": NORMATTIVA}), status=400)
        if (end - start).days > 366:
            return ReplayResponse.json('{"message": "periodo di esportazione superiore a 12 mesi", "code": "1501"}', 400)
        acts = [a for a in watch()["normattiva_aggiornati"] if start <= a["gu"] <= end]
        return ReplayResponse.json(json.dumps({
            "listaAtti": [{"numeroAtto": str(i + 1), "codiceRedazionale": a["code"], "dataGU": a["gu"].isoformat(),
                           "titoloAtto": f"{a['title']} ({a['code']}) ", "denominazioneAtto": a["kind"],
                           "giornoProvvedimento": str(a["day"]), "meseProvvedimento": str(a["month"]),
                           "annoProvvedimento": str(a["year"]), "numeroProvvedimento": str(a["number"]),
                           "descrizioneAtto": f"{a['kind']} {a['day']} {_month(a['month'])} {a['year']}, n. {a['number']}",
                           "dataUltimaModifica": a["gu"].isoformat()} for i, a in enumerate(acts)],
            "facetMap": {}, "numeroPagine": 1, "numeroAttiTrovati": len(acts), "paginaCorrente": 1,
            "numeroElementiPerPagina": 0, "message": None}))

    @site.route(r"/www\.lavoro\.gov\.it/node/13649")
    def tables(request: ReplayRequest) -> ReplayResponse:
        return _links("Costo del lavoro", watch()["lavoro_costo_lavoro"])

    @site.route(r"/www\.lavoro\.gov\.it/_layouts/15/Lavoro\.Web/AppPages/RSS")
    def news(request: ReplayRequest) -> ReplayResponse:
        return _rss("Ministero del Lavoro - notizie", watch()["lavoro_notizie"], "https://www.lavoro.gov.it")

    @site.route(r"/www\.anticorruzione\.it/-/delibere")
    def anac(request: ReplayRequest) -> ReplayResponse:
        return _links("Delibere", watch()["anac_delibere"])

    return [site]


def _month(number: int) -> str:
    return ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
            "novembre", "dicembre")[number - 1]
