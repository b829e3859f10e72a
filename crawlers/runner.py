"""Run spiders as `scrapy crawl` subprocesses (Twisted's reactor cannot be restarted in one process).

    results = run_crawls(["anac_pvl", "ted"], from_date=None, parent_run_id=run.id, parallel=2)

Each source runs in its own process (`python -m scrapy crawl CODE -a from_date=... -a until_date=...`)
with OBSERVATORY_RUN_ID set, so its CrawlReport extension writes a run_record (stage "crawl") under
the pipeline's run and updates the source's health. Several sources run side by side (`parallel`),
each process keeping its own per-host politeness; a source outside its policy's visit window is
skipped (status "skipped") unless `force`, and a source whose policy says robots "denied" is never
crawled. Sources that crawl the same host run one after the other, never side by side. A process that dies or times out without closing its run record gets it closed here as
"failed" with the reason, and the other sources go on. Each process logs to
`data_dir/logs/crawl-CODE-YYYYmmddTHHMMSS.log`. With REDIS_URL, each source's host is leased across
machines while it is crawled (crawlers/distributed.py): a host leased by another machine makes the
source "skipped" with reason "host busy on another machine", and the next run picks it up.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update

from crawlers.distributed import DEFAULT_PREFIX, HOST_BUSY, CrawlCoordinator
from db.base import utcnow
from db.models import RunRecord
from db.session import make_engine, session_scope

logger = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEOUT = 4 * 3600
# For crawling the local replay (demo, tests): politeness delays protect real portals, not loopback.
REPLAY_SCRAPY_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": "False"}


@dataclass
class CrawlResult:
    code: str
    status: str  # ok, partial, failed, skipped (the run record's status, or why none was written)
    reason: str | None = None
    returncode: int | None = None
    run_id: int | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    log_path: Path | None = None


@lru_cache(maxsize=1)
def _spider_loader() -> Any:
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    previous = os.environ.get("SCRAPY_SETTINGS_MODULE")
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    try:
        return SpiderLoader.from_settings(get_project_settings())
    finally:
        if previous is None:
            os.environ.pop("SCRAPY_SETTINGS_MODULE", None)


def available_sources() -> list[str]:
    """The codes of every spider of the project (national, regional, platforms, prefectures)."""
    return sorted(_spider_loader().list())


def spider_class(code: str) -> Any:
    from kernel.errors import ConfigurationError

    try:
        return _spider_loader().load(code)
    except KeyError:
        raise ConfigurationError(
            f"unknown source {code!r}; known sources: {', '.join(available_sources())}"
        ) from None


def crawl_command(
    code: str, *, from_date: dt.date | None, until_date: dt.date | None, sample: int | None = None,
    scrapy_settings: Mapping[str, Any] | None = None,
) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", code]
    if from_date:
        command += ["-a", f"from_date={from_date.isoformat()}"]
    if until_date:
        command += ["-a", f"until_date={until_date.isoformat()}"]
    if sample:
        command += ["-a", f"sample={sample}"]
    for key, value in (scrapy_settings or {}).items():
        command += ["-s", f"{key}={value}"]
    return command


def run_crawls(
    codes: Iterable[str],
    *,
    from_date: dt.date | None = None,
    until_date: dt.date | None = None,
    parent_run_id: int | None = None,
    env: Mapping[str, str] | None = None,
    parallel: int = 2,
    force: bool = False,
    sample: int | None = None,
    scrapy_settings: Mapping[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    now: dt.datetime | None = None,
) -> list[CrawlResult]:
    """Crawl each source in its own process; results in the order of `codes`."""
    from kernel.settings import get_settings

    settings = get_settings()
    codes = list(dict.fromkeys(codes))
    classes = {code: spider_class(code) for code in codes}  # unknown codes fail before anything runs
    moment = now or dt.datetime.now(dt.UTC)
    child_env = {**os.environ, **(env or {}), "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
    if parent_run_id is not None:
        child_env["OBSERVATORY_RUN_ID"] = str(parent_run_id)
    database_url = child_env.get("DATABASE_URL") or settings.database_url

    def one(code: str) -> CrawlResult:
        policy = classes[code].policy
        if policy.robots == "denied":
            return CrawlResult(code, "skipped", "robots_denied: robots.txt forbids this portal")
        if not force and not policy.in_window(moment):
            return CrawlResult(code, "skipped", f"outside visit window {policy.visit_window}")
        command = crawl_command(
            code, from_date=from_date, until_date=until_date, sample=sample, scrapy_settings=scrapy_settings
        )
        host = source_host(code, classes[code], child_env)
        with coordinator.host(host) as acquired:
            if not acquired:  # not crawled here: the source keeps its cursor, the next run picks it up
                logger.warning("crawl %s: %s holds %s", code, HOST_BUSY, host, extra={"source": code})
                return CrawlResult(code, "skipped", f"{HOST_BUSY} ({host})")
            return _run_one(code, command, child_env, database_url, parent_run_id, settings.data_dir, timeout)

    # Sources on the same host run one after the other (each process keeps one host's politeness,
    # two processes on one host would double it); different hosts run side by side.
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(source_host(code, classes[code], child_env), []).append(code)
    results: dict[str, CrawlResult] = {}

    def run_group(group: list[str]) -> None:
        for code in group:
            results[code] = one(code)

    # With REDIS_URL, each host is leased across machines (crawlers/distributed.py); without it, or
    # with Redis unreachable (a warning; each crawl's run record gets the error line), local-only.
    coordinator = CrawlCoordinator.from_url(
        (env or {}).get("REDIS_URL") or settings.redis_url,
        prefix=str((scrapy_settings or {}).get("OBSERVATORY_REDIS_PREFIX") or DEFAULT_PREFIX),
    )
    try:
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            list(pool.map(run_group, groups.values()))
    finally:
        coordinator.close()
    return [results[code] for code in codes]


def source_host(code: str, spider_cls: Any, env: Mapping[str, str]) -> str:
    """The host (netloc) a source crawls: SOURCE_BASE_URL_<CODE> if set, else the spider's default."""
    base_url = env.get(f"SOURCE_BASE_URL_{code.upper()}") or getattr(spider_cls, "default_base_url", "") or code
    return urlsplit(base_url).netloc.lower() or code


def _run_one(
    code: str, command: list[str], env: dict[str, str], database_url: str, parent_run_id: int | None,
    data_dir: Path, timeout: float,
) -> CrawlResult:
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"crawl-{code}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}.log"
    engine = make_engine(database_url)
    started_at = utcnow()
    begin = time.monotonic()
    logger.info("crawl %s: starting", code, extra={"source": code})
    returncode: int | None
    with log_path.open("wb") as log:
        try:
            completed = subprocess.run(  # noqa: S603 - our own interpreter and spider name
                command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
            returncode, killed = completed.returncode, None
        except subprocess.TimeoutExpired:
            returncode, killed = None, f"timeout: killed after {timeout:.0f} s"
    seconds = time.monotonic() - begin
    try:
        with session_scope(engine) as session:
            query = select(RunRecord).where(
                RunRecord.stage == "crawl", RunRecord.source_code == code, RunRecord.started_at >= started_at
            )
            if parent_run_id is not None:
                query = query.where(RunRecord.parent_id == parent_run_id)
            record = session.scalars(query.order_by(RunRecord.id.desc())).first()
            reason = killed or (_tail_reason(log_path) if returncode else None)
            if record is None:
                record = RunRecord(
                    stage="crawl", source_code=code, parent_id=parent_run_id, started_at=started_at,
                    status="failed", finished_at=utcnow(), errors=[{"reason": reason or "no run record written"}],
                    note="the crawl process ended without writing its run record",
                )
                session.add(record)
                session.flush()
            elif record.status == "running" or killed or returncode:
                errors = [*record.errors, {"reason": reason or f"exit code {returncode}"}]
                session.execute(
                    update(RunRecord).where(RunRecord.id == record.id).values(
                        status="failed", finished_at=utcnow(), errors=errors
                    )
                )
                record.status = "failed"
            result = CrawlResult(
                code, record.status, reason if record.status == "failed" else _first_reason(record.errors),
                returncode, record.id, dict(record.counts or {}), seconds, log_path,
            )
    finally:
        engine.dispose()
    logger.info("crawl %s: %s in %.1f s (%s)", code, result.status, seconds, result.reason or "no errors",
                extra={"source": code})
    return result


def _first_reason(errors: list[Any] | None) -> str | None:
    if not errors:
        return None
    reasons = sorted({str(e.get("reason")) for e in errors if isinstance(e, dict)})
    return ", ".join(reasons[:5]) + (f" (+{len(reasons) - 5})" if len(reasons) > 5 else "")


def _tail_reason(log_path: Path) -> str:
    """The last error line of a crashed crawl process (e.g. a bad spider argument)."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "crawl process failed"
    for line in reversed(lines):
        stripped = line.strip()
        if stripped and ("Error" in stripped or "error" in stripped):
            return stripped[-300:]
    return (lines[-1].strip()[-300:] if lines else "crawl process failed")
