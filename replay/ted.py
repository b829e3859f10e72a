"""Replay of the TED search API v3 and the eForms XML of each notice, from the real corpus.

Site `ted`:
- `POST /v3/notices/search` (JSON body `query`, `page`, `limit`, ...) -> `{"notices": [...],
  "totalNoticeCount": N}` in the verified response shape. The notices are the 12 real Italian
  notices captured from the API (corpus/ted/bandiradar_ted_v3_search_it_72_48.json, their links
  moved to this host) plus one search record per official eForms SDK example notice
  (corpus/ted/eforms_sdk_*.xml), built from that XML: publication number `sdk-<example>` (the
  examples have none), publication date = IssueDate, title, buyer, country, CPV, deadline.
  The expert query is not evaluated except its publication-date bounds
  (`publication-date>=YYYYMMDD`, `<=`), so the spider's own scope decision is exercised.
- `GET /en/notice/<number>/xml` -> the example's eForms XML (the 12 real notices have no stored XML:
  404, as for a notice withdrawn upstream).
- The social-services example (cn-social_24) carries `document-url-lot` pointing to a buyer's
  documents page on this host (`/replay/aomauriziano/documenti`) that links the real tender PDFs of
  A.O. Ordine Mauriziano (corpus/documents) as its attachments: real documents, stand-ins for the
  example's (which has none), so that the demo downloads and reads real tender files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from crawlers.eforms import parse_notice
from replay.server import ReplayRequest, ReplayResponse, Site

DOCUMENTS_PAGE = "/replay/aomauriziano/documenti"
AOMAURIZIANO = {
    "aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf": "Disciplinare di gara (rettificato)",
    "aomauriziano_to_CAPITOLATO_TECNICO_RETTIFICATO.pdf": "Capitolato tecnico (rettificato)",
    "aomauriziano_to_Bando_Europeo.pdf": "Bando europeo",
    "aomauriziano_to_ALL_E_Tabella_Lotti_con_fabbisogni.pdf": "All. E - Tabella lotti con fabbisogni",
}
DOCUMENTS_FOR = "sdk-cn-social_24"
_DATE_BOUND = re.compile(r"(?:publication-date|PD)\s*(>=|<=|>|<|=)\s*(\d{8}|\d{4}-\d{2}-\d{2})")


def example_record(path: Path, number: str) -> dict[str, Any]:
    notice = parse_notice(path.read_bytes())
    cpvs = [c for c in [notice.cpv, *(lot.cpv for lot in notice.lots)] if c]
    deadlines = [lot.deadline_at for lot in notice.lots if lot.deadline_at]
    record: dict[str, Any] = {
        "publication-number": number,
        "publication-date": f"{notice.issue_date.isoformat()}+01:00" if notice.issue_date else None,
        "notice-title": {"eng": [notice.title]} if notice.title else {},
        "buyer-name": {"eng": [notice.buyer_name]} if notice.buyer_name else {},
        "buyer-country": [notice.buyer_country] if notice.buyer_country else [],
        "classification-cpv": cpvs,
        "notice-type": notice.notice_type,
        "links": {},
    }
    if notice.amount is not None:
        record["estimated-value-proc"] = str(notice.amount)
        record["estimated-value-cur-proc"] = notice.currency or "EUR"
    if deadlines:
        record["deadline-receipt-tender-date-lot"] = [d.date().isoformat() for d in deadlines]
    return record


def _published(record: dict[str, Any]) -> dt.date | None:
    value = record.get("publication-date") or ""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _with_links(record: dict[str, Any], base_url: str) -> dict[str, Any]:
    number = record["publication-number"]
    out = json.loads(json.dumps(record))
    out["links"] = {
        "xml": {"MUL": f"{base_url}/en/notice/{number}/xml"},
        "pdf": {"ITA": f"{base_url}/it/notice/{number}/pdf"},
        "html": {"ITA": f"{base_url}/it/notice/-/detail/{number}"},
    }
    if number == DOCUMENTS_FOR:
        out["document-url-lot"] = [f"{base_url}{DOCUMENTS_PAGE}"]
    return out


def documents_page(base_url: str) -> str:
    rows = "\n".join(
        f'<li><a href="{base_url}/replay/aomauriziano/files/{name}">{title}</a> (PDF)</li>'
        for name, title in AOMAURIZIANO.items()
    )
    return (
        "<!DOCTYPE html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>Documentazione di gara</title></head>"
        "<body><h1>Documentazione di gara</h1>"
        "<p>Replay: real tender documents of A.O. Ordine Mauriziano (TED 661833-2025), stand-ins.</p>"
        f"<ul class=\"allegati\">\n{rows}\n</ul></body></html>"
    )


def build(corpus_dir: Path) -> list[Site]:
    ted_dir = corpus_dir / "ted"
    captured = json.loads((ted_dir / "bandiradar_ted_v3_search_it_72_48.json").read_text(encoding="utf-8"))
    records: list[dict[str, Any]] = list(captured["notices"])
    xml_files: dict[str, Path] = {}
    for path in sorted(ted_dir.glob("eforms_sdk_*.xml")):
        number = "sdk-" + path.stem.removeprefix("eforms_sdk_")
        xml_files[number] = path
        records.append(example_record(path, number))
    site = Site("ted")

    @site.route(r"/v3/notices/search", methods=("POST",))
    def search(request: ReplayRequest) -> ReplayResponse:
        try:
            body = json.loads(request.body or b"{}")
            page, limit = int(body.get("page", 1)), int(body.get("limit", 10))
        except (ValueError, TypeError):
            return ReplayResponse.json('{"message":"Invalid request body"}', 400)
        if page < 1 or not 1 <= limit <= 250:
            return ReplayResponse.json('{"message":"page must be >= 1 and limit 1..250"}', 400)
        chosen = records
        for operator, value in _DATE_BOUND.findall(body.get("query", "")):
            bound = dt.date.fromisoformat(value if "-" in value else f"{value[:4]}-{value[4:6]}-{value[6:]}")
            chosen = [r for r in chosen if _published(r) and _compare(_published(r), operator, bound)]
        chosen = sorted(chosen, key=lambda r: r.get("publication-date") or "")
        window = chosen[(page - 1) * limit : page * limit]
        payload = {"notices": [_with_links(r, request.base_url) for r in window], "totalNoticeCount": len(chosen)}
        return ReplayResponse.json(json.dumps(payload, ensure_ascii=False))

    @site.route(r"/en/notice/(?P<number>[\w.-]+)/xml")
    def xml(request: ReplayRequest) -> ReplayResponse:
        path = xml_files.get(request.match["number"])
        if path is None:
            return ReplayResponse(404, b"Notice not found", {"Content-Type": "text/plain"})
        return ReplayResponse.file(path, "application/xml")

    @site.route(DOCUMENTS_PAGE)
    def documents(request: ReplayRequest) -> ReplayResponse:
        return ReplayResponse.html(documents_page(request.base_url))

    @site.route(r"/replay/aomauriziano/files/(?P<name>[\w.-]+\.pdf)")
    def document(request: ReplayRequest) -> ReplayResponse:
        if request.match["name"] not in AOMAURIZIANO:
            return ReplayResponse(404, b"not found")
        return ReplayResponse.file(corpus_dir / "documents" / request.match["name"], "application/pdf")

    return [site]


def _compare(value: dt.date, operator: str, bound: dt.date) -> bool:
    return {
        ">=": value >= bound, "<=": value <= bound, ">": value > bound, "<": value < bound, "=": value == bound,
    }[operator]
