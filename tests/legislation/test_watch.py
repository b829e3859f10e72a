"""The watch's readers on documents in the documented shapes, the topics of a title, and storage."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from db.models import WatchedAct
from legislation.feeds import FeedError, parse_link_list, parse_normattiva_updated, parse_rss
from legislation.match import match_title
from legislation.sources import source, watched_sources
from legislation.store import store_entries

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Gazzetta Ufficiale - Serie Generale</title>
<item><title>DECRETO 3 dicembre 2026</title><description>Determinazione del costo medio orario del lavoro per il
personale dipendente da cooperative del settore socio-sanitario-assistenziale-educativo e di inserimento
lavorativo - cooperative sociali.</description><link>https://www.gazzettaufficiale.it/eli/id/2026/12/03/26A07001/sg</link>
<guid>26A07001</guid><pubDate>Thu, 03 Dec 2026 00:00:00 +0100</pubDate></item>
<item><title>DECRETO 2 dicembre 2026</title><description>Modalita' di rilascio del porto d'armi.</description>
<link>https://www.gazzettaufficiale.it/eli/id/2026/12/02/26A06990/sg</link><guid>26A06990</guid></item>
</channel></rss>"""
NORMATTIVA = {"listaAtti": [{
    "codiceRedazionale": "26G00201", "descrizioneAtto": "DECRETO LEGISLATIVO 30 novembre 2026, n. 180",
    "titoloAtto": "[Ulteriori disposizioni correttive al codice dei contratti pubblici, di cui al decreto legislativo "
                  "31 marzo 2023, n. 36 (26G00201) ]", "denominazioneAtto": "DECRETO LEGISLATIVO", "dataGU": "2026-12-01",
    "giornoProvvedimento": "30", "meseProvvedimento": "11", "annoProvvedimento": "2026", "numeroProvvedimento": "180"}],
    "numeroPagine": 1, "numeroAttiTrovati": 1}
LINKS = """<html><body><main><h1>Costo del lavoro</h1><ul>
<li><a href="/documenti/dd-30-2024">Decreto direttoriale n. 30 del 14 giugno 2024 - Cooperative sociali</a></li>
<li><a href="/documenti/dd-12-2026">Decreto direttoriale n. 12 del 1 dicembre 2026 - Cooperative sociali: costo medio orario</a></li>
<li><a href="/contatti">Contatti dell'ufficio stampa del Ministero</a></li></ul></main></body></html>"""


def test_sources_are_data_and_valid() -> None:
    keys = {s.key for s in watched_sources()}
    assert {"gu_serie_generale", "gu_regioni", "normattiva_aggiornati", "lavoro_costo_lavoro", "anac_delibere"} <= keys
    assert source("lavoro_costo_lavoro").tables_page


def test_rss_items() -> None:
    first, second = parse_rss(RSS)
    assert first.key == "26A07001" and first.published_on == dt.date(2026, 12, 3)
    assert "cooperative sociali" in first.title and first.act_kind == "DECRETO"
    assert second.published_on is None
    with pytest.raises(FeedError):
        parse_rss(b"<html><body>Service unavailable</body></html>")


def test_normattiva_updated_acts() -> None:
    [entry] = parse_normattiva_updated(json.dumps(NORMATTIVA).encode())
    assert entry.key == "26G00201" and entry.act_date == dt.date(2026, 11, 30) and entry.act_number == "180"
    assert "codice dei contratti pubblici" in entry.title and "26G00201" in (entry.url or "")
    with pytest.raises(FeedError, match="periodo"):
        parse_normattiva_updated(b'{"message": "periodo di esportazione superiore a 12 mesi", "code": "1501"}')


def test_link_list_keeps_acts_only() -> None:
    entries = parse_link_list(LINKS, "https://www.lavoro.gov.it/node/13649")
    assert [e.url for e in entries] == ["https://www.lavoro.gov.it/documenti/dd-30-2024",
                                        "https://www.lavoro.gov.it/documenti/dd-12-2026"]


@pytest.mark.parametrize(("title", "topics"), [
    ("DECRETO 3 dicembre 2026 Determinazione del costo medio orario del lavoro per il personale delle cooperative sociali",
     ["ccnl_tables"]),
    ("Ulteriori disposizioni correttive al codice dei contratti pubblici", ["procurement_code"]),
    ("Linee guida ANAC sulla revisione dei prezzi negli appalti di servizi", ["price_revision"]),
    ("REGIONE VENETO DGR n. 1300 Aggiornamento delle rette dei centri diurni per persone con disabilità",
     ["accreditation_tariffs"]),
    ("Decreto 2 dicembre 2026 Modalità di rilascio del porto d'armi", []),
    ("Tariffe del trasporto pubblico locale", []),
])
def test_topics_of_a_title(title: str, topics: list[str]) -> None:
    assert [t["topic"] for t in match_title(title)] == topics


def test_store_once_with_topics_and_new_table(session) -> None:  # type: ignore[no-untyped-def]
    tables = source("lavoro_costo_lavoro")
    entries = parse_link_list(LINKS, "https://www.lavoro.gov.it/node/13649")
    report = store_entries(session, tables, entries)
    # DD 30/2024 is among the tables the rules already know: seen, not a new table
    assert (report.new, report.matched, report.new_tables) == (2, 1, 1)
    session.commit()
    assert store_entries(session, tables, entries).new == 0
    gu = store_entries(session, source("gu_serie_generale"), parse_rss(RSS))
    session.commit()
    assert (gu.new, gu.matched, gu.new_tables) == (2, 1, 0)  # not a tables page: a match, not a "nuova tabella"
    new_table = session.scalar(select(WatchedAct).where(WatchedAct.new_table.is_(True)))
    assert new_table.url.endswith("dd-12-2026") and new_table.topics[0]["topic"] == "ccnl_tables"
    act = session.scalar(select(WatchedAct).where(WatchedAct.key == "26A07001"))
    assert act.topics[0]["topic"] == "ccnl_tables" and act.region is None
