"""The outbox: alert deliveries and their state machine, each transition in its own transaction.

    pending --claim--> sending --server/file accepted--> sent
       ^                  |
       +---- retry -------+  (4xx, server unreachable: attempts + 1, next_attempt_at = now + backoff)
                          +--> failed (5xx, or MAX_ATTEMPTS reached; `alerts retry ID` re-queues)

A delivery is *queued* with its whole rendered message, Message-ID, recipients and the findings it
carries, in the same transaction (transactional outbox). The claim commits `sending` (with a lease in
`next_attempt_at`) *before* the backend is called, so a crash after the server accepted the message
leaves a durable trace: the delivery is in `sending`. See docs/alerts.md for how such a delivery is
resolved and the exact guarantee.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AlertDelivery, AlertDeliveryFinding
from db.session import session_scope

# How long a claimed delivery belongs to its sender; past it the sender is presumed dead.
SENDING_LEASE = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(minutes=5)
BACKOFF_CAP = dt.timedelta(hours=12)


def backoff_delay(attempts: int) -> dt.timedelta:
    """5 min, 10, 20, ... capped at 12 h: after `attempts` failed tries."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


@dataclass(frozen=True)
class Claimed:
    id: int
    alert_type: str
    message_id: str
    recipients: list[str]
    message: str
    attempts: int
    recovered: bool  # it was found in `sending` past its lease: a previous sender stopped mid-way


def queue_delivery(
    session: Session,
    *,
    observatory_id: int | None,
    alert_type: str,
    message_id: str,
    recipients: list[str],
    subject: str,
    message: str,
    context: dict[str, Any],
    finding_ids: list[int],
) -> AlertDelivery | None:
    """Add a pending delivery with its findings; None when this Message-ID is already queued."""
    if session.scalar(select(AlertDelivery.id).where(AlertDelivery.message_id == message_id)) is not None:
        return None
    delivery = AlertDelivery(
        observatory_id=observatory_id,
        alert_type=alert_type,
        message_id=message_id,
        recipients=list(recipients),
        subject=subject,
        state="pending",
        attempts=0,
        message=message,
        context=context,
    )
    session.add(delivery)
    session.flush()
    if finding_ids:
        if observatory_id is None:
            raise ValueError("findings can only be delivered to an observatory")
        session.add_all(
            AlertDeliveryFinding(delivery_id=delivery.id, finding_id=f, observatory_id=observatory_id)
            for f in finding_ids
        )
        session.flush()
    return delivery


def _due(now: dt.datetime, ignore_backoff: bool) -> Any:
    pending_due = AlertDelivery.state == "pending"
    if not ignore_backoff:
        pending_due = and_(
            pending_due, or_(AlertDelivery.next_attempt_at.is_(None), AlertDelivery.next_attempt_at <= now)
        )
    lease_expired = and_(AlertDelivery.state == "sending", AlertDelivery.next_attempt_at <= now)
    return or_(pending_due, lease_expired)


def due_ids(engine: Engine, *, now: dt.datetime, ignore_backoff: bool = False) -> list[int]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(AlertDelivery.id).where(_due(now, ignore_backoff)).order_by(AlertDelivery.id)
            )
        )


def claim(
    engine: Engine, delivery_id: int, *, now: dt.datetime, ignore_backoff: bool = False
) -> Claimed | None:
    """Move one due delivery to `sending` and commit; None when another sender got it first."""
    with session_scope(engine) as session:
        row = session.get(AlertDelivery, delivery_id)
        if row is None or row.message is None:
            return None
        previous_state = row.state
        result = session.execute(
            update(AlertDelivery)
            .where(
                AlertDelivery.id == delivery_id,
                AlertDelivery.state == previous_state,
                _due(now, ignore_backoff),
            )
            .values(
                state="sending",
                attempts=AlertDelivery.attempts + 1,
                next_attempt_at=now + SENDING_LEASE,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return Claimed(
            id=row.id,
            alert_type=row.alert_type,
            message_id=row.message_id,
            recipients=list(row.recipients or []),
            message=row.message,
            attempts=row.attempts + 1,
            recovered=previous_state == "sending",
        )


def mark_sent(engine: Engine, delivery_id: int, *, now: dt.datetime, note: str | None = None) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(AlertDelivery)
            .where(AlertDelivery.id == delivery_id, AlertDelivery.state == "sending")
            .values(state="sent", sent_at=now, next_attempt_at=None, last_error=note, updated_at=utcnow())
        )


def mark_failed(engine: Engine, delivery_id: int, *, error: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(AlertDelivery)
            .where(AlertDelivery.id == delivery_id)
            .values(state="failed", next_attempt_at=None, last_error=error[:2000], updated_at=utcnow())
        )


def mark_retry(
    engine: Engine,
    delivery_id: int,
    *,
    error: str,
    now: dt.datetime,
    count_attempt: bool,
    can_fail: bool = True,
) -> str:
    """Back to `pending` with the error and the next try time; `failed` once MAX_ATTEMPTS is reached.

    `count_attempt` is False for a claimed delivery (the claim already counted it). `can_fail` is False
    when the server was unreachable: an outage, however long, is not a reason to give up a message.
    Returns the new state.
    """
    with session_scope(engine) as session:
        row = session.get(AlertDelivery, delivery_id)
        if row is None or row.state in {"sent", "failed"}:
            return row.state if row is not None else "missing"
        attempts = row.attempts + (1 if count_attempt else 0)
        row.attempts = attempts
        row.last_error = error[:2000]
        if can_fail and attempts >= MAX_ATTEMPTS:
            row.state = "failed"
            row.next_attempt_at = None
            row.last_error = f"{error[:1900]} (dopo {attempts} tentativi)"
        else:
            row.state = "pending"
            row.next_attempt_at = now + backoff_delay(attempts)
        return row.state


def defer(engine: Engine, delivery_id: int, *, error: str, now: dt.datetime) -> bool:
    """A due delivery not tried because the server is unreachable: record the error, back off.

    Conditional like `claim`: a delivery another sender holds (lease not expired) is left alone.
    """
    with session_scope(engine) as session:
        row = session.get(AlertDelivery, delivery_id)
        if row is None:
            return False
        attempts = row.attempts + 1
        result = session.execute(
            update(AlertDelivery)
            .where(AlertDelivery.id == delivery_id, AlertDelivery.state == row.state, _due(now, True))
            .values(
                state="pending",
                attempts=attempts,
                last_error=error[:2000],
                next_attempt_at=now + backoff_delay(attempts),
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def requeue(session: Session, delivery_id: int) -> bool:
    """An operator's retry of a failed delivery: back to pending, due now. True when it was failed."""
    row = session.get(AlertDelivery, delivery_id)
    if row is None or row.state != "failed":
        return False
    row.state = "pending"
    row.next_attempt_at = None
    row.attempts = 0
    return True
