"""Payment timeliness for readers outside the authorities module (digests, reports).

    latest = latest_itp(session, [authority.id for authority in ...])
    late = {aid: row for aid, row in latest.items() if row.itp_days > 0}   # paid late on average

Only figures actually published with the legal definition count (status "published",
definition "dpcm_weighted_delay"): a missing quarter, an unreadable file or a plain average of days
is never read as an indicator.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PaymentIndicator


def period_key(period: str) -> tuple[int, int, int]:
    """Sort key by the end of the period: "2025-Q3" ends in September, "2025" in December (and a year
    sorts after its fourth quarter: the annual figure is the later publication)."""
    year, _, rest = period.partition("-")
    if not year.isdigit():
        return (0, 0, 0)
    if rest.startswith("Q") and rest[1:].isdigit():
        return (int(year), int(rest[1:]) * 3, 0)
    return (int(year), 12, 1)


def latest_itp(session: Session, authority_ids: Iterable[int]) -> dict[int, PaymentIndicator]:
    """The most recent published DPCM indicator of each authority (authorities without one are absent)."""
    ids = sorted(set(authority_ids))
    if not ids:
        return {}
    rows = session.scalars(select(PaymentIndicator).where(
        PaymentIndicator.authority_id.in_(ids), PaymentIndicator.status == "published",
        PaymentIndicator.definition == "dpcm_weighted_delay", PaymentIndicator.itp_days.is_not(None)))
    latest: dict[int, PaymentIndicator] = {}
    for row in rows:
        current = latest.get(row.authority_id)
        if current is None or _rank(row) > _rank(current):
            latest[row.authority_id] = row
    return latest


def source_rank(source: str) -> tuple[int, str]:
    """Which source's figure wins for one period: the national payment platform's (the official one,
    computed by the RGS), then its copy on the authority's page, then the authority's own; then the
    source name, so that the choice never depends on the database's row order. R-PAY-2 and R-PAY-3
    break their ties with it too, so a digest and a rule never read different figures for one period."""
    return (2 if source == "pcc" else 1 if source == "pcc_republished" else 0), source


def _rank(row: PaymentIndicator) -> tuple[tuple[int, int, int], tuple[int, str]]:
    return period_key(row.period), source_rank(row.source)
