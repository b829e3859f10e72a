"""`observatory demo` (= `make demo`): the whole nightly pipeline against a local replay of the corpus.

A fresh SQLite database in var/demo/ (the production database is never touched), the replay server
of replay started in this process on loopback ports, SOURCE_BASE_URL_<CODE> pointing
every spider's subprocess at its replayed site, the file mail backend writing to ./outbox, and a
summary of what the night produced.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select

from kernel.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# The corpus holds notices published 2019-2025: the demo crawls all of it, not the last few days.
DEMO_FROM_DATE = dt.date(2019, 1, 1)


def _reset_settings() -> Settings:
    from observatory import app

    get_settings.cache_clear()
    app._engine_for.cache_clear()
    return get_settings()


def prepare_environment(data_dir: Path, *, fresh: bool) -> Settings:
    """Point this process (and the crawl subprocesses it starts) at the demo database and outbox."""
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "observatory.sqlite3"
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["OBSERVATORY_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["OBSERVATORY_MAIL_BACKEND"] = "file"
    return _reset_settings()


def point_sources_at(urls: dict[str, str]) -> None:
    for site, url in urls.items():
        os.environ[f"SOURCE_BASE_URL_{site.upper()}"] = url


def demo_summary(settings: Settings) -> dict[str, Any]:
    """What the demo night produced, read back from the database."""
    from db.models import Document, Finding, Notice, Tariff, TariffFinding, WatchedAct
    from db.session import session_scope
    from observatory.app import get_engine
    from observatory.status import deliveries_by_observatory

    with session_scope(get_engine(settings)) as session:
        notices = session.scalar(select(func.count()).select_from(Notice).where(Notice.is_current)) or 0
        in_scope = session.scalar(select(func.count()).select_from(Notice).where(Notice.is_current, Notice.in_scope)) or 0
        documents = dict(session.execute(select(Document.retrieval_status, func.count()).group_by(Document.retrieval_status)).all())
        extracted = session.scalar(select(func.count()).select_from(Document).where(Document.extraction_status == "extracted")) or 0
        findings: dict[str, dict[str, int]] = {}
        for rule, result, count in session.execute(
            select(Finding.rule_code, Finding.result, func.count())
            .where(Finding.is_current)
            .group_by(Finding.rule_code, Finding.result)
            .order_by(Finding.rule_code)
        ):
            findings.setdefault(rule, {})[result] = count
        for rule, result, count in session.execute(
            select(TariffFinding.rule_code, TariffFinding.result, func.count())
            .where(TariffFinding.is_current)
            .group_by(TariffFinding.rule_code, TariffFinding.result)
            .order_by(TariffFinding.rule_code)
        ):
            findings.setdefault(rule, {})[result] = count
        tariffs = session.scalar(select(func.count()).select_from(Tariff)) or 0
        crawled = session.scalar(select(func.count()).select_from(Tariff).where(Tariff.origin.like("crawl:%"))) or 0
        acts = session.scalars(select(WatchedAct)).all()
        emails = deliveries_by_observatory(session)
        last = session.scalar(select(func.max(Notice.published_on)).where(Notice.is_current, Notice.in_scope))
    return {
        "tariffs": tariffs, "tariffs_crawled": crawled, "watched_acts": len(acts),
        "watched_matched": sum(1 for a in acts if a.topics), "new_tables": sum(1 for a in acts if a.new_table),
        "report_year": last.year if last else None,
        "notices": notices,
        "notices_in_scope": in_scope,
        "documents": documents,
        "documents_extracted": extracted,
        "findings_by_rule": findings,
        "emails_by_observatory": emails,
    }


def print_summary(summary: dict[str, Any], new_files: list[Path], outbox: Path) -> None:
    docs = summary["documents"]
    click.echo("")
    click.echo("demo summary")
    click.echo(f"  notices     {summary['notices']} ({summary['notices_in_scope']} in scope)")
    click.echo(
        f"  documents   {sum(docs.values())}: retrieved {docs.get('retrieved', 0)}, failed {docs.get('failed', 0)}, "
        f"pending {docs.get('pending', 0)}, skipped (out of scope) {docs.get('skipped', 0)}; "
        f"read {summary['documents_extracted']}"
    )
    click.echo(f"  tariffs     {summary['tariffs']} ({summary['tariffs_crawled']} read from the bulletins' PDF annexes)")
    click.echo(f"  watch       {summary['watched_acts']} acts seen, {summary['watched_matched']} on a watched topic, "
               f"{summary['new_tables']} new Ministry table(s)")
    click.echo("  findings per rule")
    if not summary["findings_by_rule"]:
        click.echo("    none")
    for rule, results in summary["findings_by_rule"].items():
        parts = ", ".join(f"{result} {count}" for result, count in sorted(results.items()))
        click.echo(f"    {rule:<12} {parts}")
    click.echo("  e-mails per observatory")
    if not summary["emails_by_observatory"]:
        click.echo("    none")
    for code, count in summary["emails_by_observatory"].items():
        click.echo(f"    {code:<12} {count}")
    click.echo(f"  outbox      {len(new_files)} new file(s) in {outbox}")
    for path in new_files[:30]:
        click.echo(f"    {path.name}")


def import_known_tariffs(settings: Settings) -> None:
    """The regional tariffs known from secondary sources (accreditation/data/tariffs_known.yaml): the earlier
    tariffs the crawled acts are compared with (R-ACC-3)."""
    from accreditation.records import read_records
    from accreditation.services import DATA_DIR
    from accreditation.store import store_records
    from db.session import session_scope
    from observatory.app import get_engine

    with session_scope(get_engine(settings)) as session:
        report = store_records(session, read_records(DATA_DIR / "tariffs_known.yaml"), origin="import:tariffs_known.yaml")
    click.echo(f"known tariffs: {report.created} imported, {report.unchanged} already there")


def write_report(settings: Settings, period: str) -> None:
    """`observatory report` on the demo database, for the year of its latest notice."""
    from db.session import session_scope
    from observatory.app import get_engine
    from reports.build import build_report
    from reports.period import parse_period

    output = settings.data_dir / "report"
    with session_scope(get_engine(settings)) as session:
        files = build_report(session, parse_period(period), output)
    click.echo(f"  report      {files.html}, {files.pdf.name}, {files.xlsx.name} ({len(files.charts)} charts)")


@click.command("demo")
@click.option("--keep", is_flag=True, help="Keep the demo database of the previous run instead of starting fresh.")
def demo_command(keep: bool) -> None:
    """Run the whole nightly pipeline on SQLite against a local replay of the corpus; e-mails to ./outbox."""
    from kernel.errors import ConfigurationError
    from observatory.cli.db_cmd import db_upgrade
    from observatory.cli.ops_cmd import print_report
    from observatory.pipeline import clear_stop, run_nightly
    from observatory.progress import terminal_progress
    from replay.sites import SITE_MODULES, replay_server

    # The crawl of every replayed site takes a few minutes: show each stage and source as it goes.
    for name in ("observatory.pipeline", "crawlers.runner"):
        if logging.getLogger(name).getEffectiveLevel() > logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)
    base = get_settings()
    settings = prepare_environment(base.data_dir / "demo", fresh=not keep)
    if not settings.corpus_dir.is_dir():
        raise ConfigurationError(
            f"the corpus is missing at {settings.corpus_dir}: put ../shared/corpus beside the clone or set OBSERVATORY_CORPUS_DIR"
        )
    click.echo(f"demo database {settings.database_url}")
    click.get_current_context().invoke(db_upgrade)
    import_known_tariffs(settings)
    outbox = settings.outbox_dir
    before = set(outbox.glob("*.eml")) if outbox.is_dir() else set()
    with replay_server(settings.corpus_dir) as server:
        urls = server.urls()
        point_sources_at(urls)
        settings = _reset_settings()
        if not urls:
            click.echo(f"warning: the replay serves no site ({len(SITE_MODULES)} site modules registered)", err=True)
        for site, url in sorted(urls.items()):
            click.echo(f"replay {site:<24} {url}")
        clear_stop()
        report = run_nightly(
            settings,
            trigger="demo",
            sources=sorted(urls),
            crawl_options={"force": True, "from_date": DEMO_FROM_DATE, "parallel": 4},
            progress=terminal_progress(),
        )
    print_report(report)
    after = set(outbox.glob("*.eml")) if outbox.is_dir() else set()
    summary = demo_summary(settings)
    print_summary(summary, sorted(after - before), outbox)
    if summary["report_year"]:
        write_report(settings, str(summary["report_year"]))
    click.echo(f"\ninspect it: DATABASE_URL={settings.database_url} observatory status")


def register(cli: click.Group) -> None:
    cli.add_command(demo_command)
