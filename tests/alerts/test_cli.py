"""`observatory alerts preview/send/outbox/retry` against a migrated database and a real SMTP server."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from db.models import AlertDelivery, Observatory
from kernel.settings import get_settings
from observatory.cli import cli
from tests.alerts import factories


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["alerts", *args], catch_exceptions=False)
    return result


def test_preview_writes_nothing(session, settings_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    factories.digest_world(session)
    session.commit()
    result = _invoke("preview", "lom")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Subject: [Osservatorio appalti] Osservatorio regionale Lombardia: 1 nuova anomalia"
    )
    assert "GARE NON VERIFICABILI (1)" in result.output
    html = _invoke("preview", "LOM", "--html").output
    assert html.lstrip().startswith("<!DOCTYPE html>") and "Gestione centro diurno disabili" in html
    assert "no new findings" in _invoke("preview", "SIC").output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AlertDelivery)) == 0
    assert session.scalar(select(func.count()).select_from(Observatory)) == 0  # even the sync rolled back
    assert not (tmp_path / "outbox").exists()


def test_preview_unknown_observatory(settings_env) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["alerts", "preview", "XYZ"])
    assert result.exit_code != 0 and "unknown observatory 'XYZ'" in str(result.exception)


def test_send_with_the_file_backend_writes_eml_once(session, settings_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    factories.digest_world(session)
    session.commit()
    result = _invoke("send")
    assert result.exit_code == 0, result.output
    assert "queued 3 digest(s)" in result.output and "sent 3" in result.output
    outbox = tmp_path / "outbox"
    files = sorted(p.name for p in outbox.glob("*.eml"))
    assert len(files) == 3 and any(".LOM." in f for f in files)
    assert all((outbox / f).stat().st_mode & 0o777 == 0o644 for f in files)  # readable, like any mail file
    assert not list(outbox.glob(".tmp-*"))

    again = _invoke("send")
    assert "queued 0 digest(s)" in again.output and "sent 0" in again.output
    assert sorted(p.name for p in outbox.glob("*.eml")) == files

    listing = _invoke("outbox").output
    assert "sent: 3" in listing and "finding-digest" in listing


def test_send_through_smtp_and_retry_a_failed_delivery(  # type: ignore[no-untyped-def]
    session, settings_env, monkeypatch, smtp_server
) -> None:
    monkeypatch.setenv("OBSERVATORY_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("SMTP_SECURITY", "none")
    get_settings.cache_clear()
    factories.digest_world(session)
    session.commit()

    smtp_server.recorder.reply = "550 5.7.1 Rejected by policy"
    assert "failed 3" in _invoke("send").output
    smtp_server.recorder.reply = None
    failed = session.scalars(select(AlertDelivery.id).order_by(AlertDelivery.id)).first()
    assert "queued again" in _invoke("retry", str(failed)).output
    assert "sent 1" in _invoke("send").output
    assert len(smtp_server.recorder.received) == 1
    assert CliRunner().invoke(cli, ["alerts", "retry", str(failed)]).exit_code != 0  # not failed any more


def test_preview_mentions_digests_queued_but_not_sent(session, settings_env) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from alerts.service import queue_digests
    from observatory.app import get_directory

    world = factories.digest_world(session)
    queue_digests(session, get_directory(), get_settings(), now=dt.datetime(2026, 11, 23, 5, tzinfo=dt.UTC))
    factories.finding(session, world["notices"][1], rule_code="R-PAY-1", severity="info", figures={})
    session.commit()
    result = _invoke("preview", "LOM")
    assert "1 digest(s) already queued for LOM and not yet sent" in result.output
    assert "Termini di pagamento oltre i 30 giorni" in result.output  # only the new finding
    assert "Servizio sociale aggiudicato al minor prezzo." not in result.output
