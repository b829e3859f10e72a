"""`observatory watch sources|list`: the legislation watch (sources followed, acts seen and their topics)."""

from __future__ import annotations

import json

import click


def register(cli: click.Group) -> None:
    cli.add_command(watch_group)


@click.group("watch")
def watch_group() -> None:
    """Osservatorio normativo: fonti seguite e atti trovati."""


@watch_group.command("sources")
def watch_sources() -> None:
    """Le fonti seguite (dati: legislation/data/sources.yaml)."""
    from legislation.sources import watched_sources

    for source in watched_sources():
        where = source.url or f"letto da {source.crawled_by}"
        checked = "verificato" if source.verified else "non verificato"
        click.echo(f"{source.key:<24} {source.scope:<9} {source.shape:<26} {where} ({checked})")


@watch_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Anche gli atti che non riguardano nessun tema.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", default=50, show_default=True)
def watch_list(show_all: bool, as_json: bool, limit: int) -> None:
    """Gli atti più recenti visti dalle fonti seguite, con i temi trovati nel titolo."""
    from sqlalchemy import select

    from db.models import WatchedAct
    from db.session import session_scope
    from observatory.app import get_engine, require_schema

    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        acts = session.scalars(select(WatchedAct).order_by(WatchedAct.published_on.desc(), WatchedAct.id.desc())
                               .limit(limit * 10)).all()
        rows = [{"id": a.id, "source": a.watch_source, "published_on": a.published_on.isoformat() if a.published_on else None,
                 "region": a.region, "title": a.title, "url": a.url, "topics": [t["topic"] for t in a.topics],
                 "new_table": a.new_table} for a in acts if show_all or a.topics][:limit]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        flag = " [NUOVA TABELLA]" if row["new_table"] else ""
        click.echo(f"{row['published_on'] or '----------'}  {row['source']:<22} {', '.join(row['topics']) or '-'}{flag}")
        click.echo(f"            {row['title'][:150]}")
