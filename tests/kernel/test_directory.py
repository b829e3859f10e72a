"""The shipped directory has the National Observatory and one per region, and loads into the database."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Observatory
from db.queries.observatories import sync_observatories
from kernel.directory import SHIPPED_DIRECTORY, load_directory
from kernel.settings import load_settings

SHIPPED = SHIPPED_DIRECTORY


def test_shipped_directory_covers_every_region() -> None:
    directory = load_directory(SHIPPED)
    assert directory.national.code == "NAZ"
    assert sorted(e.istat_region for e in directory.entries if not e.is_national) == [
        f"{i:02d}" for i in range(1, 21)
    ]
    assert directory.by_nuts("ITF33").code == "CAM"  # Napoli
    assert directory.by_region("03").code == "LOM"


def test_recipients_override_from_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OBSERVATORY_RECIPIENTS_LOM", "a@cgil.it, b@legacoop.it")
    overrides = load_settings().recipient_overrides
    assert load_directory(SHIPPED, overrides).by_code("LOM").recipients == ("a@cgil.it", "b@legacoop.it")


def test_sync_is_idempotent(session) -> None:  # type: ignore[no-untyped-def]
    directory = load_directory(SHIPPED)
    sync_observatories(session, directory.entries)
    sync_observatories(session, directory.entries)
    session.commit()
    rows = session.scalars(select(Observatory)).all()
    assert len(rows) == 21
    assert sum(r.is_national for r in rows) == 1
