"""`evaluate` without a database, and what it memoises: the plan per scope, the legal look-ups by date,
the fields parsed once per notice. Memoised answers must be the answers."""

from __future__ import annotations

import datetime as dt

from rules.config import parse_config
from rules.context import NoticeContext, context_from_json
from rules.engine import evaluate
from rules.legal import load_legal_data

WORKS = {"notice": {"published_on": "2025-03-10", "cpv": "45233000-9", "title": "Lavori stradali"}, "fields": {}}
SOCIAL = {"notice": {"published_on": "2025-03-10", "cpv": "85312000-9", "title": "Assistenza domiciliare",
                     "all_documents_read": True},
          "fields": {"labour_cost": {"value": 198900, "evidence": [{"page": 4, "text": "costi della manodopera"}]}}}


def _by_code(payload: dict, config=None, rules=None):  # type: ignore[no-untyped-def]
    return {e.rule.code: e for e in evaluate(context_from_json(payload), config or parse_config({}), rules)}


def test_out_of_scope_evaluations_follow_the_configured_severity() -> None:
    rules = parse_config({}).instantiate()  # the same rules, so the same plan, under two configurations
    plain = _by_code(WORKS, rules=rules)["R-CAS-1"]
    assert (plain.applicable, plain.verdict.result, plain.severity) == (False, "not_verifiable", "critical")
    assert "regola fuori ambito" in plain.verdict.message
    configured = parse_config({"rules": {"R-CAS-1": {"severity": "info"}}})
    assert _by_code(WORKS, configured, rules)["R-CAS-1"].severity == "info"
    assert _by_code(WORKS, rules=rules)["R-CAS-1"].severity == "critical"  # the override did not leak
    assert _by_code(WORKS, rules=rules)["R-CAS-1"] is _by_code(WORKS, rules=rules)["R-CAS-1"]  # shared


def test_applicable_evaluations_follow_the_configured_severity() -> None:
    assert _by_code(SOCIAL)["R-SOC-1"].severity == "critical"
    configured = _by_code(SOCIAL, parse_config({"rules": {"R-SOC-1": {"severity": "warning"}}}))["R-SOC-1"]
    assert configured.applicable and configured.severity == "warning"


def test_every_message_reads() -> None:
    for evaluation in evaluate(context_from_json(SOCIAL), parse_config({})):
        assert evaluation.verdict.message.strip()
        assert not evaluation.verdict.message.startswith("Messaggio non disponibile")
    base1 = _by_code(SOCIAL)["R-BASE-1"]
    assert base1.verdict.message == "Costi della manodopera indicati (€ 198.900,00)."
    assert base1.as_dict()["message"] == base1.verdict.message


def test_fields_not_found_are_null_empty_text_or_empty_list() -> None:
    ctx = NoticeContext(fields={
        "a": {"value": None}, "b": {"value": ""}, "c": {"value": []}, "d": "", "e": None,
        "f": {"value": 0, "evidence": [{"page": 2}]}, "g": False, "h": {"value": {}}, "i": {"value": "0"},
    })
    assert [n for n in "abcdefghi" if ctx.field(n) is not None] == ["f", "g", "h", "i"]
    assert ctx.value("f") == 0 and ctx.field("f").evidence == [{"page": 2}]  # type: ignore[union-attr]
    assert ctx.evidence("f") == [{"page": 2, "field": "f"}] and ctx.evidence("a") == []
    assert ctx.evidence("f", "a", "f") == [{"page": 2, "field": "f"}, {"page": 2, "field": "f"}]
    assert ctx.number("f") == 0.0 and ctx.number("i") == 0.0 and ctx.number("a") is None


def test_legal_look_ups_by_date_are_keyed_by_every_argument() -> None:
    legal = load_legal_data()
    day = dt.date(2025, 3, 10)
    old = legal.step_at(day, decree="DD7-2020")
    current = legal.step_at(day)
    assert old is not None and current is not None
    assert (old[0].id, current[0].id) == ("DD7-2020", "DD30-2024")
    assert legal.step_at(day, decree="DD7-2020") == old and legal.step_at(day) == current
    assert legal.threshold("revision", dt.date(2024, 12, 30))["id"] == "art60-original"  # type: ignore[index]
    assert legal.threshold("revision", dt.date(2024, 12, 31))["id"] == "art60-correttivo"  # type: ignore[index]
    assert legal.threshold("award", day) is not legal.threshold("payment", day)
    assert legal.cas_capitolato(day) is legal.cas_capitolato(day)
    crossed = legal.steps_between(dt.date(2024, 3, 1), dt.date(2025, 3, 1))
    assert [s.id for _, s in crossed] == [s.id for _, s in legal.steps_between(dt.date(2024, 3, 1), dt.date(2025, 3, 1))]
    assert legal.steps_between(dt.date(2024, 3, 1), dt.date(2024, 3, 2)) == []


def test_a_list_of_rules_changed_in_place_is_planned_again() -> None:
    config = parse_config({})
    rules = config.instantiate()
    assert len(evaluate(context_from_json(SOCIAL), config, rules)) == len(rules)
    del rules[3:]
    assert [e.rule.code for e in evaluate(context_from_json(SOCIAL), config, rules)] == [r.code for r in rules]
