"""`observatory` command line. Each command group lives in its own module of this package."""

from __future__ import annotations

import logging
import sys

import click

from db.session import DatabaseConnectionError, DatabaseURLError
from kernel.errors import ObservatoryError
from observatory.logs import configure_logging


@click.group()
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="observatory")
def cli(verbose: int) -> None:
    """Monitoring of calls for tenders for social, socio-health and education services."""
    configure_logging(logging.WARNING - 10 * verbose)


def _register() -> None:
    # Explicit list: a command group is part of the CLI only when it is named here.
    from observatory.cli import (
        accreditation_cmd,
        alerts_cmd,
        authorities_cmd,
        crawl_cmd,
        db_cmd,
        demo_cmd,
        extract_cmd,
        ops_cmd,
        report_cmd,
        rules_cmd,
        sources_cmd,
        tables_cmd,
        watch_cmd,
    )

    for module in (
        db_cmd, crawl_cmd, extract_cmd, rules_cmd, alerts_cmd, ops_cmd, demo_cmd, sources_cmd, tables_cmd,
        authorities_cmd, accreditation_cmd, report_cmd, watch_cmd,
    ):
        module.register(cli)


_register()


def main() -> None:
    """Entry point: known errors become one line on stderr and a non-zero exit."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (ObservatoryError, DatabaseURLError, DatabaseConnectionError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
