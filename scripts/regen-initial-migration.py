"""Regenerate db/migrations/versions/0001_initial_schema.py from the models.

Only while nothing has been released (no production database exists yet): after the first
release, schema changes get their own migration (`alembic revision --autogenerate`).
"""

import tempfile
from pathlib import Path

from alembic import command

from db.migrate import MIGRATIONS_DIR, alembic_config

target = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"
target.unlink(missing_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    cfg = alembic_config(url=f"sqlite:///{Path(tmp) / 'regen.sqlite3'}")
    command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
text = target.read_text()
text = "\n".join(line for line in text.splitlines() if not line.startswith("Create Date:")) + "\n"
target.write_text(text)
print(f"wrote {target}")
