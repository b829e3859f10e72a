"""The engine on SQLite and PostgreSQL: scope recorded, findings written once, changes supersede."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from db.models import ContractExecution, Finding, Notice, NoticeTerms, PaymentIndicator
from rules.config import parse_config
from rules.engine import RuleFilters, run_rules
from rules.registry import rules_by_code
from tests.rules import factories as f

CONFIG = parse_config({})


def _findings(session, **where):  # type: ignore[no-untyped-def]
    query = select(Finding)
    for key, value in where.items():
        query = query.where(getattr(Finding, key) == value)
    return list(session.scalars(query.order_by(Finding.id)))


def test_run_writes_findings_once(session) -> None:  # type: ignore[no-untyped-def]
    src, auth = f.source(session), f.authority(session)
    n = f.notice(session, src, auth)
    session.commit()

    first = run_rules(session, config=CONFIG)
    session.commit()
    assert first.notices_in_scope == 1
    written = first.findings_written
    assert written == sum(first.verdicts.values()) > 15
    assert session.get(Notice, n.id).in_scope is True
    assert "CPV 85312000" in session.get(Notice, n.id).scope_reason

    base2 = _findings(session, rule_code="R-BASE-2")[0]
    assert base2.result == "violation" and base2.severity == "critical" and base2.uses_estimate is True
    assert "€ 19,89/h contro € 23,65/h del CCNL (livello C2, ottobre 2025): -15,9 %" in base2.message
    assert base2.figures["gap_pct"] == -15.9
    assert base2.evidence[0]["page"] == 4 and base2.evidence[0]["text"].startswith("costi della manodopera")
    assert base2.evidence[0]["url"] == "https://example.org/N1/disciplinare.pdf"  # document, page, sentence

    assert first.counts()["verdict_violation"] == first.violation > 0
    assert first.counts()["findings_written"] == written
    second = run_rules(session, config=CONFIG)
    session.commit()
    assert second.findings_written == 0 and second.findings_unchanged == written
    assert session.scalar(select(func.count()).select_from(Finding)) == written


def test_changed_verdict_supersedes_the_old_finding(session) -> None:  # type: ignore[no-untyped-def]
    src, auth = f.source(session), f.authority(session)
    n = f.notice(session, src, auth)
    session.commit()
    run_rules(session, config=CONFIG)
    session.commit()
    old = _findings(session, rule_code="R-BASE-2")[0]

    terms = session.get(NoticeTerms, n.id)
    terms.fields = {**terms.fields, "labour_cost": {"value": 240000, "evidence": [{"page": 4, "text": "€ 240.000,00"}]}}
    session.commit()
    summary = run_rules(session, config=CONFIG)
    session.commit()
    # Only the rules that read the labour cost have new figures; the other findings stay as they were.
    assert summary.findings_written == summary.findings_superseded == 4
    changed = {r.rule_code for r in _findings(session) if r.supersedes_id is not None}
    assert changed == {"R-BASE-1", "R-BASE-2", "R-BASE-3", "R-BASE-4"}
    rows = _findings(session, rule_code="R-BASE-2")
    assert [r.result for r in rows] == ["violation", "compliant"]
    assert rows[0].is_current is False and rows[1].is_current is True and rows[1].supersedes_id == old.id

    # Back to the first figure: a third finding (A -> B -> A), no clash on the fingerprint.
    terms.fields = {**terms.fields, "labour_cost": {"value": 198900, "evidence": [{"page": 4, "text": "costi della manodopera € 198.900,00"}]}}
    session.commit()
    run_rules(session, config=CONFIG)
    session.commit()
    rows = _findings(session, rule_code="R-BASE-2")
    assert [r.result for r in rows] == ["violation", "compliant", "violation"]
    assert [r.is_current for r in rows] == [False, False, True]
    assert rows[2].supersedes_id == rows[1].id and rows[2].fingerprint != rows[0].fingerprint
    again = run_rules(session, config=CONFIG)
    assert again.findings_written == 0


def test_new_rule_version_is_a_new_finding(session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src, auth = f.source(session), f.authority(session)
    f.notice(session, src, auth)
    session.commit()
    run_rules(session, config=CONFIG, filters=RuleFilters(rules=["R-CCNL-1"]))
    session.commit()
    monkeypatch.setattr(rules_by_code()["R-CCNL-1"], "version", "2")
    summary = run_rules(session, config=CONFIG, filters=RuleFilters(rules=["R-CCNL-1"]))
    session.commit()
    assert summary.findings_written == 1 and summary.findings_superseded == 1
    assert [(r.rule_version, r.is_current) for r in _findings(session, rule_code="R-CCNL-1")] == [("1", False), ("2", True)]


def test_dry_run_writes_nothing(session) -> None:  # type: ignore[no-untyped-def]
    src = f.source(session)
    n = f.notice(session, src, None)
    session.commit()
    summary = run_rules(session, config=CONFIG, dry_run=True, collect_rows=True)
    session.commit()
    assert summary.verdicts["violation"] >= 1 and summary.rows
    assert session.scalar(select(func.count()).select_from(Finding)) == 0
    assert session.get(Notice, n.id).in_scope is False  # not even the scope is recorded


def test_out_of_scope_notice_has_no_findings_but_its_scope_is_recorded(session) -> None:  # type: ignore[no-untyped-def]
    src = f.source(session)
    n = f.notice(session, src, None, title="Lavori di rifacimento del manto stradale", cpv="45233000", fields={})
    session.commit()
    summary = run_rules(session, config=CONFIG)
    session.commit()
    assert summary.notices_seen == 1 and summary.notices_in_scope == 0 and summary.findings_written == 0
    row = session.get(Notice, n.id)
    assert row.in_scope is False and row.scope_reason.startswith("fuori ambito")


def test_unread_documents_make_a_missing_clause_not_verifiable(session) -> None:  # type: ignore[no-untyped-def]
    src = f.source(session)
    fields = {k: v for k, v in f.SOCIAL_FIELDS.items() if k != "social_clause"}
    f.notice(session, src, None, fields=fields, all_read=False, documents=[
        {"url": "https://example.org/disciplinare.pdf"},
        {"url": "https://example.org/capitolato.pdf", "retrieval_status": "failed", "retrieval_reason": "timeout",
         "extraction_status": "pending"},
    ])
    f.notice(session, src, None, key="N2", fields=fields, all_read=True, cig="B7654321BB")
    session.commit()
    run_rules(session, config=CONFIG, filters=RuleFilters(rules=["R-SOC-1"]))
    session.commit()
    first, second = _findings(session, rule_code="R-SOC-1")
    assert first.result == "not_verifiable"
    assert "capitolato.pdf non recuperato (timeout)" in first.reason
    assert second.result == "violation"
    # The absence is traced to the documents read in full.
    assert [e["url"] for e in second.evidence] == ["https://example.org/N2/disciplinare.pdf"]


def test_execution_and_payment_data_reach_the_rules(session) -> None:  # type: ignore[no-untyped-def]
    src, auth = f.source(session), f.authority(session)
    f.notice(session, src, auth)
    session.add(ContractExecution(cig="B1234567AA", source="anac_bdncp", awarded_amount=Decimal("200000"),
                                  discount_pct=Decimal("12.5"), awarded_on=dt.date(2025, 12, 20),
                                  start_on=dt.date(2024, 3, 1), end_on=dt.date(2027, 2, 28), events=[]))
    session.add(PaymentIndicator(authority_id=auth.id, period="2025-Q2", itp_days=Decimal("42.5"),
                                 sign_convention="DPCM 22/9/2014: giorni oltre la scadenza, ponderati; negativo = in anticipo",
                                 source="trasparenza", overdue_debt=Decimal("1000")))
    session.commit()
    run_rules(session, config=CONFIG, filters=RuleFilters(families=["R-PAY", "R-ANOM", "R-REV"]))
    session.commit()
    by_rule = {row.rule_code: row for row in _findings(session)}
    assert by_rule["R-PAY-2"].result == "violation" and by_rule["R-PAY-2"].severity == "critical"
    assert by_rule["R-ANOM-2"].result == "violation" and by_rule["R-ANOM-2"].figures["awarded_amount"] == 200000
    assert by_rule["R-PAY-3"].result == "violation"
    assert "R-REV-4" in by_rule


def test_filters(session) -> None:  # type: ignore[no-untyped-def]
    src, other = f.source(session), f.source(session, "sintel")
    piemonte, lazio = f.authority(session), f.authority(session, "00999888777", region="12", name="Comune di Roma")
    a = f.notice(session, src, piemonte, key="A", published_on=dt.date(2025, 1, 10))
    b = f.notice(session, other, lazio, key="B", published_on=dt.date(2025, 6, 10), cig="B0000000BB")
    session.commit()

    def notices(**kwargs):  # type: ignore[no-untyped-def]
        summary = run_rules(session, config=CONFIG, dry_run=True, collect_rows=True, filters=RuleFilters(**kwargs))
        return sorted({row["notice_id"] for row in summary.rows}), {row["rule"] for row in summary.rows}

    assert notices(region="12")[0] == [b.id]
    assert notices(authority="00100200300")[0] == [a.id]
    assert notices(source="sintel")[0] == [b.id]
    assert notices(date_from=dt.date(2025, 3, 1))[0] == [b.id]
    assert notices(date_to=dt.date(2025, 3, 1))[0] == [a.id]
    assert notices(rules=["R-BASE-2"])[1] == {"R-BASE-2"}
    assert notices(families=["R-SOC"])[1] == {"R-SOC-1", "R-SOC-2", "R-SOC-3"}


def test_disabled_rule_and_severity_override(session) -> None:  # type: ignore[no-untyped-def]
    src = f.source(session)
    f.notice(session, src, None)
    session.commit()
    config = parse_config({"rules": {"R-BASE-2": {"severity": "warning"}, "R-CCNL-1": {"enabled": False}}})
    run_rules(session, config=config)
    session.commit()
    assert _findings(session, rule_code="R-CCNL-1") == []
    assert _findings(session, rule_code="R-BASE-2")[0].severity == "warning"


def test_the_installation_configuration_comes_from_the_settings(session, settings_env, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kernel.settings import get_settings
    from observatory.app import rules_config

    config_file = tmp_path / "rules.yaml"
    config_file.write_text("rules:\n  R-BASE-2: {severity: info}\n")
    monkeypatch.setenv("OBSERVATORY_RULES_CONFIG", str(config_file))
    get_settings.cache_clear()
    f.notice(session, f.source(session), None)
    session.commit()
    run_rules(session, config=rules_config(get_settings()), filters=RuleFilters(rules=["R-BASE-2"]))
    session.commit()
    assert _findings(session, rule_code="R-BASE-2")[0].severity == "info"


def test_one_evaluation_per_tender(session) -> None:  # type: ignore[no-untyped-def]
    src, other = f.source(session), f.source(session, "ted")
    original = f.notice(session, src, None)
    duplicate = f.notice(session, other, None, key="TED-1")
    rettifica = f.notice(session, src, None, key="N1-R", cig="B7654321BB")
    duplicate.canonical_id = original.id
    rettifica.corrects_id = original.id
    old_version = f.notice(session, src, None, key="N0", cig="B1111111CC")
    old_version.is_current = False
    session.commit()
    summary = run_rules(session, config=CONFIG, filters=RuleFilters(rules=["R-CCNL-1"]))
    session.commit()
    assert summary.notices_seen == 1
    assert {row.notice_id for row in _findings(session)} == {original.id}
