"""The digest's "Accreditamento" section (a region's tariffs with their R-ACC verdicts and build-up, once per
Observatory) and the legislation-watch alert (new matching acts to the National Observatory and the region's,
a new Ministry table with the import command, once; the backlog of a first crawl is not mailed)."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

from sqlalchemy import func, select

from accreditation.records import record_from_mapping
from accreditation.store import store_records
from alerts.service import queue_digests, queue_watch, send_pending
from db.base import utcnow
from db.models import AlertDelivery, AlertDeliveryTariffFinding, WatchedAct
from legislation.feeds import Entry
from legislation.sources import source
from legislation.store import store_entries
from rules.config import parse_config
from rules.tariff_engine import run_tariff_rules

TARIFF = {"region": "08", "service_type": "csrd", "variant": "livello moderato", "act_kind": "DGR",
          "act_number": "1234/2026", "valid_from": "2026-01-15", "amount": 68.0, "unit": "day",
          "act_url": "https://bur.example/1234.pdf", "status": "verified",
          "staff": [{"profile": "OSS", "level": "C2", "minutes": 160}, {"profile": "educatore", "level": "D2", "minutes": 50}]}


def _bodies(engine, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    send_pending(engine, settings)
    out = {}
    for path in sorted(settings.outbox_dir.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        out[str(message["X-Observatory"])] = (str(message["Subject"]) + "\n"
                                              + message.get_body(("plain",)).get_content())
    return out


def test_digest_gains_the_accreditation_section(session, engine, directory, file_settings) -> None:  # type: ignore[no-untyped-def]
    store_records(session, [record_from_mapping(TARIFF, "test")], origin="test")
    run_tariff_rules(session, config=parse_config({}))
    session.commit()
    assert queue_digests(session, directory, file_settings) == 1
    session.commit()
    bodies = _bodies(engine, file_settings)
    text = bodies["EMR"]
    assert "accreditamento: 1 tariffa" in text.splitlines()[0]
    assert "ACCREDITAMENTO: TARIFFE DELLA REGIONE (1)" in text
    assert "[R-ACC-1]" in text and "€ 68,00" in text and "€ 70,25" in text  # 210 min × € 20,07 (A1 January 2026)
    assert "Calcolo (minuti × costo orario + altri costi):" in text and "letto nell'atto" in text
    assert session.scalar(select(func.count()).select_from(AlertDeliveryTariffFinding)) >= 1
    # sent once: nothing new the next night
    assert queue_digests(session, directory, file_settings) == 0


def _act(key: str, title: str, published: dt.date | None, region: str | None = None) -> Entry:
    return Entry(key, title, f"https://example.org/{key}", published, region)


def test_watch_alerts_national_and_region_once(session, engine, directory, file_settings) -> None:  # type: ignore[no-untyped-def]
    today = utcnow().date()
    store_entries(session, source("gu_regioni"), [
        _act("r1", "REGIONE VENETO - DGR n. 1300 - Aggiornamento delle rette dei centri diurni per persone con disabilità",
             today, "05"),
        _act("r2", "REGIONE VENETO - Legge regionale sulla caccia", today, "05"),
        _act("old", "REGIONE LOMBARDIA - tariffe delle RSA", today - dt.timedelta(days=400), "03"),
    ])
    store_entries(session, source("lavoro_costo_lavoro"), [
        _act("dd12", "Decreto direttoriale n. 12 del 1 dicembre 2026 - Costo medio orario delle cooperative sociali", today)])
    session.commit()
    assert queue_watch(session, directory, file_settings) == 2  # NAZ and VEN
    session.commit()
    bodies = _bodies(engine, file_settings)
    assert set(bodies) == {"NAZ", "VEN"}
    national = bodies["NAZ"]
    assert "NUOVA TABELLA: Decreto direttoriale n. 12" in national and "--decree DD12-2026" in national
    assert "DGR n. 1300" in national and "caccia" not in national and "LOMBARDIA" not in national  # backlog not mailed
    assert "DGR n. 1300" in bodies["VEN"] and "Decreto direttoriale" not in bodies["VEN"]
    assert queue_watch(session, directory, file_settings) == 0
    assert session.scalar(select(func.count()).select_from(AlertDelivery).where(
        AlertDelivery.alert_type == "legislation-watch")) == 2
    assert session.scalar(select(WatchedAct).where(WatchedAct.key == "old")).topics  # stored, matched, not mailed
