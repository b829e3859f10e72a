"""`observatory run`, `observatory schedule`, `observatory status`: operating the nightly pipeline."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import sys
from typing import Any
from zoneinfo import ZoneInfo

import click

from kernel.settings import get_settings
from observatory.app import get_engine
from observatory.logs import configure_logging

logger = logging.getLogger(__name__)


def _at_least_info() -> None:
    """Unattended commands log every event at INFO unless -v asked for more."""
    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        configure_logging(logging.INFO)


def _parse_date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=name) from None


# The counts worth a glance per stage; the rest is in `status --json`.
HEADLINE = {
    "crawl": ("sources", "sources_ok", "sources_partial", "sources_failed", "sources_skipped", "notices_new",
              "notices_changed", "in_scope", "documents_retrieved", "documents_failed"),
    "extract": ("pending", "extracted", "failed", "skipped"),
    "rules": ("notices_in_scope", "verdict_violation", "verdict_not_verifiable", "verdict_compliant", "findings_written"),
    "alerts": ("digests_queued", "health_alerts_queued", "emails_sent", "emails_retry", "emails_failed"),
}


def headline(stage: str, counts: dict[str, Any]) -> str:
    keys = HEADLINE.get(stage) or tuple(counts)
    return ", ".join(
        f"{k} {counts[k]}" for k in keys if isinstance(counts.get(k), int | float) and not isinstance(counts.get(k), bool)
    )


def print_report(report: Any) -> None:
    """The pipeline report as a few lines a person reads the morning after."""
    click.echo(f"pipeline run {report.run_id} ({report.trigger}): {report.status}")
    if report.lock_note:
        click.echo(f"  note: {report.lock_note}")
    for stage in report.stages:
        seconds = f"{stage.seconds:.1f}s" if stage.seconds is not None else "-"
        line = f"  {stage.name:<8} {stage.status:<11} {seconds:>8}  {headline(stage.name, stage.counts)}"
        click.echo(line.rstrip())
        if stage.note:
            click.echo(f"           {stage.note}")
        for error in stage.errors[:5]:
            where = error.get("source") or ""
            click.echo(f"           ! {where + ': ' if where else ''}{error.get('reason')}")
        if len(stage.errors) > 5:
            click.echo(f"           ... and {len(stage.errors) - 5} more errors (observatory status --json)")


@click.command("run")
@click.option("--source", "sources", multiple=True, help="Crawl only this source (repeatable); default: every source.")
@click.option("--from-date", help="Crawl notices published from this date (YYYY-MM-DD); default: incremental.")
@click.option("--until-date", help="Crawl notices published up to this date (YYYY-MM-DD).")
@click.option("--force", is_flag=True, help="Crawl sources even outside their visit window.")
@click.option("--parallel", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Sources crawled side by side (each keeps its per-host politeness).")
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
def run_command(
    sources: tuple[str, ...], from_date: str | None, until_date: str | None, force: bool, parallel: int, as_json: bool
) -> None:
    """Run the nightly pipeline once now: crawl, extract, rules, alerts.

    SIGTERM stops it cleanly after the running stage. Exit status 1 when the run failed or was interrupted.
    """
    from observatory.pipeline import clear_stop, install_stop_handler, run_nightly
    from observatory.progress import terminal_progress

    _at_least_info()
    settings = get_settings()
    options: dict[str, Any] = {"parallel": parallel}
    if from_date:
        options["from_date"] = _parse_date(from_date, "--from-date")
    if until_date:
        options["until_date"] = _parse_date(until_date, "--until-date")
    if force:
        options["force"] = True
    clear_stop()
    restore = install_stop_handler()
    try:
        report = run_nightly(
            settings,
            trigger="cli",
            sources=list(sources) or None,
            crawl_options=options,
            progress=None if as_json else terminal_progress(),
        )
    finally:
        restore()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print_report(report)
    if report.status in ("failed", "interrupted"):
        sys.exit(1)


@click.command("schedule")
@click.option("--dry-run", is_flag=True, help="Check the cron, print the next runs and any catch-up, and exit.")
def schedule_command(dry_run: bool) -> None:
    """Run the scheduler in the foreground (under a process supervisor): the nightly pipeline at
    OBSERVATORY_NIGHTLY_CRON, Europe/Rome. SIGTERM stops it after the running stage."""
    from db.session import session_scope
    from observatory.scheduler import fire_times, last_due, nightly_trigger, plan_catch_up, run_scheduler

    _at_least_info()
    settings = get_settings()
    engine = get_engine(settings)
    if not dry_run:
        run_scheduler(settings, engine)
        return
    tz = ZoneInfo(settings.timezone)
    trigger = nightly_trigger(settings.nightly_cron, settings.timezone)
    now = dt.datetime.now(tz)
    click.echo(f"cron {settings.nightly_cron!r} in {settings.timezone}; next runs:")
    for when in itertools.islice(fire_times(trigger, now), 5):
        click.echo(f"  {when:%a %Y-%m-%d %H:%M %Z}")
    with session_scope(engine) as session:
        missed = plan_catch_up(session, trigger, now, dt.timedelta(hours=settings.misfire_grace_hours))
    due = last_due(trigger, now)
    if missed:
        click.echo(f"on start: one catch-up run for the run due {missed:%Y-%m-%d %H:%M %Z}")
    else:
        click.echo(f"on start: no catch-up (last due {due:%Y-%m-%d %H:%M %Z} ran or is past the grace time)" if due else "on start: no catch-up")


def _fmt_time(value: str | None, tz: ZoneInfo) -> str:
    if not value:
        return "never"
    return dt.datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def render_status(data: dict[str, Any], tz: ZoneInfo) -> str:
    lines: list[str] = []
    add = lines.append
    schedule = data["schedule"]
    add(f"database  {data['database']}  (times in {tz.key})")
    running = data["pipeline_running"]
    add(f"pipeline  {'RUNNING: ' + running if running else 'not running'}")
    sched = schedule["scheduler_running"]
    add(
        f"schedule  {schedule['cron']} ({schedule['timezone']}); next run {_fmt_time(schedule['next_run_at'], tz)}; "
        f"scheduler {'running on ' + sched if sched else 'NOT running'}"
    )
    if schedule["problem"]:
        add(f"          ! {schedule['problem']}")
    add("")
    add("last runs")
    if not data["runs"]:
        add("  none yet: `observatory run` runs the pipeline once, `observatory schedule` every night")
    for run in data["runs"]:
        add(
            f"  #{run['id']:<5} {_fmt_time(run['started_at'], tz)}  {run['trigger'] or '-':<9} {run['status']:<11}"
            f" {run['seconds'] if run['seconds'] is not None else '-'}s"
        )
        for stage in run["stages"]:
            add(f"          {stage['stage']:<8} {stage['status']:<11} {headline(stage['stage'], stage['counts'])}".rstrip())
            if stage["note"]:
                add(f"                   {stage['note']}")
            sources = stage.get("sources", [])
            if not sources:  # per-source lines below say the same for the crawl
                for error in stage["errors"]:
                    where = error.get("source") if isinstance(error, dict) else None
                    reason = error.get("reason") if isinstance(error, dict) else error
                    add(f"                   ! {where + ': ' if where else ''}{reason}")
            for source in sources:
                if source["status"] != "ok":
                    first = source["errors"][0].get("reason") if source["errors"] and isinstance(source["errors"][0], dict) else None
                    add(
                        f"                   ! {source['source']}: {source['status']}, {source['errors_total']} error(s)"
                        f"{': ' + str(first) if first else ''}"
                    )
    add("")
    add("sources   health     last success      last run")
    if not data["sources"]:
        add("  none registered yet (a source appears after its first crawl)")
    for source in data["sources"]:
        add(
            f"  {source['code']:<22} {source['health']:<10} {_fmt_time(source['last_success_at'], tz):<17} "
            f"{_fmt_time(source['last_run_at'], tz)} {source['last_run_status'] or ''}".rstrip()
        )
        if source["reason"] and source["health"] != "ok":
            add(f"      {source['reason']}")
    docs = data["documents"]
    add("")
    r, e = docs["retrieval"], docs["extraction"]
    add(f"documents {docs['total']}: retrieved {r['retrieved']}, pending {r['pending']}, failed {r['failed']}, "
        f"skipped {r['skipped']} (notices out of scope)")
    for reason, count in docs["retrieval_failed_by_reason"].items():
        add(f"          not retrieved, {reason}: {count}")
    add(f"extraction: extracted {e['extracted']}, pending {e['pending']}, failed {e['failed']}, skipped {e['skipped']}")
    for reason, count in docs["extraction_failed_by_reason"].items():
        add(f"          not read, {reason}: {count}")
    findings = data["findings"]
    add("")
    cur, wait = findings["current"], findings["awaiting_delivery"]
    add(
        f"findings  violation {cur['violation']}, not verifiable {cur['not_verifiable']}, compliant {cur['compliant']}; "
        f"awaiting delivery: {wait['violation']} violation(s), {wait['not_verifiable']} not verifiable"
    )
    outbox = data["outbox"]
    s = outbox["by_state"]
    add(f"outbox    sent {s['sent']}, pending {s['pending']}, sending {s['sending']}, failed {s['failed']}")
    for item in outbox["undelivered"]:
        add(
            f"          #{item['id']} {item['observatory']} {item['alert_type']} {item['state']} "
            f"after {item['attempts']} attempt(s){': ' + item['last_error'] if item['last_error'] else ''}"
        )
    return "\n".join(lines)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--runs", default=3, show_default=True, help="How many pipeline runs to show.")
def status_command(as_json: bool, runs: int) -> None:
    """What happened last night: runs, source health, document backlog, findings awaiting delivery, outbox."""
    from observatory.app import require_schema
    from observatory.status import collect_status

    settings = get_settings()
    engine = get_engine(settings)
    require_schema(engine)
    data = collect_status(engine, settings, runs=runs)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render_status(data, ZoneInfo(settings.timezone)))


def register(cli: click.Group) -> None:
    cli.add_command(run_command)
    cli.add_command(schedule_command)
    cli.add_command(status_command)
