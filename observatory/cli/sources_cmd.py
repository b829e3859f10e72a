"""`observatory sources [--kind K] [--json]`: every source with its crawl policy and its last health.

The list of sources is the list of spiders (Scrapy's spider loader, `crawlers.runner`): national feeds,
regional portals, platform families, prefectures, payments. The policy is what each spider declares
(`CrawlPolicy`: robots handling, visit window, User-Agent, contact); the health is what the last crawl
left on the `source` row (ok, degraded, broken, robots_denied, ...), with the last run record of that
source. A source never crawled reads "never crawled", not "ok".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

UNKNOWN = "unknown"


@dataclass
class SourceOverview:
    code: str
    name: str
    kind: str
    policy: dict[str, Any]
    tenants: int | None = None
    health: str = UNKNOWN
    health_reason: str | None = None
    last_success_at: str | None = None
    consecutive_empty_runs: int = 0
    last_run_status: str | None = None
    last_run_finished_at: str | None = None
    robots_denied_tenants: list[str] = field(default_factory=list)


def _tenant_count(spider: Any) -> int | None:
    family = getattr(spider, "tenants_family", None)
    if not family:
        return None
    from crawlers.mixins.tenants import load_tenants

    return len(load_tenants(family))


def source_overviews(session: Session, spiders: dict[str, Any]) -> list[SourceOverview]:
    """One overview per spider class (code -> class), joined with its `source` row and last crawl run."""
    from db.models import RunRecord, Source

    rows = {s.code: s for s in session.scalars(select(Source))}
    overviews = []
    for code in sorted(spiders):
        spider = spiders[code]
        policy = spider.policy
        overview = SourceOverview(code=code, name=policy.name, kind=policy.kind, policy=policy.as_dict(),
                                  tenants=_tenant_count(spider))
        source = rows.get(code)
        if source is not None:
            overview.health = source.health
            overview.health_reason = source.health_reason
            overview.last_success_at = source.last_success_at.isoformat() if source.last_success_at else None
            overview.consecutive_empty_runs = source.consecutive_empty_runs
        last_run = session.scalars(
            select(RunRecord).where(RunRecord.stage == "crawl", RunRecord.source_code == code)
            .order_by(RunRecord.started_at.desc(), RunRecord.id.desc()).limit(1)
        ).first()
        if last_run is not None:
            overview.last_run_status = last_run.status
            overview.last_run_finished_at = last_run.finished_at.isoformat() if last_run.finished_at else None
            overview.robots_denied_tenants = sorted({
                str(error["tenant"]) for error in last_run.errors or []
                if isinstance(error, dict) and error.get("reason") == "robots_denied" and error.get("tenant")
            })
        if policy.robots == "denied" and overview.health == UNKNOWN:
            overview.health, overview.health_reason = "robots_denied", "robots.txt vieta la scansione (da policy)"
        overviews.append(overview)
    return overviews


def _policy_line(policy: dict[str, Any]) -> str:
    parts = [f"robots: {policy.get('robots')}"]
    parts.append(f"finestra: {policy.get('visit_window') or 'sempre'}")
    user_agent = policy.get("user_agent")
    parts.append("user-agent: " + ("browser" if user_agent == "browser" else (user_agent or "progetto")))
    parts.append(f"{policy.get('concurrency')} richiesta/e, ritardo {policy.get('download_delay')} s")
    if policy.get("contact"):
        parts.append(f"contatto: {policy['contact']}")
    return "; ".join(parts)


def render_text(overviews: list[SourceOverview]) -> str:
    lines = []
    for o in overviews:
        header = f"{o.code} [{o.kind}] {o.name}"
        if o.tenants is not None:
            header += f" ({o.tenants} enti)"
        lines.append(header)
        lines.append(f"    policy: {_policy_line(o.policy)}")
        if o.last_run_status is None and o.health == UNKNOWN:
            health = "mai scansionata"
        else:
            health = o.health + (f" - {o.health_reason}" if o.health_reason else "")
        lines.append(f"    salute: {health}")
        if o.last_run_status is not None:
            run = f"    ultima scansione: {o.last_run_status}"
            run += f", terminata {o.last_run_finished_at}" if o.last_run_finished_at else ""
            run += f"; ultimo successo {o.last_success_at}" if o.last_success_at else "; nessun successo"
            lines.append(run)
        if o.robots_denied_tenants:
            lines.append(f"    robots.txt vieta: {', '.join(o.robots_denied_tenants)}")
        if o.policy.get("notes"):
            lines.append(f"    note: {o.policy['notes']}")
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    @cli.command("sources")
    @click.option("--kind", type=click.Choice(["national", "regional", "platform", "prefecture", "payments",
                                               "execution", "other"]), help="Only sources of this kind.")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    def sources(kind: str | None, as_json: bool) -> None:
        """List every source with its crawl policy and its last health."""
        from crawlers.runner import available_sources, spider_class
        from db.session import session_scope
        from observatory.app import get_engine, require_schema

        spiders = {code: spider_class(code) for code in available_sources()}
        if kind:
            spiders = {code: cls for code, cls in spiders.items() if cls.policy.kind == kind}
        engine = get_engine()
        require_schema(engine)
        with session_scope(engine) as session:
            overviews = source_overviews(session, spiders)
        if as_json:
            click.echo(json.dumps([asdict(o) for o in overviews], ensure_ascii=False, indent=2))
        else:
            click.echo(render_text(overviews))
