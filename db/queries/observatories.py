"""The observatory table, kept in step with the directory of Observatories (kernel/directory.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Observatory


class ObservatoryFacts(Protocol):
    """What the table keeps of a directory entry (kernel.directory.ObservatoryEntry has these)."""

    code: str
    name: str
    is_national: bool
    istat_region: str | None
    recipients: tuple[str, ...]


def sync_observatories(session: Session, entries: Iterable[ObservatoryFacts]) -> list[Observatory]:
    """Make the observatory table match the directory (by code); rows are never deleted."""
    rows = {o.code: o for o in session.scalars(select(Observatory))}
    out = []
    for entry in entries:
        row = rows.get(entry.code) or Observatory(code=entry.code)
        row.name = entry.name
        row.is_national = entry.is_national
        row.istat_region = entry.istat_region
        row.recipients = list(entry.recipients)
        session.add(row)
        out.append(row)
    session.flush()
    return out
