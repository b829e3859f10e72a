"""Process-wide resources built from settings: the engine and units of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

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
from observatory.directory import Directory, load_directory
from observatory.errors import ConfigurationError, DatabaseUnavailableError
from observatory.settings import Settings, get_settings


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


def get_directory(settings: Settings | None = None) -> Directory:
    settings = settings or get_settings()
    return load_directory(settings.directory_file)
