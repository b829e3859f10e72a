"""Alerts fixtures: a real SMTP server on loopback (aiosmtpd), settings pointed at it, the directory."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kernel.directory import SHIPPED_DIRECTORY, Directory, load_directory
from kernel.settings import Settings, load_settings


def free_port() -> int:
    # aiosmtpd's Controller(port=0) checks readiness on port 0 and fails (aio-libs/aiosmtpd#276).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """aiosmtpd handler: keeps every accepted message; `reply` replaces the 250 (e.g. a 421 outage)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.reply: str | None = None
        self.on_data: Callable[[], None] | None = None
        self.refuse: set[str] = set()  # recipients answered with 550

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        if self.reply is not None:
            return self.reply
        self.received.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "content": bytes(envelope.original_content or envelope.content),
            }
        )
        if self.on_data is not None:
            self.on_data()
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(r["content"], policy=policy.default) for r in self.received]  # type: ignore[misc]


@dataclasses.dataclass
class SmtpServer:
    port: int
    recorder: Recorder
    controller: Controller


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, recorder, controller)
    finally:
        controller.stop()


@pytest.fixture
def directory() -> Directory:
    return load_directory(SHIPPED_DIRECTORY)


@pytest.fixture
def smtp_settings(smtp_server: SmtpServer, tmp_path: Path) -> Settings:
    return dataclasses.replace(
        load_settings(),
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_user=None,
        smtp_password=None,
        smtp_timeout=5,
        outbox_dir=tmp_path / "outbox",
        mail_from="Osservatorio appalti <osservatorio@osservatori.example.org>",
        national_copy=False,
        admin_recipients=("admin@osservatori.example.org",),
        timezone="Europe/Rome",
    )


@pytest.fixture
def file_settings(smtp_settings: Settings, tmp_path: Path) -> Settings:
    return dataclasses.replace(smtp_settings, mail_backend="file", outbox_dir=tmp_path / "outbox")
