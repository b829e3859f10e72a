"""Mail backends: `file` writes each message as an `.eml` file, `smtp` hands it to a mail server.

Both send the stored message bytes unchanged. Errors are classified for the outbox:
- `connection`: the server cannot be reached or refuses us (refused connection, timeout, TLS or
  login failure, 421): nothing else is tried this run, every due delivery is retried later;
- `permanent`: the server refused this message for good (5xx): the delivery is marked failed;
- otherwise transient (4xx): this delivery is retried later with backoff.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from pathlib import Path
from typing import Protocol

from alerts.message import envelope_sender
from alerts.outbox import Claimed
from kernel.errors import ConfigurationError
from kernel.settings import Settings

SECURITY_MODES = ("starttls", "tls", "none")


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False, connection: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.connection = connection


class Backend(Protocol):
    name: str

    def deliver(self, claimed: Claimed) -> str | None:
        """Hand the message over; returns a note for the outbox (None when there is nothing to add)."""

    def close(self) -> None: ...


def eml_name(message_id: str) -> str:
    """`<finding-digest.LOM.20261123.1a2b@x.it>` -> `finding-digest.LOM.20261123.1a2b@x.it.eml`."""
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", message_id.strip("<>")) + ".eml"


class FileBackend:
    """One `.eml` per message in the outbox folder, written atomically (temp file + rename).

    The file's name comes from the Message-ID, so the file *is* the delivery record: a delivery found
    in `sending` after a crash is resolved by looking for its file, and never written twice.
    """

    name = "file"

    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = outbox_dir

    def path_for(self, message_id: str) -> Path:
        return self.outbox_dir / eml_name(message_id)

    def deliver(self, claimed: Claimed) -> str | None:
        path = self.path_for(claimed.message_id)
        data = claimed.message.encode("ascii")
        if path.exists():
            if path.read_bytes() == data:
                return f"già presente in {path.name} (scritto prima di un'interruzione)"
            raise DeliveryError(f"{path} exists with different content; not overwritten", permanent=True)
        try:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.outbox_dir, prefix=".tmp-", suffix=".eml")
            os.fchmod(fd, 0o644)  # mkstemp makes it private; the outbox is for people to read
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            _fsync_directory(self.outbox_dir)  # the rename itself survives a power cut
        except OSError as exc:
            raise DeliveryError(f"cannot write {path}: {exc}", connection=True) from exc
        return None

    def close(self) -> None:
        pass


def _connect_error(where: str, exc: Exception) -> DeliveryError:
    """Anything that stops us from getting a usable session: not this message's fault, stop the run."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"SMTP {where}: login refused ({exc.smtp_code})", connection=True)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryError(f"SMTP {where}: {exc}", connection=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(f"SMTP {where}: {exc.smtp_code} {_text(exc.smtp_error)}", connection=True)
    return DeliveryError(f"SMTP {where} unreachable: {exc or type(exc).__name__}", connection=True)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SmtpBackend:
    """One connection per run (opened on the first message, checked with NOOP before each next one)."""

    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        if settings.smtp_security not in SECURITY_MODES:
            raise ConfigurationError(
                f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, got {settings.smtp_security!r}"
            )
        self.settings = settings
        self.sender = envelope_sender(settings.mail_from)
        self._smtp: smtplib.SMTP | None = None

    def _tls_context(self) -> ssl.SSLContext:
        ca_file = self.settings.smtp_ca_file
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.smtp_host}:{s.smtp_port}"
        smtp: smtplib.SMTP | None = None
        try:
            if s.smtp_security == "tls":
                smtp = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=self._tls_context()
                )
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            smtp.ehlo()
            if s.smtp_security == "starttls":
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                smtp.close()  # connected but refused after (TLS, login): do not leak the socket
            raise _connect_error(where, exc) from exc
        return smtp

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                code, _ = self._smtp.noop()
                if code == 250:
                    return self._smtp
            except (OSError, smtplib.SMTPException):
                pass
            self.close()
        self._smtp = self._connect()
        return self._smtp

    def deliver(self, claimed: Claimed) -> str | None:
        smtp = self._connection()
        try:
            refused = smtp.sendmail(self.sender, claimed.recipients, claimed.message.encode("ascii"))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in exc.recipients.items())
            raise DeliveryError(
                f"recipients refused: {detail}", permanent=all(c >= 500 for c in codes)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            reason = f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}"
            if exc.smtp_code == 421:  # the server is closing the channel
                self.close()
            raise DeliveryError(
                reason, permanent=exc.smtp_code >= 500, connection=exc.smtp_code == 421
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(
                f"SMTP connection lost: {exc or type(exc).__name__}", connection=True
            ) from exc
        if refused:
            return "destinatari rifiutati: " + "; ".join(f"{r}: {c}" for r, (c, _) in refused.items())
        return None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def make_backend(settings: Settings) -> Backend:
    if settings.mail_backend == "file":
        return FileBackend(settings.outbox_dir)
    if settings.mail_backend == "smtp":
        return SmtpBackend(settings)
    raise ConfigurationError(
        f"OBSERVATORY_MAIL_BACKEND must be 'file' or 'smtp', got {settings.mail_backend!r}"
    )
