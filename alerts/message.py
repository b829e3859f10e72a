"""Build the RFC 5322 message of an alert: text + HTML alternatives, safe headers, a stable Message-ID.

Headers only ever receive text that went through `header_text`: control characters (CR, LF, TAB, the
Unicode line and paragraph separators, NEL) become spaces, runs of whitespace collapse, and the length
is capped. The `email` package then encodes non-ASCII words (RFC 2047) and folds long lines itself, so
a scraped title such as "Servizio\r\nBcc: x@y" can only ever be part of the Subject's text.

Bodies use quoted-printable, so the stored message is plain ASCII: the outbox keeps it as text and
every retry sends the very same bytes.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from alerts.render import RenderedAlert
from kernel.errors import ConfigurationError

SUBJECT_MAX = 200
NAME_MAX = 120


def header_text(value: object, limit: int = SUBJECT_MAX) -> str:
    """One line of printable text for a header: no CR/LF or other controls, whitespace collapsed."""
    text = "" if value is None else str(value)
    cleaned = "".join(" " if unicodedata.category(ch) in {"Cc", "Zl", "Zp", "Cf"} else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def parse_sender(mail_from: str) -> Address:
    """`Name <addr@domain>` from the settings, as an Address (a bad value is a configuration error)."""
    name, addr = parseaddr(mail_from)
    if "@" not in addr:
        raise ConfigurationError(f"OBSERVATORY_MAIL_FROM is not an e-mail address: {mail_from!r}")
    local, _, domain = addr.rpartition("@")
    return Address(display_name=header_text(name, NAME_MAX), username=local, domain=domain)


def sender_domain(mail_from: str) -> str:
    return parse_sender(mail_from).domain


def stable_message_id(kind: str, parts: Iterable[object], domain: str, *, label: str = "") -> str:
    """`<finding-digest.LOM.20261123.1a2b3c4d5e6f7a8b@domain>`: the same inputs give the same id.

    The hash covers what the message is about (e.g. the observatory and the finding ids), so a digest
    queued again after a rolled-back transaction gets the id it would have had, and the outbox's unique
    constraint on message_id refuses a second copy.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    safe_label = re.sub(r"[^A-Za-z0-9.-]+", "-", label).strip("-.")
    middle = f"{safe_label}." if safe_label else ""
    return f"<{kind}.{middle}{digest}@{domain}>"


def build_message(
    rendered: RenderedAlert,
    *,
    sender: str,
    recipients: Sequence[str],
    message_id: str,
    date: dt.datetime,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = header_text(rendered.subject)
    msg["From"] = parse_sender(sender)
    msg["To"] = [_address(r) for r in recipients]
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    # RFC 3834: keeps auto-responders (out-of-office) from answering the robot.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["Content-Language"] = "it"
    for name, value in (headers or {}).items():
        msg[name] = header_text(value)
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if rendered.html is not None:
        msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def _address(value: str) -> Address:
    addr = header_text(value, 254)
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or " " in addr:
        raise ValueError(f"not an e-mail address: {value!r}")
    return Address(username=local, domain=domain)


def serialise(msg: EmailMessage) -> str:
    """The wire form (CRLF line ends, ASCII): what the outbox stores and what every attempt sends.

    The standard library sometimes folds a header as `word \r\n =?utf-8?...?=`, keeping the space at
    the end of the line as well as the folding one, so the unfolded Subject gets a double space. The
    space before a fold is dropped here: unfolding (RFC 5322 §2.2.3) then restores exactly one.
    """
    wire = msg.as_bytes(policy=email.policy.SMTP).decode("ascii")
    head, separator, body = wire.partition("\r\n\r\n")
    return re.sub(r"[ \t]+\r\n(?=[ \t])", "\r\n", head) + separator + body


def envelope_sender(mail_from: str) -> str:
    return parse_sender(mail_from).addr_spec
