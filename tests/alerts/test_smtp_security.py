"""STARTTLS and implicit TLS with login, against aiosmtpd with a certificate made for the test."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from alerts.service import queue_digests, send_pending
from db.models import AlertDelivery
from tests.alerts import factories
from tests.alerts.conftest import Recorder, free_port

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)
USER, PASSWORD = "osservatorio", "s3greto"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd replies 235 or 535 itself


@pytest.fixture(params=["starttls", "tls"])
def secure_server(request, certificate) -> Iterator[tuple[str, int, Recorder]]:  # type: ignore[no-untyped-def]
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = Recorder()
    port = free_port()
    options = {"authenticator": _authenticator, "auth_require_tls": True}
    if request.param == "starttls":
        controller = Controller(
            recorder, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True, **options
        )
    else:
        # Implicit TLS: aiosmtpd only knows of STARTTLS sessions as encrypted, so it must not require it.
        options["auth_require_tls"] = False
        controller = Controller(recorder, hostname="127.0.0.1", port=port, ssl_context=context, **options)
    controller.start()
    try:
        yield request.param, port, recorder
    finally:
        controller.stop()


def test_login_over_tls(session, engine, directory, smtp_settings, secure_server, certificate) -> None:  # type: ignore[no-untyped-def]
    mode, port, recorder = secure_server
    settings = dataclasses.replace(
        smtp_settings,
        smtp_port=port,
        smtp_security=mode,
        smtp_user=USER,
        smtp_password=PASSWORD,
        smtp_ca_file=certificate[0],
    )
    factories.digest_world(session)
    queue_digests(session, directory, settings, now=NOW)
    session.commit()

    wrong = dataclasses.replace(settings, smtp_password="sbagliata")
    stats = send_pending(engine, wrong, now=NOW)
    assert stats["sent"] == 0 and stats["retry"] == 1 and stats["deferred"] == 2
    assert "login refused (535)" in session.scalars(select_first()).first().last_error

    assert send_pending(engine, settings, now=NOW, ignore_backoff=True)["sent"] == 3
    assert len(recorder.received) == 3


def select_first():  # type: ignore[no-untyped-def]
    return select(AlertDelivery).order_by(AlertDelivery.id)


def test_untrusted_certificate_is_refused(session, engine, directory, smtp_settings, secure_server) -> None:  # type: ignore[no-untyped-def]
    mode, port, recorder = secure_server
    settings = dataclasses.replace(
        smtp_settings,
        smtp_port=port,
        smtp_security=mode,
        smtp_user=USER,
        smtp_password=PASSWORD,
        smtp_ca_file=None,
    )
    factories.digest_world(session)
    queue_digests(session, directory, settings, now=NOW)
    session.commit()
    stats = send_pending(engine, settings, now=NOW)
    assert stats["sent"] == 0 and stats["retry"] == 1
    assert "CERTIFICATE_VERIFY_FAILED" in session.scalars(select_first()).first().last_error
    assert recorder.received == []
