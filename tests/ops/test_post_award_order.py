"""Post-award sources crawl after the notice sources in one night, whatever order they are given in.

`anac_execution` keeps only the CIGs of notices already stored: run before the notice spiders it
would find nothing until the following night.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.models import ContractExecution, RunRecord
from db.session import session_scope
from kernel.settings import get_settings
from observatory import pipeline
from observatory.cli.demo_cmd import DEMO_FROM_DATE
from observatory.pipeline import run_nightly
from replay.sites import replay_server

pytestmark = pytest.mark.slow


def test_execution_rows_arrive_on_the_same_night(
    engine: Engine, settings_env: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.clear_stop()
    sources = ["anac_execution", "anac_pvl"]  # deliberately post-award first
    with replay_server(corpus_dir) as server:
        for code in sources:
            monkeypatch.setenv(f"SOURCE_BASE_URL_{code.upper()}", server.url(code))
        get_settings.cache_clear()
        report = run_nightly(
            get_settings(), trigger="test", sources=sources, stages=[("crawl", pipeline.crawl_stage)],
            crawl_options={"force": True, "from_date": DEMO_FROM_DATE},
        )
    crawl = next(s for s in report.stages if s.name == "crawl")
    with session_scope(engine) as session:
        runs = session.scalars(
            select(RunRecord).where(RunRecord.parent_id == crawl.run_id).order_by(RunRecord.started_at)
        ).all()
        assert [r.source_code for r in runs] == ["anac_pvl", "anac_execution"]
        cigs = set(session.scalars(select(ContractExecution.cig).where(ContractExecution.source == "anac_bdncp")))
    assert "BBEE0B3E8D" in cigs, crawl.as_dict()
    assert "post_award_placed" in crawl.counts
