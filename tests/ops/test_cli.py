"""`observatory run` and `observatory schedule --dry-run` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from db.models import RunRecord
from db.session import session_scope
from kernel.settings import get_settings
from observatory import pipeline
from observatory.cli import cli


def test_run_records_an_unknown_source_as_a_failed_crawl_and_goes_on(engine: Engine, settings_env: Path) -> None:
    pipeline.clear_stop()
    result = CliRunner().invoke(cli, ["run", "--source", "no_such_source", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # partial: the run went on
    report = json.loads(result.stdout)
    assert report["trigger"] == "cli" and report["status"] == "partial" and report["sources"] == ["no_such_source"]
    stages = {s["name"]: s for s in report["stages"]}
    assert stages["crawl"]["status"] == "failed"
    assert "unknown source 'no_such_source'" in stages["crawl"]["errors"][0]["reason"]
    assert [stages[n]["status"] for n in ("extract", "rules", "alerts")] == ["ok", "ok", "ok"]
    with session_scope(engine) as session:
        assert session.scalars(select(RunRecord.stage).where(RunRecord.parent_id == report["run_id"])).all() == [
            "crawl", "extract", "rules", "alerts"
        ]


def test_run_rejects_a_malformed_date(settings_env: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--from-date", "23/11/2026"])
    assert result.exit_code == 2 and "expected YYYY-MM-DD" in result.output


def test_schedule_dry_run_prints_the_next_nights(engine: Engine, settings_env: Path) -> None:
    result = CliRunner().invoke(cli, ["schedule", "--dry-run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    nights = [line for line in result.output.splitlines() if line.startswith("  ") and "03:30" in line]
    assert len(nights) == 5
    assert "on start:" in result.output


def test_schedule_refuses_a_cron_in_the_dst_hour(engine: Engine, settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVATORY_NIGHTLY_CRON", "30 2 * * *")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["schedule", "--dry-run"])
    assert result.exit_code != 0
    assert "daylight-saving" in str(result.exception)
