"""Alembic environment: targets db.models metadata; batch mode on SQLite; advisory lock on PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

import db.models  # noqa: F401  (registers every table on the metadata)
from db.base import metadata
from db.session import make_engine

config = context.config
MIGRATION_LOCK_KEY = 727_001  # pg_advisory_lock key held while migrating: two upgrades never interleave


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=is_sqlite,
        compare_type=True,
        compare_server_default=False,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Released with the transaction: two concurrent upgrades run one after the other.
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        run_migrations(conn)
    engine.dispose()
