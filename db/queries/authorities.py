"""Contracting authorities: one row per fiscal code; feeds fill in what they know."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ContractingAuthority
from db.queries.upsert import dialect_insert


def name_key(name: str) -> str:
    """Normalised name for matching: no accents, no punctuation, single spaces, upper case."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


def upsert_authority(
    session: Session, *, fiscal_code: str | None, name: str, **fields: Any
) -> ContractingAuthority:
    """Insert or complete an authority. Known values are never overwritten by nulls.

    Without a fiscal code the authority is matched on its normalised name.
    """
    fiscal_code = (fiscal_code or "").strip() or None
    key = name_key(name)
    known = {k: v for k, v in fields.items() if v not in (None, "")}
    if fiscal_code is None:
        existing = session.scalars(
            select(ContractingAuthority).where(
                ContractingAuthority.fiscal_code.is_(None), ContractingAuthority.name_key == key
            )
        ).first()
        if existing is None:
            existing = ContractingAuthority(fiscal_code=None, name=name, name_key=key, **known)
            session.add(existing)
            session.flush()
        else:
            _fill(existing, known)
        return existing
    values = {"fiscal_code": fiscal_code, "name": name, "name_key": key, **known}
    stmt = dialect_insert(session, ContractingAuthority.__table__).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["fiscal_code"])
    session.execute(stmt)
    authority = session.scalars(
        select(ContractingAuthority)
        .where(ContractingAuthority.fiscal_code == fiscal_code)
        .execution_options(populate_existing=True)
    ).one()
    _fill(authority, known)
    return authority


def _fill(authority: ContractingAuthority, known: dict[str, Any]) -> None:
    """Complete missing values only: what a feed said first stays until the registry corrects it."""
    for key, value in known.items():
        if getattr(authority, key) in (None, "", False):
            setattr(authority, key, value)
