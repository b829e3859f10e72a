"""False violations as a tested property on whole notices: every lawful notice of lawful_notices.yml (the legal
audit's, completed, and our own) goes through all 26 rules, and no rule may call it a violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.config import parse_config
from rules.context import context_from_json
from rules.engine import evaluate
from rules.legal import load_legal_data
from tests.rules.test_rule_cases import _jsonable_dates, _merge

DATA = yaml.safe_load((Path(__file__).parent / "lawful_notices.yml").read_text(encoding="utf-8"))
CONFIG = parse_config({}, legal=load_legal_data())


@pytest.mark.parametrize("name", sorted(DATA["notices"]))
def test_no_rule_flags_a_lawful_notice(name: str) -> None:
    case: dict[str, Any] = DATA["notices"][name] or {}
    notice = _merge(DATA["base"]["notice"], case.get("notice") or {})
    fields = _merge(DATA["base"]["fields"], case.get("fields") or {})
    results = evaluate(context_from_json(_jsonable_dates({"notice": notice, "fields": fields})), CONFIG)
    flagged = [f"{e.rule.code} [{e.severity}]: {e.verdict.message}" for e in results if e.verdict.result == "violation"]
    assert not flagged, "\n".join(flagged)


def test_the_audit_notices_are_all_here() -> None:
    from tests.rules.test_rule_meta import AUDIT_LAWFUL

    assert {f"audit_{n}" for n in AUDIT_LAWFUL} <= set(DATA["notices"])
