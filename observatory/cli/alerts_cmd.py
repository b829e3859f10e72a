"""`observatory alerts`: preview the next digest of an Observatory, send the outbox, inspect and retry it."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from alerts.outbox import requeue
from alerts.service import preview_digest, queue_digests, queue_source_health, send_pending
from db.models import AlertDelivery, Observatory
from db.session import make_sessionmaker
from kernel.settings import get_settings
from observatory.app import get_directory, get_engine, require_schema


def table_text(header: list[str], rows: list[list[object]]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)


def register(cli: click.Group) -> None:
    cli.add_command(alerts)


@click.group()
def alerts() -> None:
    """Italian digests to the Observatories, through the outbox (sent exactly once)."""


@alerts.command()
@click.argument("observatory_code")
@click.option("--html", "as_html", is_flag=True, help="Print the HTML part instead of the text part.")
def preview(observatory_code: str, as_html: bool) -> None:
    """Render the next digest of OBSERVATORY_CODE (e.g. LOM, NAZ) without sending or writing anything."""
    settings = get_settings()
    engine = get_engine(settings)
    require_schema(engine)
    directory = get_directory(settings)
    with make_sessionmaker(engine)() as session:
        try:
            rendered = preview_digest(session, directory, settings, observatory_code)
            waiting = session.scalar(
                select(func.count())
                .select_from(AlertDelivery)
                .join(Observatory, Observatory.id == AlertDelivery.observatory_id)
                .where(
                    Observatory.code == observatory_code.upper(),
                    AlertDelivery.state.in_(("pending", "sending")),
                )
            )
        finally:
            session.rollback()  # preview never writes: the directory sync is undone too
    if waiting:
        click.echo(
            f"note: {waiting} digest(s) already queued for {observatory_code.upper()} and not yet sent "
            "(`observatory alerts outbox`)",
            err=True,
        )
    if rendered is None:
        click.echo(f"{observatory_code.upper()}: no new findings, no digest would be sent")
        return
    if as_html:
        click.echo(rendered.html or "")
    else:
        click.echo(f"Subject: {rendered.subject}\n")
        click.echo(rendered.text)


@alerts.command()
@click.option("--retry-now", is_flag=True, help="Retry pending deliveries now, ignoring their backoff.")
@click.option("--no-queue", is_flag=True, help="Only send what is already queued.")
def send(retry_now: bool, no_queue: bool) -> None:
    """Queue the digests of new findings and the source-health alert, then send every due delivery."""
    settings = get_settings()
    engine = get_engine(settings)
    require_schema(engine)
    queued = health = 0
    if not no_queue:
        directory = get_directory(settings)
        with make_sessionmaker(engine).begin() as session:
            queued = queue_digests(session, directory, settings)
            health = queue_source_health(session, settings)
    stats = send_pending(engine, settings, ignore_backoff=retry_now)
    click.echo(
        f"queued {queued} digest(s) and {health} source alert(s); backend {settings.mail_backend}: "
        + ", ".join(f"{k} {v}" for k, v in stats.items())
    )


@alerts.command()
@click.option("--state", type=click.Choice(["pending", "sending", "sent", "failed"]), help="Only this state.")
@click.option("--limit", default=50, show_default=True)
def outbox(state: str | None, limit: int) -> None:
    """List the outbox: newest deliveries first, with their state, attempts and last error."""
    engine = get_engine()
    require_schema(engine)
    with make_sessionmaker(engine)() as session:
        counts = {
            state: n
            for state, n in session.execute(
                select(AlertDelivery.state, func.count()).group_by(AlertDelivery.state)
            )
        }
        query = (
            select(AlertDelivery, Observatory.code)
            .outerjoin(Observatory, Observatory.id == AlertDelivery.observatory_id)
            .order_by(AlertDelivery.id.desc())
            .limit(limit)
        )
        if state:
            query = query.where(AlertDelivery.state == state)
        rows = [
            [
                d.id,
                code or "admin",
                d.alert_type,
                d.state,
                d.attempts,
                d.next_attempt_at.strftime("%Y-%m-%d %H:%M") if d.next_attempt_at else "",
                (d.last_error or "")[:60],
                d.message_id,
            ]
            for d, code in session.execute(query)
        ]
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "the outbox is empty")
    if rows:
        click.echo(
            table_text(
                ["id", "to", "alert", "state", "tries", "next try (UTC)", "last error", "Message-ID"], rows
            )
        )


@alerts.command()
@click.argument("delivery_id", type=int)
def retry(delivery_id: int) -> None:
    """Put a failed delivery back in the queue (after fixing what made the server refuse it)."""
    engine = get_engine()
    require_schema(engine)
    with make_sessionmaker(engine).begin() as session:
        if not requeue(session, delivery_id):
            raise click.ClickException(f"delivery {delivery_id} does not exist or is not failed")
    click.echo(f"delivery {delivery_id} queued again")
