"""`observatory status` (text and --json) on a database seeded with one night's outcome, and source health."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine

from db.base import utcnow
from db.models import AlertDelivery, AlertDeliveryFinding, Document, Finding, Observatory, RunRecord
from db.queries.notices import NoticeData, record_notice
from db.queries.sources import upsert_source
from db.session import session_scope
from observatory.cli import cli
from observatory.health import assess_trend, refresh_source_health, source_health

NOW = utcnow()


def _seed(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        pvl = upsert_source(session, "anac_pvl", name="ANAC Pubblicità legale", kind="national")
        ted = upsert_source(session, "ted", name="TED", kind="national")
        pvl.health, pvl.last_success_at = "ok", NOW - dt.timedelta(hours=8)
        ted.health, ted.health_reason = "broken", "struttura della pagina cambiata: campo CIG assente"
        ted.last_success_at = NOW - dt.timedelta(days=5)
        pipeline = RunRecord(stage="pipeline", trigger="schedule", status="partial", started_at=NOW - dt.timedelta(hours=8),
                             finished_at=NOW - dt.timedelta(hours=7), counts={"scope": "all"}, errors=[])
        session.add(pipeline)
        session.flush()
        crawl = RunRecord(stage="crawl", parent_id=pipeline.id, status="partial", started_at=pipeline.started_at,
                          finished_at=pipeline.finished_at, counts={"notices_new": 2}, errors=[{"source": "ted", "reason": "structure"}])
        session.add(crawl)
        session.flush()
        session.add(RunRecord(stage="crawl", parent_id=crawl.id, source_code="anac_pvl", status="ok",
                              started_at=pipeline.started_at, finished_at=pipeline.finished_at, counts={"notices_new": 2}, errors=[]))
        session.add(RunRecord(stage="crawl", parent_id=crawl.id, source_code="ted", status="failed",
                              started_at=pipeline.started_at, finished_at=pipeline.finished_at, counts={},
                              errors=[{"reason": "structure: required field missing"}]))
        notice = record_notice(session, pvl.id, NoticeData(source_notice_id="n1", title="Servizio di assistenza domiciliare")).notice
        docs = [
            Document(notice_id=notice.id, url="http://x/1.pdf", retrieval_status="retrieved", extraction_status="extracted"),
            Document(notice_id=notice.id, url="http://x/2.pdf", retrieval_status="retrieved", extraction_status="pending"),
            Document(notice_id=notice.id, url="http://x/3.pdf", retrieval_status="retrieved", extraction_status="failed",
                     extraction_reason="encrypted: password required"),
            Document(notice_id=notice.id, url="http://x/4.pdf", retrieval_status="failed", retrieval_reason="http_error: 502"),
            Document(notice_id=notice.id, url="http://x/5.pdf", retrieval_status="failed", retrieval_reason="http_error: 503"),
            Document(notice_id=notice.id, url="http://x/6.pdf", retrieval_status="failed", retrieval_reason="captcha"),
            Document(notice_id=notice.id, url="http://x/7.pdf", retrieval_status="pending"),
            Document(notice_id=notice.id, url="http://x/8.pdf", retrieval_status="skipped",
                     retrieval_reason="out_of_scope: not downloaded"),
        ]
        session.add_all(docs)
        findings = [
            Finding(notice_id=notice.id, rule_code=f"R-TEST-{i}", rule_version="1", result=result, severity="warning",
                    message="m", fingerprint=f"fp{i}")
            for i, result in enumerate(["violation", "violation", "not_verifiable", "compliant"])
        ]
        session.add_all(findings)
        observatory = Observatory(code="CAM", name="Osservatorio Campania", istat_region="15", recipients=["a@b.it"])
        session.add(observatory)
        session.flush()
        sent = AlertDelivery(observatory_id=observatory.id, alert_type="finding-digest", message_id="<a@x>", state="sent")
        failed = AlertDelivery(observatory_id=observatory.id, alert_type="finding-digest", message_id="<b@x>", state="failed",
                               attempts=5, last_error="550 mailbox unavailable")
        session.add_all([sent, failed])
        session.flush()
        session.add(AlertDeliveryFinding(delivery_id=sent.id, finding_id=findings[0].id, observatory_id=observatory.id))
        return {"pipeline": pipeline.id}


def test_status_json_reports_last_night(engine: Engine, settings_env: Path) -> None:
    ids = _seed(engine)
    result = CliRunner().invoke(cli, ["status", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    run = data["runs"][0]
    assert (run["id"], run["trigger"], run["status"]) == (ids["pipeline"], "schedule", "partial")
    crawl = run["stages"][0]
    assert crawl["stage"] == "crawl" and {s["source"]: s["status"] for s in crawl["sources"]} == {"anac_pvl": "ok", "ted": "failed"}
    sources = {s["code"]: s for s in data["sources"]}
    assert sources["ted"]["health"] == "broken" and "struttura" in sources["ted"]["reason"]
    assert sources["anac_pvl"]["health"] == "ok" and sources["anac_pvl"]["last_success_at"] is not None
    docs = data["documents"]
    assert docs["total"] == 8
    assert docs["retrieval"] == {"pending": 1, "retrieved": 3, "failed": 3, "skipped": 1}
    assert docs["retrieval_failed_by_reason"] == {"http_error": 2, "captcha": 1}
    assert docs["extraction"] == {"pending": 1, "extracted": 1, "failed": 1, "skipped": 0}
    assert docs["extraction_failed_by_reason"] == {"encrypted": 1}
    findings = data["findings"]
    assert findings["current"] == {"violation": 2, "not_verifiable": 1, "compliant": 1}
    assert findings["awaiting_delivery"] == {"violation": 1, "not_verifiable": 1}  # one violation already went out
    outbox = data["outbox"]
    assert outbox["by_state"] == {"pending": 0, "sending": 0, "sent": 1, "failed": 1}
    assert [(d["observatory"], d["attempts"], d["last_error"]) for d in outbox["undelivered"]] == [("CAM", 5, "550 mailbox unavailable")]
    assert data["schedule"]["cron"] == "30 3 * * *" and data["schedule"]["next_run_at"] is not None
    assert data["pipeline_running"] is None


def test_status_text_tells_a_newcomer_what_happened(engine: Engine, settings_env: Path) -> None:
    _seed(engine)
    result = CliRunner().invoke(cli, ["status"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "schedule  30 3 * * * (Europe/Rome)" in text and "scheduler NOT running" in text
    assert "schedule  partial" in text
    assert "! ted: failed, 1 error(s): structure: required field missing" in text
    assert "not retrieved, http_error: 2" in text
    assert "awaiting delivery: 1 violation(s), 1 not verifiable" in text
    assert "CAM finding-digest failed after 5 attempt(s): 550 mailbox unavailable" in text


def test_status_on_an_empty_database_says_how_to_start(engine: Engine, settings_env: Path) -> None:
    result = CliRunner().invoke(cli, ["status"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "none yet: `observatory run`" in result.output


def test_trend_flags_a_flapping_source_the_single_run_verdict_misses() -> None:
    now = NOW
    assert assess_trend(["ok", "failed", "ok", "failed", "partial", "ok"], now, now, now=now).state == "degraded"
    assert assess_trend(["ok", "ok", "ok", "failed", "ok", "ok"], now, now, now=now).state == "ok"
    stale = assess_trend(["ok"], now - dt.timedelta(days=6), now, now=now)
    assert stale.state == "degraded" and "nessuna scansione completa" in stale.reason
    assert assess_trend([], None, None, now=now).state == "unknown"


def test_refresh_escalates_but_keeps_declared_states(engine: Engine) -> None:
    with session_scope(engine) as session:
        flappy = upsert_source(session, "flappy", name="Flappy")
        denied = upsert_source(session, "denied", name="Denied")
        flappy.health, flappy.last_success_at = "ok", NOW
        denied.health = "robots_denied"
        for i, status in enumerate(["failed", "ok", "failed", "partial"]):
            for code in ("flappy", "denied"):
                session.add(RunRecord(stage="crawl", source_code=code, status=status,
                                      started_at=NOW - dt.timedelta(days=i), counts={}, errors=[]))
    with session_scope(engine) as session:
        changed = refresh_source_health(session)
    assert changed == {"flappy": "degraded"}
    with session_scope(engine) as session:
        rows = {s.code: s for s in source_health(session)}
        assert rows["flappy"].state == "degraded" and rows["denied"].state == "robots_denied"
