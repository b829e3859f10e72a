"""Scraped text never reaches a mail header unescaped."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

import pytest

from alerts.message import build_message, header_text, serialise
from alerts.render import RenderedAlert
from alerts.service import queue_digests, send_pending
from tests.alerts import factories

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "raw",
    [
        "a\r\nBcc: x@y.it",
        "a\nBcc: x@y.it",
        "a\rBcc: x@y.it",
        "a\u2028Bcc: x@y.it",
        "a\x85Bcc: x@y.it",
        "a\x00\tBcc: x@y.it",
    ],
)
def test_header_text_has_no_line_breaks(raw: str) -> None:
    assert header_text(raw) == "a Bcc: x@y.it"


def test_injection_in_authority_name_and_title_is_neutralised(  # type: ignore[no-untyped-def]
    session, engine, directory, smtp_settings, smtp_server
) -> None:
    src = factories.source(session)
    evil = factories.authority(
        session, "Comune di Prova\r\nBcc: spia@attacker.example\r\nX-Evil: 1", istat_region="12"
    )
    ntc = factories.notice(session, src, evil, "Servizio\nSubject: falso\r\n\r\n<b>corpo</b>")
    factories.finding(session, ntc)
    assert queue_digests(session, directory, smtp_settings, now=NOW) == 1
    session.commit()
    assert send_pending(engine, smtp_settings, now=NOW)["sent"] == 1

    [envelope] = smtp_server.recorder.received
    assert envelope["rcpt_tos"] == ["osservatorio.lazio@example.org"]
    msg = smtp_server.recorder.messages()[0]
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert len(msg.get_all("Subject")) == 1
    assert msg["Subject"].endswith("Comune di Prova Bcc: spia@attacker.example X-Evil: 1 — 23/11/2026")
    header_block = envelope["content"].split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in header_block and b"\r\nX-Evil:" not in header_block


def test_non_ascii_subject_is_encoded_and_round_trips() -> None:
    rendered = RenderedAlert(subject="Criticità — Città di Forlì " + "x" * 150, text="è\n", html="<p>è</p>")
    msg = build_message(
        rendered, sender="Osservatorio <o@x.it>", recipients=["a@x.it"], message_id="<m.1@x.it>", date=NOW
    )
    wire = serialise(msg)
    wire.encode("ascii")  # the stored form is plain ASCII
    assert all(len(line) <= 78 for line in wire.split("\r\n")[:12])
    parsed = message_from_bytes(wire.encode("ascii"), policy=policy.default)
    assert parsed["Subject"] == rendered.subject
    assert parsed.get_body(preferencelist=("plain",)).get_content().splitlines() == ["è"]


def test_recipient_with_line_break_is_refused() -> None:
    rendered = RenderedAlert(subject="s", text="t\n", html=None)
    with pytest.raises(ValueError):
        build_message(
            rendered, sender="o@x.it", recipients=["a@x.it\r\nBcc: b@y.it"], message_id="<m@x>", date=NOW
        )


@pytest.mark.parametrize(
    "subject",
    [
        "[Osservatorio appalti] fonte non funzionante: Sintel (Lombardia) — 23/11/2026",
        "[Osservatorio appalti] Osservatorio regionale Emilia-Romagna: 12 nuove anomalie in 7 gare, 3 gare non "
        "verificabili — Città metropolitana di Forlì-Cesena — 23/11/2026",
        "[Osservatorio appalti] " + "parola " * 22 + "fine",
    ],
)
def test_folded_subjects_unfold_to_the_same_text(subject: str) -> None:
    rendered = RenderedAlert(subject=subject, text="t\n", html=None)
    msg = build_message(rendered, sender="o@x.it", recipients=["a@x.it"], message_id="<m@x>", date=NOW)
    wire = serialise(msg)
    assert all(len(line) <= 78 for line in wire.split("\r\n\r\n")[0].split("\r\n"))
    assert message_from_bytes(wire.encode("ascii"), policy=policy.default)["Subject"] == subject


def test_bad_sender_is_a_configuration_error() -> None:
    from alerts.message import parse_sender
    from kernel.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        parse_sender("Osservatorio senza indirizzo")
