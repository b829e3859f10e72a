"""`observatory report --period 2026-Q3 [--region CODE] --output DIR`: the Italian report (HTML, PDF, XLSX)."""

from __future__ import annotations

from pathlib import Path

import click

from kernel.errors import ConfigurationError


def register(cli: click.Group) -> None:
    cli.add_command(report_command)


@click.command("report")
@click.option("--period", required=True, help="2026-Q3 (trimestre), 2026-H1 (semestre), 2026-09 (mese) o 2026 (anno).")
@click.option("--region", help="Rapporto regionale: codice ISTAT o nome della regione (default: nazionale).")
@click.option("--output", "output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Cartella in cui scrivere HTML, PDF, XLSX e i grafici SVG.")
def report_command(period: str, region: str | None, output: Path) -> None:
    """Rapporto nazionale o regionale per i documenti congiunti: HTML e PDF, e un XLSX con ogni dato."""
    from db.session import session_scope
    from observatory.app import get_engine, require_schema
    from reports.build import build_report
    from reports.period import PeriodError, parse_period
    from reports.regions import region_code

    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise ConfigurationError(str(exc)) from None
    code = None
    if region:
        code = region_code(region)
        if code is None:
            raise ConfigurationError(f"regione sconosciuta {region!r}: indicare il codice ISTAT (es. 08) o il nome")
    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        files = build_report(session, parsed, output, region=code)
    click.echo(f"rapporto {parsed.label}: {files.data.provenance.notices if files.data else 0} gare in ambito")
    for path in (files.html, files.pdf, files.xlsx, *files.charts):
        click.echo(f"  {path}")
