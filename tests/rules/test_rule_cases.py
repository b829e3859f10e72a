"""Every rule against its YAML cases (`tests/rules/cases/<RULE>.yml`, format in cases/README.md)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.config import parse_config
from rules.context import context_from_json
from rules.engine import evaluate
from rules.legal import DATA_DIR, load_legal_data
from rules.registry import rules_by_code

CASES_DIR = Path(__file__).parent / "cases"
LEGAL = load_legal_data()  # shared by the cases that do not replace a data file


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in (over or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        defaults = data.get("defaults") or {}
        for name, case in data["cases"].items():
            params.append(pytest.param(path.stem, name, defaults, case, id=f"{path.stem}-{name}"))
    return params


def _jsonable_dates(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dict):
        return {k: _jsonable_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _assert_subset(expected: Any, actual: Any, path: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing from {sorted(actual)}"
            _assert_subset(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r} != {expected!r}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _assert_subset(want, got, f"{path}[{index}]")
    elif isinstance(expected, float | int) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, abs=0.01), f"{path}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def _data_dir(tmp_path: Path, overrides: dict[str, Any]) -> Path:
    """A copy of rules/data with some files replaced (a case that needs, say, a verified reference price)."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    for name, content in overrides.items():
        (target / name).write_text(yaml.safe_dump(_jsonable_dates(content), allow_unicode=True), encoding="utf-8")
    return target


def _tariff_case(rule_class: type, defaults: dict[str, Any], case: dict[str, Any], config: Any,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    """R-ACC tariff rules: `tariff:` instead of notice and fields; `basis_verified: true` marks the legal basis
    of R-ACC-4 verified, as an analyst would after reading it on Normattiva."""
    import dataclasses

    from rules.accreditation import data
    from rules.accreditation.context import tariff_from_mapping
    from rules.tariff_engine import evaluate_tariff

    if case.get("basis_verified"):
        verified = dataclasses.replace(data.load(), lea_status="verified")
        monkeypatch.setattr(data, "load", lambda *a, **k: verified)
    ctx = tariff_from_mapping(_merge(defaults.get("tariff") or {}, case.get("tariff") or {}))
    [evaluation] = evaluate_tariff(ctx, config, config.instantiate([rule_class]))
    _check(evaluation, case["expect"])


def _act_case(rule_class: type, case: dict[str, Any]) -> None:
    from rules.accreditation.context import ActContext
    from rules.notice_input import iso_date

    act = dict(case["act"])
    act["act_date"] = iso_date(act.get("act_date"), "act_date")
    match = rule_class().evaluate(ActContext(**act))
    expect = case["expect"]
    assert (match is not None) is expect["match"], f"{act['title']!r}: {match}"
    for key in ("tariff_terms", "service_terms"):
        if key in expect:
            assert list(getattr(match, key)) == expect[key]


@pytest.mark.parametrize(("code", "name", "defaults", "case"), load_cases())
def test_rule_case(code: str, name: str, defaults: dict[str, Any], case: dict[str, Any], tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    rule_class = rules_by_code()[code]
    if rule_class.subject == "act":
        _act_case(rule_class, case)
        return
    if case.get("lawful"):  # a notice that breaks no law: never a violation (see test_rule_meta)
        assert case["expect"]["result"] != "violation", "a lawful case cannot expect a violation"
    raw = {"rules": {code: case["config"]}} if case.get("config") else {}
    if case.get("data"):
        config = parse_config(raw, data_dir=_data_dir(tmp_path, case["data"]))
    else:
        config = parse_config(raw, legal=LEGAL)
    if rule_class.subject == "tariff":
        _tariff_case(rule_class, defaults, case, config, monkeypatch)
        return
    notice = _merge(defaults.get("notice") or {}, case.get("notice") or {})
    fields = _merge(defaults.get("fields") or {}, case.get("fields") or {})
    ctx = context_from_json(_jsonable_dates({"notice": notice, "fields": fields}))
    [evaluation] = evaluate(ctx, config, config.instantiate([rule_class]))
    _check(evaluation, case["expect"])


def _check(evaluation: Any, expect: dict[str, Any]) -> None:
    verdict, expect = evaluation.verdict, _jsonable_dates(expect)
    assert verdict.result == expect["result"], f"{verdict.result}: {verdict.message} / {verdict.reason}"
    if "severity" in expect:
        assert evaluation.severity == expect["severity"], verdict.message
    if "uses_estimate" in expect:
        assert verdict.uses_estimate is expect["uses_estimate"]
    if "figures" in expect:
        _assert_subset(expect["figures"], verdict.figures, "figures")
    for text in expect.get("message_contains", []):
        assert text in verdict.message, f"{text!r} not in {verdict.message!r}"
    for text in expect.get("reason_contains", []):
        assert verdict.reason and text in verdict.reason, f"{text!r} not in reason {verdict.reason!r}"
    if "evidence_pages" in expect:
        assert sorted(e.get("page") for e in verdict.evidence if e.get("page")) == sorted(expect["evidence_pages"])
    assert verdict.message.strip(), "every verdict has a message"
    if verdict.result == "not_verifiable":
        assert verdict.reason, "a not_verifiable verdict says why"
