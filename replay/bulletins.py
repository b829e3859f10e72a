"""Replay of the regional bulletins read for tariff acts (`bur_emilia_romagna`, `bur_veneto`), from
`data/accreditation/acts.yaml`: the list of acts, each act's page and its annex PDF built by `replay.acts`.
Shapes and what is assumed: data/accreditation/README.md. The pages say they are a reconstruction."""

from __future__ import annotations

import datetime as dt
import html
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from replay.acts import ActSpec, act_pdf, long_date
from replay.server import ReplayRequest, ReplayResponse, Site

DATA = Path(__file__).resolve().parent / "data" / "accreditation"
NOTE = ("<p class='nota'>Pagina ricostruita per la dimostrazione nella forma documentata del bollettino: "
        "atti e importi sono illustrativi.</p>")


@lru_cache(maxsize=1)
def acts() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((DATA / "acts.yaml").read_text(encoding="utf-8"))


def _spec(region_name: str, act: dict[str, Any]) -> ActSpec:
    return ActSpec(region_name, int(act["number"]), act["date"], act["valid_from"], act["title"],
                   tariffs=[tuple(t) for t in act.get("tariffs") or []],  # type: ignore[misc]
                   staff=[tuple(s) for s in act.get("staff") or []],  # type: ignore[misc]
                   staff_per=act.get("staff_per", "day"),
                   hourly_costs=[tuple(h) for h in act.get("hourly_costs") or []],  # type: ignore[misc]
                   layout=act.get("layout", "table"))


@lru_cache(maxsize=16)
def _pdf(region: str, key: str) -> bytes:
    name = {"emilia_romagna": "Emilia-Romagna", "veneto": "del Veneto"}[region]
    act = next(a for a in acts()[region] if str(a.get("key") or a.get("id")) == key)
    return act_pdf(_spec(name, act))


def _page(title: str, body: str) -> ReplayResponse:
    return ReplayResponse.html(f"<!doctype html><html lang='it'><head><meta charset='utf-8'><title>{html.escape(title)}"
                               f"</title></head><body><main>{body}{NOTE}</main></body></html>")


def _day(date: dt.date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


def build(corpus_dir: Path) -> list[Site]:
    return [emilia_romagna_site(), veneto_site()]


def emilia_romagna_site() -> Site:
    site = Site("bur_emilia_romagna")

    @site.route(r"/parte-seconda")
    def listing(request: ReplayRequest) -> ReplayResponse:
        rows = "".join(
            f"<li><span class='data'>{_day(a['date'])}</span> <a href='/dettaglio-inserzione?i={a['key']}'>"
            f"DELIBERAZIONE DELLA GIUNTA REGIONALE {long_date(a['date']).upper()}, N. {a['number']} - "
            f"{html.escape(a['title'])}</a></li>" for a in acts()["emilia_romagna"])
        return _page("BUR Emilia-Romagna - Parte seconda", f"<h1>Parte seconda</h1><ul class='elenco'>{rows}</ul>")

    @site.route(r"/dettaglio-inserzione")
    def detail(request: ReplayRequest) -> ReplayResponse:
        act = next((a for a in acts()["emilia_romagna"] if a["key"] == request.arg("i")), None)
        if act is None:
            return ReplayResponse(404, b"inserzione non trovata")
        link = f"<a href='/files/{act['key']}/allegato-a.pdf'>Allegato A (PDF)</a>" if act.get("tariffs") else ""
        return _page(act["title"], f"<h1>DELIBERAZIONE DELLA GIUNTA REGIONALE {long_date(act['date']).upper()}, N. "
                     f"{act['number']}</h1><p class='oggetto'>{html.escape(act['title'])}</p>{link}")

    @site.route(r"/files/(?P<key>[0-9a-f]+)/allegato-a\.pdf")
    def annex(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(200, _pdf("emilia_romagna", request.match.group("key")), {"Content-Type": "application/pdf"})

    return site


def veneto_site() -> Site:
    site = Site("bur_veneto")

    @site.route(r"/BurvServices/pubblica/SommarioDgr\.aspx")
    def listing(request: ReplayRequest) -> ReplayResponse:
        rows = "".join(
            f"<tr><td>{a['number']}</td><td>{_day(a['date'])}</td><td><a href='DettaglioDgr.aspx?id={a['id']}'>"
            f"DGR n. {a['number']} del {_day(a['date'])} - {html.escape(a['title'])}</a></td></tr>"
            for a in acts()["veneto"])
        return _page("BUR Veneto - DGR", f"<h1>Deliberazioni della Giunta regionale</h1><table>{rows}</table>")

    @site.route(r"/BurvServices/pubblica/DettaglioDgr\.aspx")
    def detail(request: ReplayRequest) -> ReplayResponse:
        act = next((a for a in acts()["veneto"] if str(a["id"]) == request.arg("id")), None)
        if act is None:
            return ReplayResponse(404, b"DGR non trovata")
        link = (f"<a href='Download.aspx?name=DGR_{act['number']}_allegato_A.pdf&id={act['id']}'>Allegato A</a>"
                if act.get("tariffs") else "")
        return _page(act["title"], f"<h2>DGR n. {act['number']} del {_day(act['date'])}</h2>"
                     f"<dl><dt>Oggetto</dt><dd class='oggetto'>{html.escape(act['title'])}</dd>"
                     f"<dt>Note per la trasparenza</dt><dd>Si aggiornano le rette.</dd></dl>{link}")

    @site.route(r"/BurvServices/pubblica/Download\.aspx")
    def annex(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse(200, _pdf("veneto", str(request.arg("id"))), {"Content-Type": "application/pdf"})

    return site
