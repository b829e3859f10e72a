"""`observatory rules list|run|check|explain`: the Observatories' checks, ad hoc."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from kernel.errors import ConfigurationError

FORMATS = ("table", "csv", "xlsx", "json")
ROW_COLUMNS = ("notice_id", "published_on", "cig", "authority", "region", "title", "rule", "result", "severity",
               "uses_estimate", "message", "reason", "figures", "evidence")


def register(cli: click.Group) -> None:
    cli.add_command(rules_group)


def _config(path: Path | None) -> Any:
    from observatory.app import rules_config

    return rules_config(path=path)


@click.group("rules")
def rules_group() -> None:
    """The checks: list them, run them on the database, check one notice file, explain a notice."""


@rules_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rules configuration file (default: OBSERVATORY_RULES_CONFIG).")
def rules_list(as_json: bool, config_path: Path | None) -> None:
    """Every rule: id, name, family, severity, version, legal basis."""
    from rules.registry import all_rules

    config = _config(config_path)
    items = [{
        "rule": r.code, "name": r.name, "family": r.family, "severity": config.severities.get(r.code, r.severity),
        "version": r.version, "enabled": r.code not in config.disabled, "legal_basis": r.legal_basis,
        "applies_to": list(r.applies_to), "description": r.description(),
        "options": config.rule_options(r.code),
    } for r in all_rules()]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        flag = "" if item["enabled"] else "  [disabled]"
        click.echo(f"{item['rule']:<9} {item['severity']:<8} v{item['version']}  {item['name']}{flag}")
        click.echo(f"          {item['description']}")
        click.echo(f"          {item['legal_basis']}")


@rules_group.command("docs")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the Markdown to this file.")
def rules_docs(output: Path | None) -> None:
    """The rules reference in Markdown: legal basis and dates, readings, what each rule does not flag."""
    from rules.legal import cached_legal_data
    from rules.reference import reference_markdown

    _emit(reference_markdown(cached_legal_data()), output)


def _parse_date(value: str | None, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=what) from None


def _region_code(value: str | None) -> str | None:
    if not value:
        return None
    from kernel import territory

    found = territory.region(value)
    if found is None:
        raise ConfigurationError(f"unknown region {value!r}: give the ISTAT code (e.g. 03) or the name")
    return found.code if hasattr(found, "code") else str(value).zfill(2)


@rules_group.command("run")
@click.option("--rule", "rule_codes", multiple=True, help="Only this rule (repeatable), e.g. R-BASE-2.")
@click.option("--family", "families", multiple=True, help="Only this family (repeatable), e.g. R-REV.")
@click.option("--region", help="Region of the contracting authority: ISTAT code or name.")
@click.option("--authority", help="Contracting authority: fiscal code (or database id).")
@click.option("--from", "date_from", help="Published on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Published on or before (YYYY-MM-DD).")
@click.option("--source", help="Only notices of this source (spider name).")
@click.option("--notice", "notice_ids", multiple=True, type=int, help="Only this notice id (repeatable).")
@click.option("--dry-run", is_flag=True, help="Evaluate and print, write no finding.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (required for xlsx).")
@click.option("--all-results", is_flag=True, help="Also print compliant and not verifiable verdicts (default: violations).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rules configuration file (default: OBSERVATORY_RULES_CONFIG).")
def rules_run(rule_codes: tuple[str, ...], families: tuple[str, ...], region: str | None, authority: str | None,
              date_from: str | None, date_to: str | None, source: str | None, notice_ids: tuple[int, ...],
              dry_run: bool, fmt: str, output: Path | None, all_results: bool, config_path: Path | None) -> None:
    """Evaluate the rules on the current in-scope notices and write the findings (idempotent)."""
    from db.session import session_scope
    from observatory.app import get_engine, require_schema
    from rules.engine import RuleFilters, run_rules

    if fmt == "xlsx" and output is None:
        raise click.BadParameter("--format xlsx needs --output FILE.xlsx", param_hint="--output")
    if any(f.upper() == "R-ACC" for f in families) or any(c.upper().startswith("R-ACC") for c in rule_codes):
        raise ConfigurationError("the R-ACC rules judge accreditation tariffs, not notices: "
                                 "run `observatory accreditation check`")
    filters = RuleFilters(
        rules=list(rule_codes), families=list(families), region=_region_code(region), authority=authority,
        date_from=_parse_date(date_from, "--from"), date_to=_parse_date(date_to, "--to"), source=source,
        notice_ids=list(notice_ids),
    )
    config = _config(config_path)
    engine = get_engine()
    require_schema(engine)
    with session_scope(engine) as session:
        summary = run_rules(session, filters=filters, dry_run=dry_run, config=config, collect_rows=True)
    rows = summary.rows if all_results else [r for r in summary.rows if r["result"] == "violation"]
    write_rows(rows, fmt, output)
    verdicts = ", ".join(f"{k} {v}" for k, v in summary.verdicts.items())
    action = "dry run: nothing written" if dry_run else (
        f"{summary.findings_written} findings written ({summary.findings_superseded} superseding older ones), "
        f"{summary.findings_unchanged} unchanged")
    click.echo(f"{summary.notices_in_scope} of {summary.notices_seen} notices in scope; {verdicts}; {action}", err=True)


def write_rows(rows: list[dict[str, Any]], fmt: str, output: Path | None) -> None:
    if fmt == "json":
        _emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=ROW_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(_flat(row))
        _emit(buffer.getvalue(), output)
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "verdetti"
        sheet.append(list(ROW_COLUMNS))
        for row in rows:
            flat = _flat(row)
            sheet.append([flat.get(c) for c in ROW_COLUMNS])
        assert output is not None
        book.save(output)
    else:
        lines = []
        for row in rows:
            lines.append(f"#{row['notice_id']} {row['rule']:<9} {row['result']:<14} {row['severity']:<8} "
                         f"{(row.get('title') or '')[:60]}")
            lines.extend(textwrap.wrap(row["message"], 100, initial_indent="    ", subsequent_indent="    "))
        _emit("\n".join(lines) + ("\n" if lines else ""), output)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for k, v in row.items()}


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@rules_group.command("check")
@click.argument("notice_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='Print [{"rule", "applicable", "result", "severity", "message", "figures", "evidence"}].')
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def rules_check(notice_file: Path, as_json: bool, config_path: Path | None) -> None:
    """Evaluate every rule on one notice described in a JSON file ({"notice": {...}, "fields": {...}}).

    The file is checked first: unknown keys, wrong types, dates not in ISO form (YYYY-MM-DD) and unknown
    regions are refused with the accepted values; `cpv` may be a list and `ccnl` a name or the extraction's
    object {"name", "cnel_code", "matched_text"}. A notice out of scope gets no verdict."""
    from rules.context import context_from_json
    from rules.engine import evaluate
    from rules.errors import NoticeInputError
    from rules.notice_input import unused_fields

    try:
        payload = json.loads(notice_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoticeInputError(f"notice file not found: {notice_file}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NoticeInputError(f"{notice_file}: not valid JSON: {exc}") from None
    ctx = context_from_json(payload, region=_region_of_notice)
    results = evaluate(ctx, _config(config_path))
    if ignored := unused_fields(payload if isinstance(payload, dict) else {}):
        click.echo(f"campi non letti da alcuna regola: {', '.join(ignored)}", err=True)
    if as_json:
        out = [{"applicable": e.applicable,
                **{k: v for k, v in e.as_dict().items() if k in ("rule", "result", "severity", "message", "figures",
                                                               "evidence", "reason", "uses_estimate")}}
               for e in results]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(f"ambito: {ctx.scope.describe()}")
    if not ctx.scope.in_scope:
        click.echo("nessuna verifica: la gara è fuori ambito")
        return
    for e in results:
        click.echo(f"{e.rule.code:<9} {e.verdict.result:<14} {e.severity:<8} {e.verdict.message}")


def _region_of_notice(value: str) -> str | None:
    from kernel import territory

    found = territory.region(value)
    return found.code if found is not None else None


@rules_group.command("explain")
@click.argument("notice_id", type=int, required=False)
@click.option("--history", is_flag=True, help="Also show superseded findings.")
@click.option("--tariff", "tariff_id", type=int, help="Explain an accreditation tariff instead: its build-up "
              "(minutes x hourly cost + other costs = floor, against the tariff) and its R-ACC verdicts.")
def rules_explain(notice_id: int | None, history: bool, tariff_id: int | None) -> None:
    """Show a notice's scope, each current verdict with its figures and evidence, and its lifecycle."""
    from sqlalchemy import select

    from db.models import Finding, Notice, NoticeTerms
    from db.session import session_scope
    from observatory.app import get_engine, require_schema

    if (notice_id is None) == (tariff_id is None):
        raise click.UsageError("give a NOTICE_ID or --tariff ID")
    engine = get_engine()
    require_schema(engine)
    if tariff_id is not None:
        _explain_tariff(engine, tariff_id)
        return
    with session_scope(engine) as session:
        notice = session.get(Notice, notice_id)
        if notice is None:
            raise ConfigurationError(f"no notice with id {notice_id}")
        terms = session.get(NoticeTerms, notice_id)
        click.echo(f"Notice #{notice.id}: {notice.title}")
        click.echo(f"  published {notice.published_on or '?'}  CIG {notice.cig or '-'}  CPV {notice.cpv or '-'}  "
                   f"procedure {notice.procedure or '-'}")
        if notice.authority is not None:
            click.echo(f"  authority {notice.authority.name} ({notice.authority.fiscal_code or 'no fiscal code'}), "
                       f"region {notice.authority.istat_region or '?'}")
        click.echo(f"  scope: {'in' if notice.in_scope else 'out'} — {notice.scope_reason or 'not classified yet'}")
        if terms is not None:
            click.echo(f"  documents read {terms.documents_read}/{terms.documents_total}"
                       f"{' (all)' if terms.all_documents_read else ''}")
        else:
            click.echo("  documents: not merged yet (no extracted terms)")
        _print_lifecycle(session, notice_id)
        query = select(Finding).where(Finding.notice_id == notice_id).order_by(Finding.rule_code, Finding.id)
        if not history:
            query = query.where(Finding.is_current.is_(True))
        findings = list(session.scalars(query))
        if not findings:
            click.echo(f"  no findings: run `observatory rules run --notice {notice_id}`")
        for f in findings:
            state = "" if f.is_current else "  [superseded]"
            click.echo(f"\n{f.rule_code} v{f.rule_version}: {f.result} ({f.severity}){state}"
                       f"{'  [stima]' if f.uses_estimate else ''}")
            click.echo(textwrap.fill(f.message, 100, initial_indent="  ", subsequent_indent="  "))
            if f.reason and f.result == "not_verifiable":
                click.echo(f"  reason: {f.reason}")
            if f.figures:
                click.echo("  figures: " + json.dumps(f.figures, ensure_ascii=False, sort_keys=True))
            for item in f.evidence or []:
                where = " ".join(str(x) for x in (item.get("url") or item.get("document_id") or item.get("source") or "",
                                                  f"p. {item['page']}" if item.get("page") else "") if x)
                click.echo(f"  evidence: {where}: «{(item.get('text') or '')[:200]}»")
            if f.supersedes_id:
                click.echo(f"  supersedes finding #{f.supersedes_id}")


def _print_lifecycle(session: Any, notice_id: int) -> None:
    """Call, versions, rettifiche, award and execution (issue 9's lifecycle, joined on CIG)."""
    from db.queries.lifecycle import notice_lifecycle

    lifecycle = notice_lifecycle(session, notice_id)
    click.echo("  lifecycle:")
    for event in lifecycle.events:
        click.echo(f"    {event.on.isoformat() if event.on else '----------'}  {event.label}")
    for conflict in lifecycle.conflicts:
        click.echo(f"    conflict: {json.dumps(conflict, ensure_ascii=False, default=str)}")


def _explain_tariff(engine: Any, tariff_id: int) -> None:
    from db.models import Tariff
    from db.session import session_scope
    from observatory.cli.accreditation_cmd import explain_tariff

    with session_scope(engine) as session:
        tariff = session.get(Tariff, tariff_id)
        if tariff is None:
            raise ConfigurationError(f"no tariff with id {tariff_id}")
        for line in explain_tariff(session, tariff):
            click.echo(line)
