"""`observatory authorities show|list|import|refresh`: the contracting-authority registry and its
post-award data (payment timeliness, contract execution)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from authorities.figures import PaymentFigure
from kernel.errors import ObservatoryError


class AuthorityNotFound(ObservatoryError):
    """No authority with that fiscal code in the database."""


class ImportFileError(ObservatoryError):
    """A file given to `authorities import` cannot be read as the dataset named."""


def register(cli: click.Group) -> None:
    cli.add_command(authorities_group)


def _engine():  # noqa: ANN202
    from db.session import make_engine
    from kernel.settings import get_settings

    return make_engine(get_settings().database_url)


@click.group("authorities")
def authorities_group() -> None:
    """Contracting authorities: registry, payment timeliness, contract execution."""


@authorities_group.command("show")
@click.argument("fiscal_code")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(fiscal_code: str, as_json: bool) -> None:
    """One authority: where it is, its Observatory, its payment record, its contracts, its open findings."""
    from authorities.report import authority_report, render
    from db.session import session_scope
    from observatory.app import get_directory

    directory = get_directory()
    with session_scope(_engine()) as session:
        report = authority_report(session, fiscal_code, directory)
        if report is None:
            raise AuthorityNotFound(f"no authority with fiscal code {fiscal_code!r} (try `observatory authorities list`)")
        if as_json:
            a = report.authority
            click.echo(json.dumps({
                "fiscal_code": a.fiscal_code, "name": a.name, "region": a.istat_region, "national": a.is_national,
                "observatory": report.observatory.code if report.observatory else None, "routing": report.routing,
                "previous_fiscal_code": a.previous_fiscal_code, "replaced_by": report.replaced_by,
                "payments": [{"period": p.period, "status": p.status, "definition": p.definition, "source": p.source,
                              "sign_convention": p.sign_convention, "source_url": p.source_url, "note": p.note,
                              **{name: _text(getattr(p, name)) for name in PaymentFigure.VALUES}}
                             for p in report.payments],
                "executions": [{"cig": e.cig, "source": e.source,
                                "awarded_amount": str(e.awarded_amount) if e.awarded_amount is not None else None,
                                "conflicts": (e.data or {}).get("conflicts", [])} for e in report.executions],
                "open_findings": [{"rule": f.rule_code, "severity": f.severity, "notice_id": n.id, "message": f.message}
                                  for f, n in report.findings],
            }, ensure_ascii=False, indent=2))
        else:
            click.echo(render(report))


@authorities_group.command("list")
@click.option("--unplaced", is_flag=True, help="Only authorities no Regional Observatory can receive.")
@click.option("--region", help="Only this ISTAT region (2 digits).")
@click.option("--national", is_flag=True, help="Only national bodies (National Observatory).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(unplaced: bool, region: str | None, national: bool, as_json: bool) -> None:
    """Every authority once, with its region and how it was placed."""
    from authorities.report import listing
    from db.session import session_scope

    with session_scope(_engine()) as session:
        rows = listing(session, unplaced=unplaced, region=region, national=national)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        where = "NAZ" if row["national"] else (row["region"] or "--")
        click.echo(f"{row['fiscal_code'] or '(senza CF)':<16} {where:<4} {row['name'][:70]:<70} {row['place'] or ''}")
    click.echo(f"{len(rows)} authorities", err=True)


@authorities_group.group("import")
def import_group() -> None:
    """Load a downloaded dataset file (the nightly pipeline uses the spiders instead)."""


def _rows(path: Path):  # noqa: ANN202
    from authorities import datasets

    try:
        return list(datasets.iter_rows(path))
    except datasets.DatasetError as exc:
        raise ImportFileError(f"{path}: {exc}") from None


@import_group.command("registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_registry_cmd(path: Path) -> None:
    """ANAC stazioni-appaltanti (.csv or .zip)."""
    from authorities import datasets
    from authorities.registry import import_registry
    from db.session import session_scope

    try:
        with session_scope(_engine()) as session:
            report = import_registry(session, datasets.iter_rows(path), origin=str(path))
    except datasets.DatasetError as exc:
        raise ImportFileError(f"{path}: {exc}") from None
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    for code, name, reason in report.unplaced:
        click.echo(f"unplaced: {code} {name}: {reason}", err=True)
    for ausa, old, new in report.fiscal_code_changes:
        click.echo(f"fiscal code changed (AUSA {ausa}): {old} -> {new}", err=True)
    for line, reason in report.rejected:
        click.echo(f"rejected row {line}: {reason}", err=True)


@import_group.command("execution")
@click.argument("dataset", type=click.Choice(["aggiudicazioni", "avvio-contratto", "fine-contratto", "varianti",
                                              "sospensioni"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--all-cigs", is_flag=True, help="Keep every CIG, not only those of known notices.")
def import_execution_cmd(dataset: str, path: Path, all_cigs: bool) -> None:
    """One BDNCP dataset file (.csv or .zip), joined on CIG."""
    from authorities import datasets
    from authorities.execution import import_bdncp, known_cigs, link_authorities
    from db.session import session_scope

    try:
        with session_scope(_engine()) as session:
            only = None if all_cigs else known_cigs(session)
            report = import_bdncp(session, dataset, datasets.iter_rows(path), only_cigs=only, origin=str(path))
            link_authorities(session)
    except datasets.DatasetError as exc:
        raise ImportFileError(f"{path}: {exc}") from None
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    for line, reason in report.rejected:
        click.echo(f"rejected row {line}: {reason}", err=True)


@import_group.command("payments")
@click.argument("fiscal_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Authority name, when it is not in the database yet.")
@click.option("--url", help="Where the file was published (kept with the figures).")
def import_payments_cmd(fiscal_code: str, path: Path, name: str | None, url: str | None) -> None:
    """One payments page or file (.html, .pdf, .xlsx, .csv) for one authority, source "manual"."""
    from authorities.itp import read_html, read_pdf, read_spreadsheet
    from authorities.payments import store_reading
    from authorities.report import find_authority
    from db.queries.authorities import upsert_authority
    from db.session import session_scope

    data = path.read_bytes()
    suffix = path.suffix.lower()
    reading = (read_html(data) if suffix in (".html", ".htm") else read_pdf(data) if suffix == ".pdf"
               else read_spreadsheet(data, path.name))
    with session_scope(_engine()) as session:
        authority = find_authority(session, fiscal_code)
        if authority is None:
            if not name:
                raise AuthorityNotFound(f"no authority {fiscal_code!r}: give --name to create it")
            authority = upsert_authority(session, fiscal_code=fiscal_code, name=name)
        report = store_reading(session, authority, reading, source="manual", url=url or path.resolve().as_uri(),
                               period_hint=path.stem)
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False))


@import_group.command("pcc")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="Where the file was downloaded from (kept as the figures' source URL).")
def import_pcc_cmd(path: Path, url: str | None) -> None:
    """A national payment platform (PCC) file (.csv or .xlsx): every administration in it, source "pcc"."""
    from authorities import pcc
    from authorities.payments import store_reading
    from db.queries.authorities import upsert_authority
    from db.session import session_scope

    reading = pcc.read_dataset(path.read_bytes(), path.name)
    if reading.unreadable:
        raise ImportFileError(f"{path}: {reading.unreadable}")
    summary: dict[str, object] = {"authorities": len(reading.by_authority), "stored": 0, "missing": [],
                                  "problems": [], "rejected": reading.rejected}
    with session_scope(_engine()) as session:
        for fiscal_code, authority_reading in reading.by_authority.items():
            authority = upsert_authority(session, fiscal_code=fiscal_code,
                                         name=reading.names.get(fiscal_code) or f"Amministrazione {fiscal_code}")
            report = store_reading(session, authority, authority_reading, source=pcc.SOURCE,
                                   url=url or path.resolve().as_uri(), convention=pcc.SIGN_CONVENTION)
            summary["stored"] += report.stored  # type: ignore[operator]
            summary["missing"] += [f"{fiscal_code} {p}" for p in report.missing]  # type: ignore[operator]
            summary["problems"] += [f"{fiscal_code} {p}" for p in report.problems]  # type: ignore[operator]
    click.echo(json.dumps(summary, ensure_ascii=False))


@authorities_group.command("refresh")
def refresh_cmd() -> None:
    """After a crawl: place authorities from their own fields, link execution rows to authorities,
    record amount conflicts between sources. The nightly pipeline runs the same (`refresh_post_award`)."""
    from authorities.refresh import refresh_post_award
    from db.session import session_scope

    with session_scope(_engine()) as session:
        counts = refresh_post_award(session)
    click.echo(json.dumps(counts))


def _text(value: object) -> str | None:
    """Decimals as strings in JSON (exact figures), None as null."""
    return None if value is None else str(value)
