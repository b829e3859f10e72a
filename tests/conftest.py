"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, settings pointed at temp dirs,
and the real corpus read in place.

PostgreSQL: every test session creates its own database on the server named by TEST_PG_ADMIN_URL
(default: the local server, trust auth) and drops it at the end. Locally an unreachable server
skips the PostgreSQL leg; in CI (CI=true) it is an error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from db.base import metadata
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from kernel.settings import get_settings

PG_ADMIN_URL = os.getenv("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.getenv("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin_engine() -> Engine | None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        engine.dispose()
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required in CI and unreachable at {PG_ADMIN_URL}: {exc}") from exc
        return None
    return engine


@pytest.fixture(scope="session")
def postgresql_database_url() -> Iterator[str]:
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}")
    name = f"obs_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'observatory.sqlite3'}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated database, once per backend."""
    url = request.getfixturevalue(f"{request.param}_database_url")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database emptied after each test (tests may commit and use other processes)."""
    engine = make_engine(database_url)
    yield engine
    with engine.begin() as conn:
        tables = [t.name for t in reversed(metadata.sorted_tables)]
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work the test commits (or not) itself."""
    with make_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def corpus_dir() -> Path:
    path = get_settings().corpus_dir
    if not path.is_dir():
        raise RuntimeError(f"the corpus is missing at {path}; set OBSERVATORY_CORPUS_DIR")
    return path


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, engine: Engine) -> Path:
    """Point every setting at this test's database and temp dirs; returns the data dir."""
    from observatory import app

    data_dir = tmp_path / "var"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(data_dir))
    monkeypatch.setenv("OBSERVATORY_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("OBSERVATORY_MAIL_BACKEND", "file")
    get_settings.cache_clear()
    app._engine_for.cache_clear()
    yield data_dir
    get_settings.cache_clear()
    app._engine_for.cache_clear()
