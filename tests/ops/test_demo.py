"""`make demo` (= `observatory demo`) as a user runs it: the whole night against the replay, e-mails in the outbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import RunRecord
from db.session import make_engine, session_scope

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_every_stage_and_leaves_digests_in_the_outbox(tmp_path: Path, corpus_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCE_BASE_URL_", "DATABASE_URL"))}
    env |= {"OBSERVATORY_DATA_DIR": str(tmp_path / "var"), "OBSERVATORY_OUTBOX": str(tmp_path / "outbox")}
    env["DATABASE_URL"] = "postgresql://must-not-be-used.invalid/x"  # the demo always uses its own SQLite
    done = subprocess.run(
        [sys.executable, "-m", "observatory", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "demo summary" in out and "e-mails per observatory" in out
    emails = sorted((tmp_path / "outbox").glob("*.eml"))
    assert emails, out
    assert f"{len(emails)} new file(s)" in out
    # issue 22: tariffs read from the replayed bulletins, the legislation watch, the report on the demo database
    assert "read from the bulletins' PDF annexes" in out and "new Ministry table(s)" in out
    assert any(e.name.startswith("legislation-watch.NAZ.") for e in emails), [e.name for e in emails]
    assert "R-ACC-1" in out and "violation" in out.split("R-ACC-1", 1)[1].splitlines()[0]
    report = sorted((tmp_path / "var" / "demo" / "report").glob("rapporto-*"))
    assert {p.suffix for p in report} == {".html", ".pdf", ".xlsx", ".svg"}, report
    database = tmp_path / "var" / "demo" / "observatory.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        run = session.scalars(select(RunRecord).where(RunRecord.stage == "pipeline")).one()
        stages = {r.stage: r.status for r in session.scalars(select(RunRecord).where(RunRecord.parent_id == run.id))}
    engine.dispose()
    assert run.trigger == "demo"
    assert set(stages) == {"crawl", "extract", "rules", "alerts"}
    assert "skipped" not in stages.values() and "failed" not in stages.values(), stages
