"""Migrations on both engines: upgrade, downgrade, upgrade again, and no drift from the models."""

from __future__ import annotations

from sqlalchemy import inspect

from db.base import metadata
from db.migrate import current_revision, downgrade, head_revision, pending_model_changes, upgrade
from db.session import make_engine


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_up_down_up(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        downgrade(engine, "base")
        assert current_revision(engine) is None
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert left == set(), f"downgrade left tables behind: {left}"
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        upgrade(engine)
        engine.dispose()


def test_models_match_migrations(engine) -> None:  # type: ignore[no-untyped-def]
    assert pending_model_changes(engine) == []
