"""Sources: registration from spider metadata and health bookkeeping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Source
from db.queries.upsert import dialect_insert


def upsert_source(
    session: Session,
    code: str,
    *,
    name: str | None = None,
    kind: str = "other",
    base_url: str | None = None,
    policy: dict[str, Any] | None = None,
) -> Source:
    values: dict[str, Any] = {"code": code, "name": name or code, "kind": kind, "base_url": base_url}
    if policy is not None:
        values["policy"] = policy
    stmt = dialect_insert(session, Source.__table__).values(**values, health="unknown", consecutive_empty_runs=0)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"], set_={k: stmt.excluded[k] for k in values if k != "code"}
    )
    session.execute(stmt)
    return session.scalars(
        select(Source).where(Source.code == code).execution_options(populate_existing=True)
    ).one()


def get_source(session: Session, code: str) -> Source | None:
    return session.scalars(select(Source).where(Source.code == code)).one_or_none()
