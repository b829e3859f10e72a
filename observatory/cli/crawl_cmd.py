"""`observatory crawl [SOURCE...] [--from-date D] [--until-date D] [--force]`: run spiders now.

Without SOURCE every source is crawled. Each source runs as its own `scrapy crawl` process
(crawlers.runner), writes its run record and updates its health; the command prints one line per
source and exits non-zero when every source that ran failed.
"""

from __future__ import annotations

import datetime as dt

import click

from kernel.errors import ObservatoryError


class CrawlFailedError(ObservatoryError):
    """Raised when every source that ran failed."""


def register(cli: click.Group) -> None:
    @cli.command("crawl")
    @click.argument("sources", nargs=-1)
    @click.option("--from-date", type=click.DateTime(["%Y-%m-%d"]), help="First publication date (default: incremental).")
    @click.option("--until-date", type=click.DateTime(["%Y-%m-%d"]), help="Last publication date (default: today).")
    @click.option("--force", is_flag=True, help="Crawl even outside a source's visit window.")
    @click.option("--parallel", type=click.IntRange(1, 16), default=2, show_default=True, help="Sources side by side.")
    @click.option("--sample", type=click.IntRange(1), help="Stop each source after N notices (trial runs).")
    @click.option(
        "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
        help="Scrapy setting for these crawls (e.g. -s DOWNLOAD_DELAY=0 against a local replay).",
    )
    def crawl(
        sources: tuple[str, ...], from_date: dt.datetime | None, until_date: dt.datetime | None, force: bool,
        parallel: int, sample: int | None, overrides: tuple[str, ...],
    ) -> None:
        """Crawl SOURCES (spider names; all when none) into the database."""
        from crawlers.runner import available_sources, run_crawls
        from observatory.app import get_engine, require_schema

        require_schema(get_engine())
        if from_date and until_date and from_date > until_date:
            raise click.BadParameter("--from-date is after --until-date")
        scrapy_settings = {}
        for override in overrides:
            name, sep, value = override.partition("=")
            if not sep or not name.strip():
                raise click.BadParameter(f"expected NAME=VALUE, got {override!r}", param_hint="-s")
            scrapy_settings[name.strip()] = value
        codes = list(sources) or available_sources()
        results = run_crawls(
            codes,
            from_date=from_date.date() if from_date else None,
            until_date=until_date.date() if until_date else None,
            force=force,
            parallel=parallel,
            sample=sample,
            scrapy_settings=scrapy_settings,
        )
        for result in results:
            counts = result.counts
            summary = (
                f"{counts.get('notices_new', 0)} new, {counts.get('notices_changed', 0)} changed, "
                f"{counts.get('notices_unchanged', 0)} unchanged, {counts.get('documents_retrieved', 0)} documents, "
                f"{counts.get('documents_failed', 0)} not retrieved"
            ) if counts else ""
            line = f"{result.code}: {result.status}"
            if summary:
                line += f" - {summary}"
            if result.reason:
                line += f" ({result.reason})"
            click.echo(line)
        ran = [r for r in results if r.status != "skipped"]
        if ran and all(r.status == "failed" for r in ran):
            raise CrawlFailedError("every source failed; see the run records (`observatory status`) and logs in var/logs")
