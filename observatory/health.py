"""Source health across runs: what one crawl cannot see on its own.

The crawl extension (`crawlers/extensions/crawl_report.py`) judges every crawl when its spider
closes and writes the verdict on the `source` row: broken on a failed run, a page-structure
mismatch or zero notices for several runs in a row; degraded on listing errors or most documents
failing; robots_denied; and `last_success_at`. This module does not repeat those checks. It adds the
trend over the source's recent crawl run records:

- degraded when at least half of the last RECENT_RUNS crawls failed or ended partial (a source that
  flaps between ok and failed looks fine after each good night);
- degraded when the last successful crawl is older than STALE_AFTER while the source kept being
  crawled (every recent attempt failed quietly, or a visit window never matched).

The worse of the row's verdict and the trend wins; states declared on purpose (robots_denied,
disabled) are kept. Reasons are Italian: they go into the administrators' source-health e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import RunRecord, Source

RECENT_RUNS = 6
DEGRADED_SHARE = 0.5
STALE_AFTER = dt.timedelta(days=3)
RANK = {"unknown": 0, "ok": 1, "degraded": 2, "broken": 3}
# States the crawl side sets on purpose and a run-record trend must not overwrite.
DECLARED_STATES = ("robots_denied", "disabled")


@dataclass(frozen=True)
class Assessment:
    state: str  # unknown, ok, degraded
    reason: str | None


def assess_trend(
    statuses: Sequence[str], last_success_at: dt.datetime | None, last_run_at: dt.datetime | None, *, now: dt.datetime
) -> Assessment:
    """The trend of one source from its recent crawl statuses (newest first) and its last success."""
    finished = [s for s in statuses if s not in ("running", "skipped")][:RECENT_RUNS]
    if not finished:
        return Assessment("unknown", None)
    bad = sum(1 for s in finished if s in ("failed", "partial", "interrupted"))
    if len(finished) >= 2 and bad / len(finished) >= DEGRADED_SHARE:
        return Assessment("degraded", f"{bad} delle ultime {len(finished)} scansioni fallite o incomplete")
    if last_run_at is not None and (last_success_at is None or last_run_at - last_success_at > STALE_AFTER):
        since = f"dal {last_success_at:%d/%m/%Y}" if last_success_at else "mai"
        return Assessment("degraded", f"nessuna scansione completa {since}")
    return Assessment("ok", None)


def _recent_crawls(session: Session, code: str) -> list[tuple[str, dt.datetime]]:
    return list(
        session.execute(
            select(RunRecord.status, RunRecord.started_at)
            .where(RunRecord.stage == "crawl", RunRecord.source_code == code)
            .order_by(RunRecord.started_at.desc(), RunRecord.id.desc())
            .limit(RECENT_RUNS)
        ).all()
    )


@dataclass(frozen=True)
class SourceHealth:
    code: str
    name: str
    state: str  # worse of the recorded verdict and the trend
    reason: str | None
    recorded_state: str  # as the crawl extension left it on the source row
    last_success_at: dt.datetime | None
    last_run_at: dt.datetime | None
    last_run_status: str | None
    consecutive_empty_runs: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "health": self.state,
            "reason": self.reason,
            "recorded_health": self.recorded_state,
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "last_run_status": self.last_run_status,
            "consecutive_empty_runs": self.consecutive_empty_runs,
        }


def _combined_health(source: Source, crawls: list[tuple[str, dt.datetime]], now: dt.datetime) -> Assessment:
    trend = assess_trend([s for s, _ in crawls], source.last_success_at, crawls[0][1] if crawls else None, now=now)
    return _combine(source, trend)


def _combine(source: Source, trend: Assessment) -> Assessment:
    if source.health in DECLARED_STATES:
        return Assessment(source.health, source.health_reason)
    if RANK.get(trend.state, 0) > RANK.get(source.health, 0):
        return trend
    return Assessment(source.health, source.health_reason)


def source_health(session: Session, *, now: dt.datetime | None = None) -> list[SourceHealth]:
    """Every source with its health (recorded verdict and trend combined), last success and last run."""
    now = now or utcnow()
    out = []
    for source in session.scalars(select(Source).order_by(Source.code)):
        crawls = _recent_crawls(session, source.code)
        last_run_at = crawls[0][1] if crawls else None
        combined = _combined_health(source, crawls, now)
        out.append(
            SourceHealth(
                code=source.code,
                name=source.name,
                state=combined.state,
                reason=combined.reason,
                recorded_state=source.health,
                last_success_at=source.last_success_at,
                last_run_at=last_run_at,
                last_run_status=crawls[0][0] if crawls else None,
                consecutive_empty_runs=source.consecutive_empty_runs,
            )
        )
    return out


def refresh_source_health(session: Session, codes: Sequence[str] | None = None, *, now: dt.datetime | None = None) -> dict[str, str]:
    """After a crawl stage: write a worse trend onto the source rows; returns {code: state} of changed rows.

    Only escalates (ok -> degraded): the crawl extension resets the row on every crawl, so a source
    that recovers shows ok again as soon as its trend does.
    """
    now = now or utcnow()
    changed: dict[str, str] = {}
    query = select(Source)
    if codes is not None:
        query = query.where(Source.code.in_(list(codes)))
    for source in session.scalars(query):
        combined = _combined_health(source, _recent_crawls(session, source.code), now)
        if combined.state != source.health:
            source.health, source.health_reason = combined.state, combined.reason
            changed[source.code] = combined.state
    session.flush()
    return changed
