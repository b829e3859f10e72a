"""`observatory db ...`: schema migrations and checks."""

from __future__ import annotations

import click

from db.migrate import current_revision, downgrade, head_revision, pending_model_changes, upgrade
from db.queries.observatories import sync_observatories
from db.session import session_scope
from observatory.app import get_directory, get_engine


@click.group("db")
def db_group() -> None:
    """Database schema: upgrade, check, current revision."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations and load the Observatories of the directory file."""
    directory = get_directory()  # validated before anything is written
    engine = get_engine()
    upgrade(engine, revision)
    with session_scope(engine) as session:
        sync_observatories(session, directory.entries)
    click.echo(f"database at revision {current_revision(engine)} ({engine.url.render_as_string(hide_password=True)})")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ("base" for an empty database)."""
    engine = get_engine()
    downgrade(engine, revision)
    click.echo(f"database at revision {current_revision(engine) or 'base'}")


@db_group.command("check")
def db_check() -> None:
    """Fail when the database is not at head or the models and migrations disagree."""
    engine = get_engine()
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise click.ClickException(f"database at revision {current or 'none'}, migrations head is {head}")
    diff = pending_model_changes(engine)
    if diff:
        raise click.ClickException(f"models and migrations disagree: {diff}")
    click.echo(f"ok: revision {head}, models match the schema")


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
