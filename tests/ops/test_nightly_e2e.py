"""The nightly job in-process against the replay server, with the real stages, on SQLite and PostgreSQL.

Three replayed sources and one whose portal is down (a closed loopback port): the dead one is
recorded as failed and broken, the others are crawled, read, checked and reported, and the digests
land in the outbox. A second night re-runs everything and sends nothing twice.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db.models import Document, Finding, Notice, RunRecord, Source
from db.session import session_scope
from kernel.settings import get_settings
from observatory import pipeline
from observatory.cli.demo_cmd import DEMO_FROM_DATE
from observatory.pipeline import run_nightly
from replay.sites import replay_server

SOURCES = ["anac_pvl", "ted", "empulia"]
DEAD = "halley"

pytestmark = pytest.mark.slow


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_nightly_pipeline_against_the_replay(
    engine: Engine, settings_env: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.clear_stop()
    outbox = settings_env.parent / "outbox"
    with replay_server(corpus_dir) as server:
        for code in SOURCES:
            monkeypatch.setenv(f"SOURCE_BASE_URL_{code.upper()}", server.url(code))
        monkeypatch.setenv(f"SOURCE_BASE_URL_{DEAD.upper()}", f"http://127.0.0.1:{_closed_port()}")
        get_settings.cache_clear()
        options = {"force": True, "from_date": DEMO_FROM_DATE}  # the corpus is older than a first crawl's window
        first = run_nightly(get_settings(), trigger="test", sources=[*SOURCES, DEAD], crawl_options=options)
        eml = sorted(outbox.glob("*.eml"))
        second = run_nightly(get_settings(), trigger="test", sources=[*SOURCES, DEAD], crawl_options=options)

    stages = {s.name: s for s in first.stages}
    assert first.status == "partial", first.as_dict()
    crawl = stages["crawl"]
    assert crawl.status == "partial"
    assert crawl.counts["sources_ok"] == len(SOURCES), crawl
    assert crawl.counts["sources_failed"] + crawl.counts["sources_partial"] == 1
    assert [e["source"] for e in crawl.errors] == [DEAD] and crawl.errors[0]["reason"]
    assert crawl.counts["notices_new"] > 0 and crawl.counts["documents_retrieved"] > 0

    with session_scope(engine) as session:
        children = session.scalars(select(RunRecord).where(RunRecord.parent_id == crawl.run_id)).all()
        assert {c.trigger for c in children} == {"test"}  # each crawl says what started it
        statuses = {c.source_code: c.status for c in children}
        assert statuses == {**{c: "ok" for c in SOURCES}, DEAD: statuses[DEAD]} and statuses[DEAD] in ("failed", "partial")
        for code in SOURCES:
            notices = session.scalar(
                select(func.count()).select_from(Notice).join(Source).where(Source.code == code, Notice.is_current)
            )
            assert notices > 0, code
        dead = session.scalars(select(Source).where(Source.code == DEAD)).one()
        # A refused connection is an outage, not a robots.txt denial, and never a success.
        assert dead.health == "broken", (dead.health, dead.health_reason)
        assert "robots_denied" not in (dead.health_reason or "") and "network_error" in dead.health_reason
        assert dead.last_success_at is None
        retrieved = session.scalar(select(func.count()).select_from(Document).where(Document.retrieval_status == "retrieved"))

    extract = stages["extract"]
    assert extract.status == "ok" and extract.counts["extracted"] == retrieved > 0
    rules = stages["rules"]
    assert rules.status == "ok" and rules.counts["findings_written"] > 0 and rules.counts["verdict_violation"] > 0
    alerts = stages["alerts"]
    assert alerts.status == "ok", alerts.errors
    assert alerts.counts["emails_sent"] >= 1
    assert len(eml) == alerts.counts["emails_sent"]

    # The second night: nothing new to read, no finding written twice, no e-mail sent twice.
    again = {s.name: s for s in second.stages}
    with session_scope(engine) as session:
        superseded = [
            (f.rule_code, f.evidence, session.get(Finding, f.supersedes_id).evidence)
            for f in session.scalars(select(Finding).where(Finding.supersedes_id.is_not(None)))
        ]
    assert (again["rules"].counts["findings_written"], superseded) == (0, []), superseded[:3]
    assert again["crawl"].counts["notices_new"] == 0
    assert again["extract"].counts["extracted"] == 0
    assert again["rules"].counts["findings_written"] == 0
    assert again["alerts"].counts["emails_sent"] == 0
    assert sorted(outbox.glob("*.eml")) == eml
