"""Process-wide resources built from settings: the engine and units of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.migrate import current_revision, head_revision
from db.session import (
    DatabaseConnectionError,
    DatabaseURLError,
    check_connection,
    make_engine,
    session_scope,
)
from kernel.directory import Directory, load_directory
from kernel.errors import ConfigurationError, DatabaseUnavailableError
from kernel.settings import Settings, get_settings

if TYPE_CHECKING:
    from rules.config import RulesConfig


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    try:
        engine = _engine_for(settings.database_url)
        check_connection(engine)
    except (DatabaseURLError, DatabaseConnectionError) as exc:
        raise DatabaseUnavailableError(str(exc)) from None
    return engine


def require_schema(engine: Engine) -> None:
    """Refuse to run a stage on a database that is not migrated to head."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise ConfigurationError(
            f"the database is at revision {current or 'none'}, the code expects {head}: run `observatory db upgrade`"
        )


@contextmanager
def unit_of_work(settings: Settings | None = None) -> Iterator[Session]:
    engine = get_engine(settings)
    with session_scope(engine) as session:
        yield session


def rules_config(settings: Settings | None = None, path: Path | None = None) -> RulesConfig:
    from rules.config import load_config  # imported when needed: the CLI starts without the rules

    """The rules configuration of this installation: `path` (or OBSERVATORY_RULES_CONFIG) over the
    defaults, with the Ministry tables imported into the data directory."""
    settings = settings or get_settings()
    return load_config(path or settings.rules_config, tables_dir=tables_dir(settings))


def tables_dir(settings: Settings | None = None) -> Path:
    """Where `observatory tables import` keeps the official tables (they replace the shipped figures)."""
    return (settings or get_settings()).data_dir / "tables"


def get_directory(settings: Settings | None = None) -> Directory:
    settings = settings or get_settings()
    return load_directory(settings.directory_file, settings.recipient_overrides)
