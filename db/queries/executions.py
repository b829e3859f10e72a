"""Contract execution rows (award and execution of one CIG, per source): idempotent upsert."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import ContractExecution
from db.queries.upsert import dialect_insert


def upsert_contract_execution(session: Session, cig: str, source: str, **fields: Any) -> None:
    """One row per (cig, source); a later crawl replaces the values it gives."""
    now = utcnow()
    stmt = dialect_insert(session, ContractExecution.__table__).values(
        cig=cig, source=source, created_at=now, updated_at=now, **fields
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["cig", "source"], set_={**{k: stmt.excluded[k] for k in fields}, "updated_at": now}
    )
    session.execute(stmt)
