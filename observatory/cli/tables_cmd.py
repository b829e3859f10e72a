"""`observatory tables list|show|import`: the Ministry labour-cost tables the rules use."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    cli.add_command(tables_group)


def _tables_dir() -> Path:
    from observatory.app import tables_dir

    return tables_dir()


@click.group("tables")
def tables_group() -> None:
    """Ministry labour-cost tables: which are loaded, verified or estimated; import an official one."""


@tables_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def tables_list(as_json: bool) -> None:
    """Decrees, their steps, and how many figures are verified or estimated."""
    from rules.legal import DATA_DIR, load_legal_data
    from rules.tables import describe

    legal = load_legal_data(DATA_DIR, _tables_dir())
    items = [describe(d) for d in legal.decrees.values()]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        origin = f"imported from {item['imported_from']}" if item["imported_from"] else "shipped"
        counts = ", ".join(f"{v} {k}" for k, v in sorted(item["figures"].items()))
        click.echo(f"{item['id']} ({item['ccnl']}, {origin}): {counts}")
        click.echo(f"  {item['title']}")
        click.echo(f"  steps: {', '.join(item['steps'])}")
        click.echo(f"  source: {item['source']}")


@tables_group.command("show")
@click.argument("decree_id")
def tables_show(decree_id: str) -> None:
    """Every hourly cost of one decree, by step and level, with its status."""
    from kernel.errors import ConfigurationError
    from rules.legal import DATA_DIR, load_legal_data

    legal = load_legal_data(DATA_DIR, _tables_dir())
    decree = legal.decrees.get(decree_id)
    if decree is None:
        raise ConfigurationError(f"unknown decree {decree_id!r}; known: {', '.join(legal.decrees)}")
    for (step, level, contract_type), f in sorted(decree.figures.items()):
        mark = "" if f.status == "verified" else "  (stima)"
        click.echo(f"{step}  {level:<7} {contract_type:<10} {f.hourly_cost:>6.2f} €/h{mark}")


@tables_group.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--decree", "decree_id", required=True, help="Decree id, e.g. DD30-2024 (replaces its shipped figures).")
@click.option("--source", required=True, help="Where the official table comes from (URL of the decree's annex).")
@click.option("--ccnl", help="CNEL code of the CCNL (new decrees only), e.g. T151.")
@click.option("--title", help="Title of the decree (new decrees only).")
@click.option("--issued-on", help="Date of the decree, YYYY-MM-DD (new decrees only).")
def tables_import(csv_file: Path, decree_id: str, source: str, ccnl: str | None, title: str | None,
                  issued_on: str | None) -> None:
    """Load an official Ministry table from CSV (columns step, level, hourly_cost[, contract_type, status, source])."""
    from rules.legal import cached_legal_data
    from rules.tables import import_table

    date = None
    if issued_on:
        try:
            date = dt.date.fromisoformat(issued_on)
        except ValueError:
            raise click.BadParameter(f"{issued_on!r} is not a date", param_hint="--issued-on") from None
    decree = import_table(csv_file, _tables_dir(), decree_id=decree_id, source=source, ccnl=ccnl, title=title,
                          issued_on=date)
    cached_legal_data.cache_clear()
    click.echo(f"imported {len(decree.figures)} figures of {decree.id} ({len(decree.steps)} steps) into {_tables_dir()}")
