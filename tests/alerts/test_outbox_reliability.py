"""The outbox under failure: SMTP outages, 421, permanent refusals, and a crash after the server accepted.

The crash tests stop *between* the steps `send_pending` takes (claim committed, message handed to the
server or written, no final commit): that is exactly the state a killed process leaves behind. The
subprocess test below kills a real sender at that point too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select

from alerts.backends import FileBackend, SmtpBackend, eml_name
from alerts.outbox import SENDING_LEASE, backoff_delay, claim
from alerts.service import queue_digests, send_pending
from db.models import AlertDelivery
from tests.alerts import factories
from tests.alerts.conftest import free_port

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)


def _queue(session, directory, settings) -> list[AlertDelivery]:  # type: ignore[no-untyped-def]
    factories.digest_world(session)
    assert queue_digests(session, directory, settings, now=NOW) == 3
    session.commit()
    return list(session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def _states(session) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [(d.state, d.attempts) for d in session.scalars(select(AlertDelivery).order_by(AlertDelivery.id))]


def test_server_down_leaves_digests_pending_then_next_run_sends_once(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server
) -> None:
    _queue(session, directory, smtp_settings)
    down = dataclasses.replace(smtp_settings, smtp_port=free_port())  # nothing listens there

    stats = send_pending(engine, down, now=NOW)
    assert stats["sent"] == 0 and stats["retry"] == 1 and stats["deferred"] == 2
    assert _states(session) == [("pending", 1)] * 3
    for d in session.scalars(select(AlertDelivery)):
        assert "unreachable" in d.last_error
        assert d.next_attempt_at == NOW + backoff_delay(1)

    # Before the backoff has elapsed nothing is tried, even with the server back.
    assert send_pending(engine, smtp_settings, now=NOW + dt.timedelta(minutes=1))["sent"] == 0
    assert smtp_server.recorder.received == []

    later = NOW + backoff_delay(1)
    assert send_pending(engine, smtp_settings, now=later)["sent"] == 3
    assert send_pending(engine, smtp_settings, now=later + dt.timedelta(days=1))["sent"] == 0
    assert len(smtp_server.recorder.received) == 3
    ids = [m["Message-ID"].strip() for m in smtp_server.recorder.messages()]
    assert len(set(ids)) == 3
    assert [s for s, _ in _states(session)] == ["sent"] * 3


def test_421_keeps_pending_with_the_error_and_retry_now_sends(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server
) -> None:
    _queue(session, directory, smtp_settings)
    smtp_server.recorder.reply = "421 4.3.2 Service not available, closing channel"
    stats = send_pending(engine, smtp_settings, now=NOW)
    assert stats["sent"] == 0 and stats["retry"] == 1 and stats["deferred"] == 2
    first = session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)).first()
    assert "421" in first.last_error and first.state == "pending"

    smtp_server.recorder.reply = None
    assert send_pending(engine, smtp_settings, now=NOW, ignore_backoff=True)["sent"] == 3
    assert send_pending(engine, smtp_settings, now=NOW, ignore_backoff=True)["sent"] == 0
    assert len(smtp_server.recorder.received) == 3


def test_permanent_refusal_marks_failed_and_the_rest_goes_on(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server
) -> None:
    _queue(session, directory, smtp_settings)
    smtp_server.recorder.reply = "554 5.6.0 Message rejected"
    stats = send_pending(engine, smtp_settings, now=NOW)
    assert stats["failed"] == 3 and stats["sent"] == 0
    assert all("554" in d.last_error for d in session.scalars(select(AlertDelivery)))
    # Failed findings are not queued again behind the operator's back.
    assert queue_digests(session, directory, smtp_settings, now=NOW) == 0


def test_crash_after_smtp_acceptance_resends_the_identical_message_once(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server
) -> None:
    deliveries = _queue(session, directory, smtp_settings)
    target = deliveries[0]
    # The sender claims (commits `sending`), the server accepts, the process dies before `sent`.
    claimed = claim(engine, target.id, now=NOW)
    backend = SmtpBackend(smtp_settings)
    backend.deliver(claimed)
    backend.close()
    assert len(smtp_server.recorder.received) == 1

    # While the lease runs, no other sender touches it (it may still be in flight).
    stats = send_pending(engine, smtp_settings, now=NOW + dt.timedelta(minutes=1))
    assert stats["recovered"] == 0 and stats["sent"] == 2
    session.expire_all()
    assert session.get(AlertDelivery, target.id).state == "sending"

    # Past the lease: resolved by sending the very same bytes with the same Message-ID, once.
    stats = send_pending(engine, smtp_settings, now=NOW + SENDING_LEASE + dt.timedelta(seconds=1))
    assert stats == {"sent": 1, "retry": 0, "failed": 0, "recovered": 1, "deferred": 0}
    copies = [
        r["content"] for r in smtp_server.recorder.received if target.message_id.encode() in r["content"]
    ]
    assert len(copies) == 2 and copies[0] == copies[1]
    session.expire_all()
    row = session.get(AlertDelivery, target.id)
    assert row.state == "sent" and row.attempts == 2 and "stesso Message-ID" in row.last_error

    assert send_pending(engine, smtp_settings, now=NOW + dt.timedelta(days=1))["sent"] == 0
    assert len(smtp_server.recorder.received) == 4  # 3 digests + the one identical resend


def test_crash_after_file_written_never_writes_twice(  # type: ignore[no-untyped-def]
    session, engine, directory, file_settings
) -> None:
    deliveries = _queue(session, directory, file_settings)
    target = deliveries[0]
    claimed = claim(engine, target.id, now=NOW)
    FileBackend(file_settings.outbox_dir).deliver(claimed)
    path = file_settings.outbox_dir / eml_name(target.message_id)
    first_stat = path.stat()

    stats = send_pending(engine, file_settings, now=NOW + SENDING_LEASE + dt.timedelta(seconds=1))
    assert stats["recovered"] == 1 and stats["sent"] == 3
    assert path.stat().st_mtime_ns == first_stat.st_mtime_ns and path.stat().st_ino == first_stat.st_ino
    assert sorted(p.name for p in file_settings.outbox_dir.iterdir()) == sorted(
        eml_name(d.message_id) for d in deliveries
    )
    session.expire_all()
    assert "già presente" in session.get(AlertDelivery, target.id).last_error
    assert send_pending(engine, file_settings, now=NOW + dt.timedelta(days=1))["sent"] == 0


SENDER = textwrap.dedent(
    """
    import dataclasses, datetime as dt, sys
    from db.session import make_engine
    from kernel.settings import load_settings
    from alerts.service import send_pending
    settings = dataclasses.replace(load_settings(), mail_backend="smtp", smtp_host="127.0.0.1",
                                   smtp_port=int(sys.argv[2]), smtp_security="none", smtp_user=None,
                                   mail_from="Osservatorio appalti <osservatorio@osservatori.example.org>")
    now = dt.datetime.fromisoformat(sys.argv[3])
    print(send_pending(make_engine(sys.argv[1]), settings, now=now), flush=True)
    """
)


def test_sender_killed_after_server_acceptance(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server, database_url, tmp_path: Path
) -> None:
    """A real sender process is SIGKILLed by the server the moment it has the first message."""
    _queue(session, directory, smtp_settings)
    script = tmp_path / "sender.py"
    script.write_text(SENDER)
    proc = subprocess.Popen(
        [sys.executable, str(script), database_url, str(smtp_server.port), NOW.isoformat()],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    smtp_server.recorder.on_data = lambda: os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    smtp_server.recorder.on_data = None

    assert len(smtp_server.recorder.received) == 1
    accepted_id = smtp_server.recorder.messages()[0]["Message-ID"].strip()
    session.expire_all()
    states = {d.message_id: d.state for d in session.scalars(select(AlertDelivery))}
    assert states[accepted_id] == "sending"  # the durable trace of "possibly delivered"
    assert sorted(states.values()) == ["pending", "pending", "sending"]

    stats = send_pending(engine, smtp_settings, now=NOW + SENDING_LEASE + dt.timedelta(seconds=1))
    assert stats["sent"] == 3 and stats["recovered"] == 1
    ids = [m["Message-ID"].strip() for m in smtp_server.recorder.messages()]
    assert ids.count(accepted_id) == 2 and len(ids) == 4 and len(set(ids)) == 3
    same = [r["content"] for r in smtp_server.recorder.received if accepted_id.encode() in r["content"]]
    assert same[0] == same[1]
    assert send_pending(engine, smtp_settings, now=NOW + dt.timedelta(days=2))["sent"] == 0


def test_one_refused_recipient_does_not_hold_back_the_others(  # type: ignore[no-untyped-def]
    session, engine, smtp_settings, smtp_server
) -> None:
    from kernel.directory import SHIPPED_DIRECTORY, load_directory

    # The directory with Piemonte's recipients replaced (as OBSERVATORY_RECIPIENTS_PIE would).
    directory = load_directory(SHIPPED_DIRECTORY, {"PIE": "uno@piemonte.example.org,due@piemonte.example.org"})
    _queue(session, directory, smtp_settings)
    smtp_server.recorder.refuse = {"due@piemonte.example.org", "osservatorio.lombardia@example.org"}
    stats = send_pending(engine, smtp_settings, now=NOW)
    assert stats["sent"] == 2 and stats["failed"] == 1  # Lombardy's only recipient refused: permanent
    rows = {d.recipients[0]: d for d in session.scalars(select(AlertDelivery))}
    assert rows["uno@piemonte.example.org"].state == "sent"
    assert "due@piemonte.example.org: 550" in rows["uno@piemonte.example.org"].last_error
    assert rows["osservatorio.lombardia@example.org"].state == "failed"
    assert [r["rcpt_tos"] for r in smtp_server.recorder.received if "uno@" in r["rcpt_tos"][0]] == [
        ["uno@piemonte.example.org"]
    ]
