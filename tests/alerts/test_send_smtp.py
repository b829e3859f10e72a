"""Digests through a real SMTP server on loopback: one per Observatory, parsed back, never sent twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from alerts.service import queue_digests, send_pending
from db.models import AlertDelivery, AlertDeliveryFinding, Observatory
from tests.alerts import factories

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)


def _by_recipient(messages):  # type: ignore[no-untyped-def]
    return {str(m["To"]): m for m in messages}


def test_one_digest_per_observatory_parsed_back(
    session, engine, directory, smtp_settings, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    world = factories.digest_world(session)
    assert queue_digests(session, directory, smtp_settings, now=NOW) == 3  # PIE, LOM, NAZ (unplaceable)
    session.commit()

    stats = send_pending(engine, smtp_settings, now=NOW)
    assert stats["sent"] == 3 and stats["retry"] == 0 and stats["failed"] == 0

    received = smtp_server.recorder.received
    assert sorted(r["rcpt_tos"][0] for r in received) == [
        "osservatorio.lombardia@example.org",
        "osservatorio.nazionale@example.org",
        "osservatorio.piemonte@example.org",
    ]
    assert all(r["mail_from"] == "osservatorio@osservatori.example.org" for r in received)
    messages = _by_recipient(smtp_server.recorder.messages())
    pie = messages["osservatorio.piemonte@example.org"]

    # Headers: Message-ID as stored, one-line subject in Italian with the date, auto-generated.
    delivery = session.scalars(select(AlertDelivery).join(Observatory).where(Observatory.code == "PIE")).one()
    assert pie["Message-ID"].strip() == delivery.message_id  # folded onto its own line (FWS)
    assert delivery.state == "sent" and delivery.attempts == 1 and delivery.sent_at is not None
    assert pie["Subject"] == (
        "[Osservatorio appalti] Osservatorio regionale Piemonte: 2 nuove anomalie in 1 gara"
        " — Comune di Torino — 23/11/2026"
    )
    assert "\n" not in pie["Subject"]
    assert pie["Auto-Submitted"] == "auto-generated"
    assert pie["Date"].datetime == NOW and pie["Date"].datetime.utcoffset() == dt.timedelta(
        hours=1
    )  # Rome, CET
    assert pie.get_content_type() == "multipart/alternative"

    # Both parts, Italian formats, evidence with document and page, grouped by severity.
    text = pie.get_body(preferencelist=("plain",)).get_content()
    html = pie.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "Servizio di assistenza domiciliare anziani 2026-2028" in part
        assert "B123456789" in part
        assert "€ 19,89/h contro € 23,65/h del CCNL (livello D2, ottobre 2025): -15,9 %" in part
        assert "-15,9 %" in part
        assert "€ 1.250.000,00" in part
        assert "15/12/2026 ore 12:00" in part  # 11:00 UTC shown in Europe/Rome
        assert "Il costo orario posto a base di gara è pari a euro 19,89." in part
        assert "pag. 12" in part
        assert "Disciplinare di gara.pdf" in part
        assert "https://portale.example.it/bandi/123" in part
    assert text.index("CRITICITÀ GRAVI") < text.index("ANOMALIE DA VERIFICARE")
    assert 'style="' in html  # CSS inlined

    # Lombardy: one violation notice, the not-verifiable notice in its own section with the reason.
    lom_text = (
        messages["osservatorio.lombardia@example.org"].get_body(preferencelist=("plain",)).get_content()
    )
    assert "GARE NON VERIFICABILI (1)" in lom_text
    assert "documenti di gara non scaricati: HTTP 403" in lom_text
    assert "Servizio educativo scolastico" in lom_text
    assert "minor prezzo" in lom_text and "€ 480.000,00" in lom_text

    # The unplaceable authority reached the National Observatory with the reason.
    naz_text = (
        messages["osservatorio.nazionale@example.org"].get_body(preferencelist=("plain",)).get_content()
    )
    assert "regione non determinabile per «Consorzio Servizi Sociali Ignoto»" in naz_text

    # Every mailed finding is bound to exactly one delivery; the compliant one to none.
    bound = session.scalars(select(AlertDeliveryFinding.finding_id)).all()
    assert sorted(bound) == sorted(f.id for f in world["findings"])


def test_second_run_sends_nothing_and_new_findings_get_their_own_digest(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server
) -> None:
    world = factories.digest_world(session)
    queue_digests(session, directory, smtp_settings, now=NOW)
    session.commit()
    send_pending(engine, smtp_settings, now=NOW)
    assert len(smtp_server.recorder.received) == 3

    later = NOW + dt.timedelta(days=1)
    assert queue_digests(session, directory, smtp_settings, now=later) == 0
    session.commit()
    assert send_pending(engine, smtp_settings, now=later)["sent"] == 0
    assert len(smtp_server.recorder.received) == 3

    # A new finding on a Lombard notice: one new digest, to Lombardy only, with only that finding.
    factories.finding(
        session,
        world["notices"][1],
        rule_code="R-BASE-1",
        severity="info",
        message="Costi della manodopera non indicati separatamente.",
        figures={},
    )
    assert queue_digests(session, directory, smtp_settings, now=later) == 1
    session.commit()
    assert send_pending(engine, smtp_settings, now=later)["sent"] == 1
    new = smtp_server.recorder.messages()[-1]
    assert str(new["To"]) == "osservatorio.lombardia@example.org"
    body = new.get_body(preferencelist=("plain",)).get_content()
    assert "Costi della manodopera non indicati separatamente." in body
    assert "minor prezzo" not in body  # the old finding is not repeated


def test_national_copy_of_serious_findings(session, engine, directory, smtp_settings, smtp_server) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    settings = dataclasses.replace(smtp_settings, national_copy=True)
    factories.digest_world(session)
    queue_digests(session, directory, settings, now=NOW)
    session.commit()
    send_pending(engine, settings, now=NOW)
    naz = _by_recipient(smtp_server.recorder.messages())["osservatorio.nazionale@example.org"]
    text = naz.get_body(preferencelist=("plain",)).get_content()
    # The two critical violations (Torino, Milano) are copied; the warning from Torino is not.
    assert "copia: destinatario Osservatorio regionale Piemonte" in text
    assert "copia: destinatario Osservatorio regionale Lombardia" in text
    assert "revisione dei prezzi" not in text
    # Running again copies nothing twice.
    assert queue_digests(session, directory, settings, now=NOW) == 0


def test_no_new_findings_no_email(session, engine, directory, smtp_settings, smtp_server) -> None:  # type: ignore[no-untyped-def]
    src = factories.source(session)
    auth = factories.authority(session, "Comune di Bari", istat_region="16")
    ntc = factories.notice(session, src, auth, "Servizio di assistenza scolastica")
    factories.finding(session, ntc, result="compliant", severity="info", message="ok")
    factories.finding(session, ntc, is_current=False)  # superseded: never mailed
    assert queue_digests(session, directory, smtp_settings, now=NOW) == 0
    session.commit()
    assert send_pending(engine, smtp_settings, now=NOW)["sent"] == 0
    assert smtp_server.recorder.received == []
