"""The alerts stage: queue the digests and the source-health alert, then send what is due.

    with session_scope(engine) as session:        # one unit of work: findings -> outbox
        queue_digests(session, directory, settings)
        queue_source_health(session, settings)
    send_pending(engine, settings)                  # each state change commits on its own

Queueing renders the whole message (subject, text, HTML, headers, Message-ID) and stores it with the
findings it carries, in the caller's transaction; sending never renders again. See docs/alerts.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alerts.accreditation import attach as attach_tariff_findings
from alerts.backends import DeliveryError, make_backend
from alerts.digest import DigestPlan, digest_context, plan_digests
from alerts.message import build_message, sender_domain, serialise, stable_message_id
from alerts.outbox import claim, defer, due_ids, mark_failed, mark_retry, mark_sent, queue_delivery
from alerts.render import RenderedAlert, render_alert
from db.base import utcnow
from db.models import AlertDelivery, Source
from db.queries.observatories import sync_observatories
from kernel.directory import Directory
from kernel.errors import ConfigurationError
from kernel.settings import Settings

log = logging.getLogger(__name__)

DIGEST = "finding-digest"
SOURCE_BROKEN = "source-broken"


def _local(now: dt.datetime, settings: Settings) -> dt.datetime:
    """The Observatories' wall-clock time (the Date header, the digest's day)."""
    return now.astimezone(ZoneInfo(settings.timezone))


def _today(now: dt.datetime, settings: Settings) -> dt.date:
    return _local(now, settings).date()


def render_digest(session: Session, plan: DigestPlan, settings: Settings, now: dt.datetime) -> RenderedAlert:
    context = digest_context(session, plan, today=_today(now, settings))
    return render_alert(DIGEST, context, timezone=settings.timezone)


def _plans(
    session: Session, directory: Directory, settings: Settings
) -> tuple[dict[str, int], dict[str, DigestPlan]]:
    """Observatory ids by code (the directory synced into the table) and the plans of new findings."""
    ids = {o.code: o.id for o in sync_observatories(session, directory.entries)}
    return ids, plan_digests(session, directory, national_copy=settings.national_copy, observatory_ids=ids)


def _queue_message(
    session: Session,
    settings: Settings,
    rendered: RenderedAlert,
    *,
    now: dt.datetime,
    alert_type: str,
    message_id: str,
    recipients: list[str],
    observatory_id: int | None,
    context: dict[str, Any],
    finding_ids: list[int],
    headers: dict[str, str] | None = None,
) -> bool:
    """Build the final message and put it in the outbox; False when that Message-ID is already there."""
    msg = build_message(
        rendered,
        sender=settings.mail_from,
        recipients=recipients,
        message_id=message_id,
        date=_local(now, settings),
        headers=headers,
    )
    delivery = queue_delivery(
        session,
        observatory_id=observatory_id,
        alert_type=alert_type,
        message_id=message_id,
        recipients=recipients,
        subject=str(msg["Subject"]),
        message=serialise(msg),
        context=context,
        finding_ids=finding_ids,
    )
    return delivery is not None


def queue_digests(
    session: Session, directory: Directory, settings: Settings, *, now: dt.datetime | None = None
) -> int:
    """Queue one digest per Observatory with new findings; returns how many were queued.

    Runs in the caller's transaction (never commits): the messages and the findings they carry are
    stored together or not at all.
    """
    now = now or utcnow()
    ids, plans = _plans(session, directory, settings)
    domain = sender_domain(settings.mail_from)
    today = _today(now, settings)
    queued = 0
    for code, plan in sorted(plans.items()):
        rendered = render_digest(session, plan, settings, now)
        tariff_ids = [f"tariff:{f.id}" for f in plan.tariff_findings]
        message_id = stable_message_id(
            DIGEST, [code, *plan.finding_ids, *tariff_ids], domain, label=f"{code}.{today:%Y%m%d}"
        )
        if _queue_message(
            session,
            settings,
            rendered,
            now=now,
            alert_type=DIGEST,
            message_id=message_id,
            recipients=list(plan.observatory.recipients),
            observatory_id=ids[code],
            context={"findings": plan.finding_ids, "tariff_findings": [f.id for f in plan.tariff_findings],
                     "date": today.isoformat()},
            finding_ids=plan.finding_ids,
            headers={"X-Observatory": code},
        ):
            queued += 1
            attach_tariff_findings(session, message_id, ids[code], plan.tariff_findings)
            log.info("queued %s for %s: %d findings, %d tariff verdicts", message_id, code, len(plan.finding_ids),
                     len(plan.tariff_findings))
    return queued


def preview_digest(
    session: Session, directory: Directory, settings: Settings, code: str, *, now: dt.datetime | None = None
) -> RenderedAlert | None:
    """The digest `code` would receive now, or None when it has nothing new. The caller rolls back."""
    entry = directory.by_code(code)
    if entry is None:
        known = ", ".join(e.code for e in directory.entries)
        raise ConfigurationError(f"unknown observatory {code!r}; known: {known}")
    plan = _plans(session, directory, settings)[1].get(entry.code)
    if plan is None:
        return None
    return render_digest(session, plan, settings, now or utcnow())


def _breakage_key(source: Source) -> str:
    """One breakage of one source: a new one starts only after a success moved last_success_at."""
    since = source.last_success_at.isoformat() if source.last_success_at else "never"
    return f"{source.code}@{since}"


def queue_source_health(session: Session, settings: Settings, *, now: dt.datetime | None = None) -> int:
    """Queue one administrators' alert listing the sources newly broken; 0 or 1. Never commits."""
    now = now or utcnow()
    broken = session.scalars(select(Source).where(Source.health == "broken").order_by(Source.code)).all()
    if not broken:
        return 0
    alerted: set[str] = set()
    for context in session.scalars(
        select(AlertDelivery.context).where(AlertDelivery.alert_type == SOURCE_BROKEN)
    ):
        alerted.update((context or {}).get("breakages", []))
    new = [s for s in broken if _breakage_key(s) not in alerted]
    if not new:
        return 0
    if not settings.admin_recipients:
        log.warning("sources broken but OBSERVATORY_ADMINS is empty: %s", ", ".join(s.code for s in new))
        return 0
    today = _today(now, settings)
    context: dict[str, Any] = {
        "today": today,
        "sources": [
            {
                "code": s.code,
                "name": s.name,
                "health_reason": s.health_reason,
                "last_success_at": s.last_success_at,
                "base_url": s.base_url,
            }
            for s in new
        ],
        "still_broken": len(broken) - len(new),
    }
    rendered = render_alert(SOURCE_BROKEN, context, timezone=settings.timezone)
    keys = [_breakage_key(s) for s in new]
    message_id = stable_message_id(
        SOURCE_BROKEN, keys, sender_domain(settings.mail_from), label=f"{today:%Y%m%d}"
    )
    queued = _queue_message(
        session,
        settings,
        rendered,
        now=now,
        alert_type=SOURCE_BROKEN,
        message_id=message_id,
        recipients=list(settings.admin_recipients),
        observatory_id=None,
        context={"breakages": keys, "sources": [s.code for s in new]},
        finding_ids=[],
    )
    return 1 if queued else 0


def send_pending(
    engine: Engine, settings: Settings, *, now: dt.datetime | None = None, ignore_backoff: bool = False
) -> dict[str, int]:
    """Send every due delivery; returns counts: sent, retry, failed, recovered, deferred.

    `recovered` counts deliveries found in `sending` past their lease (a sender stopped between the
    claim and the final commit); they are resolved as docs/alerts.md describes. `deferred` counts
    due deliveries not tried because the server was unreachable. `ignore_backoff` sends pending
    deliveries before their retry time (an operator's `alerts send --retry-now`).
    """
    # A fixed `now` (tests) or the wall clock read at each step: a lease starts when it is taken.
    clock = (lambda: now) if now is not None else utcnow
    stats: Counter[str] = Counter({"sent": 0, "retry": 0, "failed": 0, "recovered": 0, "deferred": 0})
    ids = due_ids(engine, now=clock(), ignore_backoff=ignore_backoff)
    if not ids:
        return dict(stats)
    backend = make_backend(settings)
    try:
        for index, delivery_id in enumerate(ids):
            claimed = claim(engine, delivery_id, now=clock(), ignore_backoff=ignore_backoff)
            if claimed is None:
                continue  # another sender took it
            note = None
            if claimed.recovered:
                stats["recovered"] += 1
                log.warning(
                    "delivery %s (%s) was interrupted while sending; resolving it",
                    claimed.id,
                    claimed.message_id,
                )
                note = "ripresa dopo un'interruzione: stesso messaggio, stesso Message-ID"
            try:
                backend_note = backend.deliver(claimed)
            except DeliveryError as exc:
                log.warning("delivery %s failed: %s", claimed.id, exc.reason)
                if exc.permanent:
                    mark_failed(engine, claimed.id, error=exc.reason)
                    stats["failed"] += 1
                else:
                    state = mark_retry(
                        engine,
                        claimed.id,
                        error=exc.reason,
                        now=clock(),
                        count_attempt=False,
                        can_fail=not exc.connection,
                    )
                    stats["failed" if state == "failed" else "retry"] += 1
                if exc.connection:
                    for rest in ids[index + 1 :]:
                        if defer(engine, rest, error=exc.reason, now=clock()):
                            stats["deferred"] += 1
                    break
                continue
            mark_sent(
                engine, claimed.id, now=clock(), note="; ".join(n for n in (note, backend_note) if n) or None
            )
            stats["sent"] += 1
    finally:
        backend.close()
    return dict(stats)


def queue_watch(session: Session, directory: Directory, settings: Settings, *, now: dt.datetime | None = None) -> int:
    """Queue the legislation-watch alerts (alerts.watch); 0 when no new act matched. Never commits."""
    from alerts.watch import queue_watch_alerts

    now = now or utcnow()
    ids = {o.code: o.id for o in sync_observatories(session, directory.entries)}

    def queue(rendered: RenderedAlert, **kwargs: Any) -> bool:
        return _queue_message(session, settings, rendered, now=now, finding_ids=[], **kwargs)

    return queue_watch_alerts(session, directory, settings, ids, today=_today(now, settings), queue_message=queue)
