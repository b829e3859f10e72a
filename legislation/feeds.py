"""Pure readers of the watched sources' shapes: RSS 2.0 (Gazzetta Ufficiale, Ministry of Labour news), the
Normattiva Open Data "atti aggiornati" JSON (spec IPZS par. 1.3.9: `listaAtti` with `codiceRedazionale`,
`descrizioneAtto`, `titoloAtto`, `dataGU`, `giornoProvvedimento`/`meseProvvedimento`/`annoProvvedimento`,
`numeroProvvedimento`, `denominazioneAtto`) and a page listing acts as links (the Ministry's cost-table
decrees, ANAC's delibere). Each returns `Entry`s; a document that is not of its shape raises `FeedError`."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from defusedxml import ElementTree
from parsel import Selector

from legislation.regions import region_in_title

_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre")
_DATE_IT = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+((?:19|20)\d\d)\b", re.I)
_DATE_NUM = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)\b")
_NUMBER = re.compile(r"\bn\.\s*(\d{1,5})", re.I)
_KIND = re.compile(r"^\s*(decreto[- ]legge|decreto legislativo|decreto direttoriale|decreto|legge regionale|legge|"
                   r"deliberazione|delibera|determinazione|circolare|comunicato|regolamento|ordinanza)\b", re.I)


class FeedError(ValueError):
    """The document is not in the shape of its source (the source is then marked broken)."""


@dataclass
class Entry:
    key: str
    title: str
    url: str | None
    published_on: dt.date | None
    region: str | None = None
    act_kind: str | None = None
    act_number: str | None = None
    act_date: dt.date | None = None


def date_in(text: str) -> dt.date | None:
    match = _DATE_IT.search(text)
    try:
        if match:
            return dt.date(int(match.group(3)), _MONTHS.index(match.group(2).lower()) + 1, int(match.group(1)))
        match = _DATE_NUM.search(text)
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def _act_fields(title: str) -> dict[str, Any]:
    kind = _KIND.search(title)
    number = _NUMBER.search(title)
    return {"act_kind": kind.group(1).upper() if kind else None, "act_number": number.group(1) if number else None,
            "act_date": date_in(title)}


def parse_rss(data: bytes, *, regional: bool = False) -> list[Entry]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise FeedError(f"not an RSS document: {exc}") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FeedError(f"not an RSS 2.0 document (root <{root.tag}>)")
    entries = []
    for item in channel.findall("item"):
        title = " ".join((item.findtext("title") or "").split())
        link = (item.findtext("link") or "").strip() or None
        if not title:
            continue
        description = " ".join((item.findtext("description") or "").split())
        full = f"{title} {description}".strip()
        published = None
        if item.findtext("pubDate"):
            try:
                published = email.utils.parsedate_to_datetime(item.findtext("pubDate") or "").date()
            except (TypeError, ValueError):
                published = None
        key = (item.findtext("guid") or link or title).strip()
        entries.append(Entry(key, full, link, published, region_in_title(full) if regional else None, **_act_fields(full)))
    return entries


def parse_normattiva_updated(data: bytes) -> list[Entry]:
    try:
        payload = json.loads(data)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not JSON: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("listaAtti"), list):
        message = payload.get("message") if isinstance(payload, dict) else None
        raise FeedError(f"no listaAtti in the answer{f': {message}' if message else ''}")
    entries = []
    for act in payload["listaAtti"]:
        code = str(act.get("codiceRedazionale") or "").strip()
        title = " ".join(f"{act.get('descrizioneAtto') or ''} - {str(act.get('titoloAtto') or '').strip(' []')}".split())
        if not code or not title.strip(" -"):
            continue
        date_gu = act.get("dataGU")
        try:
            act_date = dt.date(int(act["annoProvvedimento"]), int(act["meseProvvedimento"]), int(act["giornoProvvedimento"]))
        except (KeyError, TypeError, ValueError):
            act_date = None
        url = (f"https://www.normattiva.it/atto/caricaDettaglioAtto?atto.dataPubblicazioneGazzetta={date_gu}"
               f"&atto.codiceRedazionale={code}") if date_gu else None
        entries.append(Entry(code, title, url, _iso(date_gu), None,
                             str(act.get("denominazioneAtto") or "") or None,
                             str(act.get("numeroProvvedimento") or "") or None, act_date))
    return entries


def _iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def parse_link_list(html: str, base_url: str, *, container: str = "main, #content, .content, body") -> list[Entry]:
    """Links to acts on a listing page: every link whose text names an act (decreto, delibera, ...) or has a date."""
    page = Selector(text=html)
    scope = page.css(container)
    if not scope:
        raise FeedError("page without a content area")
    entries: dict[str, Entry] = {}
    for link in scope[0].css("a[href]"):
        text = " ".join(" ".join(link.css("::text").getall()).split())
        href = link.attrib["href"].strip()
        if len(text) < 15 or href.startswith(("#", "mailto:", "javascript:")):
            continue
        if not (_KIND.search(text) or date_in(text)):
            continue
        url = urljoin(base_url, href)
        entries.setdefault(url, Entry(url, text, url, date_in(text), None, **_act_fields(text)))
    return list(entries.values())
