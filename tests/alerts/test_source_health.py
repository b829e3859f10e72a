"""The administrators' alert for broken sources: once per breakage."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from alerts.service import queue_source_health, send_pending
from db.models import AlertDelivery
from tests.alerts import factories

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)


def test_one_alert_per_breakage(session, engine, smtp_settings, smtp_server) -> None:  # type: ignore[no-untyped-def]
    ok = factories.source(session, "ted", health="ok")
    broken = factories.source(
        session,
        "sintel",
        name="Sintel (Lombardia)",
        kind="regional",
        health="broken",
        health_reason="0 avvisi in 3 raccolte consecutive",
        last_success_at=dt.datetime(2026, 11, 19, 3, 40, tzinfo=dt.UTC),
    )
    assert queue_source_health(session, smtp_settings, now=NOW) == 1
    session.commit()
    assert send_pending(engine, smtp_settings, now=NOW)["sent"] == 1
    [envelope] = smtp_server.recorder.received
    assert envelope["rcpt_tos"] == ["admin@osservatori.example.org"]
    msg = smtp_server.recorder.messages()[0]
    assert msg["Subject"] == "[Osservatorio appalti] fonte non funzionante: Sintel (Lombardia) — 23/11/2026"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "0 avvisi in 3 raccolte consecutive" in text and "19/11/2026 ore 04:40" in text

    # Still broken the next nights: nothing new.
    assert queue_source_health(session, smtp_settings, now=NOW + dt.timedelta(days=1)) == 0

    # It recovers, then breaks again: a new breakage, a new alert; the other source joins it.
    broken.health = "ok"
    broken.last_success_at = dt.datetime(2026, 11, 25, 3, 40, tzinfo=dt.UTC)
    session.flush()
    assert queue_source_health(session, smtp_settings, now=NOW + dt.timedelta(days=2)) == 0
    broken.health = "broken"
    ok.health = "broken"
    session.flush()
    assert queue_source_health(session, smtp_settings, now=NOW + dt.timedelta(days=3)) == 1
    session.commit()
    latest = session.scalars(select(AlertDelivery).order_by(AlertDelivery.id.desc())).first()
    assert latest.context["sources"] == ["sintel", "ted"]
    assert latest.subject.endswith("2 fonti non funzionanti — 26/11/2026")
