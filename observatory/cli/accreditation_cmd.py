"""`observatory accreditation import|list|show|check|services`: the regional tariffs of accredited services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kernel.errors import ConfigurationError

STATUS_IT = {"verified": "letto nell'atto", "secondary": "fonte secondaria", "unverified": "non verificato",
             "estimated": "stima"}
RESULT_IT = {"violation": "VIOLAZIONE", "compliant": "conforme", "not_verifiable": "non verificabile"}


def register(cli: click.Group) -> None:
    cli.add_command(accreditation_group)


def _region(value: str | None) -> str | None:
    if not value:
        return None
    from accreditation.regions import region_code

    code = region_code(value)
    if code is None:
        raise ConfigurationError(f"regione sconosciuta {value!r}: indicare il codice ISTAT (es. 08) o il nome")
    return code


def _euro(value: Any) -> str:
    return "–" if value is None else ("€ " + f"{float(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", "."))


@click.group("accreditation")
def accreditation_group() -> None:
    """Tariffe dell'accreditamento: importarle, elencarle, vederne il calcolo e le verifiche R-ACC."""


@accreditation_group.command("import")
@click.argument("tariff_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would be stored; store nothing.")
def accreditation_import(tariff_file: Path, dry_run: bool) -> None:
    """Import tariffs from CSV or YAML (every figure with its source and status), then run R-ACC on them."""
    from accreditation.records import ImportFileError, read_records
    from accreditation.store import store_records
    from db.session import session_scope
    from observatory.app import get_engine, require_schema, rules_config
    from rules.tariff_engine import run_tariff_rules

    try:
        records = read_records(tariff_file)
    except ImportFileError as exc:
        raise ConfigurationError(str(exc)) from None
    if dry_run:
        click.echo(f"{tariff_file.name}: {len(records)} tariffe valide (nessuna salvata, --dry-run)")
        return
    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        report = store_records(session, records, origin=f"import:{tariff_file.name}")
        summary = run_tariff_rules(session, config=rules_config(), tariff_ids=report.ids)
    click.echo(f"{tariff_file.name}: {report.created} nuove, {report.updated} aggiornate, {report.unchanged} invariate; "
               f"verifiche R-ACC: {summary.violation} violazioni, {summary.compliant} conformi, "
               f"{summary.not_verifiable} non verificabili")


@accreditation_group.command("list")
@click.option("--region", help="Regione: codice ISTAT o nome.")
@click.option("--service", help="Tipo di servizio (codice dell'elenco: `observatory accreditation services`).")
@click.option("--json", "as_json", is_flag=True)
def accreditation_list(region: str | None, service: str | None, as_json: bool) -> None:
    """Le tariffe registrate, per regione e servizio, con lo stato delle fonti e i verdetti R-ACC."""
    from accreditation.regions import region_name
    from accreditation.store import current_findings, list_tariffs
    from db.session import session_scope
    from observatory.app import get_engine, require_schema
    from rules.tariff_engine import act_label

    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        rows = []
        for tariff in list_tariffs(session, region=_region(region), service_type=service):
            verdicts = {f.rule_code: f.result for f in current_findings(session, tariff.id)}
            statuses = sorted({s.get("status", "unverified") for s in (tariff.sources or {}).values()})
            rows.append({"id": tariff.id, "region": tariff.region, "region_name": region_name(tariff.region),
                         "service_type": tariff.service_type, "variant": tariff.variant, "act": act_label(tariff),
                         "valid_from": tariff.valid_from.isoformat() if tariff.valid_from else None,
                         "amount": float(tariff.amount) if tariff.amount is not None else None,
                         "health_share": float(tariff.health_share) if tariff.health_share is not None else None,
                         "social_share": float(tariff.social_share) if tariff.social_share is not None else None,
                         "increase_pct": float(tariff.increase_pct) if tariff.increase_pct is not None else None,
                         "unit": tariff.unit, "statuses": statuses, "verdicts": verdicts})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("nessuna tariffa registrata: `observatory accreditation import FILE` o la raccolta dei bollettini")
        return
    for row in rows:
        figures = (_euro(row["amount"]) if row["amount"] is not None else
                   f"quota sanitaria {_euro(row['health_share'])}" if row["health_share"] is not None else
                   f"quota sociale {_euro(row['social_share'])}" if row["social_share"] is not None else
                   f"aumento {row['increase_pct']:+.2f} %".replace(".", ","))
        flags = ", ".join(f"{code} {RESULT_IT[result]}" for code, result in sorted(row["verdicts"].items())
                          if result != "not_verifiable") or "nessun verdetto netto"
        click.echo(f"#{row['id']:<4} {row['region_name']:<22} {row['service_type']:<22} {row['variant'][:30]:<30} "
                   f"{figures:<22} dal {row['valid_from'] or '?':<10}  {row['act']}")
        click.echo(f"      fonti: {', '.join(STATUS_IT.get(s, s) for s in row['statuses'])}; {flags}")


@accreditation_group.command("show")
@click.argument("tariff_id", type=int)
def accreditation_show(tariff_id: int) -> None:
    """Una tariffa: l'atto, ogni importo con la sua fonte, lo standard di personale, il calcolo e le verifiche."""
    from db.models import Tariff
    from db.session import session_scope
    from observatory.app import get_engine, require_schema

    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        tariff = session.get(Tariff, tariff_id)
        if tariff is None:
            raise ConfigurationError(f"nessuna tariffa con id {tariff_id}")
        for line in explain_tariff(session, tariff):
            click.echo(line)


def explain_tariff(session: Any, tariff: Any) -> list[str]:
    """The lines `accreditation show` and `rules explain --tariff` print."""
    from accreditation.regions import region_name
    from accreditation.services import by_code
    from accreditation.store import current_findings
    from observatory.app import rules_config
    from rules.accreditation.buildup import UNIT_LABELS, BuildUpError, build_up
    from rules.accreditation.data import load
    from rules.tariff_engine import act_label, contexts

    service = by_code(tariff.service_type)
    unit = UNIT_LABELS.get(tariff.unit, tariff.unit)
    out = [f"Tariffa #{tariff.id}: {service.label if service else tariff.service_type}"
           f"{' — ' + tariff.variant if tariff.variant else ''}, {region_name(tariff.region)}",
           f"  atto: {act_label(tariff)}{' — ' + tariff.act_title if tariff.act_title else ''}",
           f"  in vigore: dal {tariff.valid_from or '?'}{' al ' + str(tariff.valid_to) if tariff.valid_to else ''}",
           f"  origine: {tariff.origin}"]
    if tariff.act_url:
        out.append(f"  testo: {tariff.act_url}")
    sources = tariff.sources or {}
    for name, label in (("amount", "tariffa"), ("health_share", "quota sanitaria"), ("social_share", "quota sociale"),
                        ("increase_pct", "aumento dichiarato"), ("labour_share_pct", "quota del lavoro")):
        value = getattr(tariff, name)
        if value is None:
            continue
        shown = f"{float(value):+.2f} %".replace(".", ",") if name.endswith("_pct") else f"{_euro(value)} per {unit}"
        source = sources.get(name, {})
        where = f", pag. {source['page']}" if source.get("page") else ""
        out.append(f"  {label}: {shown} ({STATUS_IT.get(source.get('status'), 'senza fonte')}: "
                   f"{source.get('source', '-')}{where})")
    for row in tariff.staff or []:
        out.append(f"  personale: {row.get('profile')} {row.get('level') or ''} {row.get('minutes')} min per "
                   f"{UNIT_LABELS.get(row.get('per', 'day'), row.get('per'))}")
    for row in tariff.hourly_costs or []:
        out.append(f"  costo orario assunto: {row.get('profile') or ''} {row.get('level')} {_euro(row.get('hourly_cost'))}/h")
    [ctx] = contexts(session, [tariff])
    try:
        lines = build_up(ctx, rules_config().legal, load().floor_level).describe(ctx.total()[0])
        out.append("  calcolo (minuti × costo orario + altri costi = soglia, contro la tariffa):")
        out += [f"    {line}" for line in lines]
    except BuildUpError as exc:
        out.append(f"  calcolo non possibile: {exc}")
    findings = current_findings(session, tariff.id)
    if not findings:
        out.append("  nessuna verifica ancora: `observatory accreditation check`")
    for finding in findings:
        out.append(f"  {finding.rule_code} v{finding.rule_version}: {RESULT_IT[finding.result]} ({finding.severity})"
                   f"{' [stima]' if finding.uses_estimate else ''}")
        out.append(f"    {finding.message}")
        tags = (finding.figures or {}).get("tags")
        if tags:
            out.append(f"    tag: {', '.join(tags)}")
    return out


@accreditation_group.command("check")
@click.option("--region", help="Solo le tariffe di questa regione.")
@click.option("--dry-run", is_flag=True, help="Valutare e stampare, senza scrivere verdetti.")
def accreditation_check(region: str | None, dry_run: bool) -> None:
    """Applicare ora le regole R-ACC alle tariffe registrate (la notte lo fa la pipeline)."""
    from db.session import session_scope
    from observatory.app import get_engine, require_schema, rules_config
    from rules.tariff_engine import run_tariff_rules

    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        summary = run_tariff_rules(session, config=rules_config(), region=_region(region), dry_run=dry_run,
                                   collect_rows=True)
    for row in summary.rows:
        if row["result"] != "not_verifiable" or row["figures"]:
            click.echo(f"#{row['tariff_id']:<4} {row['rule']:<8} {RESULT_IT[row['result']]:<16} {row['message']}")
    click.echo(f"{summary.tariffs_seen} tariffe: {summary.violation} violazioni, {summary.compliant} conformi, "
               f"{summary.not_verifiable} non verificabili; verdetti scritti {summary.findings_written}")


@accreditation_group.command("services")
def accreditation_services() -> None:
    """L'elenco controllato dei tipi di servizio accreditato."""
    from accreditation.services import service_types

    for service in service_types():
        click.echo(f"{service.code:<22} {service.label} ({service.target}, {service.setting})")
