"""Every registered rule has its metadata, its methodology docstring and its case file; every case file
names a registered rule; the registry is explicit and one rule lives in one file named by its code."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import yaml

from rules.base import DOCSTRING_SECTIONS, SEVERITIES
from rules.registry import FAMILIES, all_rules

CASES_DIR = Path(__file__).parent / "cases"
RULES = all_rules()
EXPECTED = {
    "R-CCNL": 4, "R-BASE": 4, "R-SOC": 3, "R-REV": 4, "R-CRIT": 3, "R-ANOM": 2, "R-PAY": 3, "R-CAS": 3, "R-ACC": 6,
}


def test_every_rule_of_the_issue_is_registered() -> None:
    codes = {r.code for r in RULES}
    wanted = {f"{family}-{n}" for family, count in EXPECTED.items() for n in range(1, count + 1)}
    assert codes == wanted


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_metadata(rule: type) -> None:
    assert re.fullmatch(r"R-[A-Z]+-\d+", rule.code)
    assert rule.family in FAMILIES and rule.code.startswith(rule.family + "-")
    assert rule.severity in SEVERITIES
    assert rule.version and rule.legal_basis and re.fullmatch(r"[a-z_]+\.[a-z_]+", rule.name)
    assert rule.applies_to, "a rule declares the scope tags it applies to"
    module = Path(inspect.getfile(rule))
    assert module.stem == rule.code.lower().replace("-", "_"), "one rule per file, named by its code"
    assert rule.__name__ == rule.code.replace("-", "_")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_is_the_methodology(rule: type) -> None:
    doc = inspect.getdoc(rule) or ""
    summary = doc.splitlines()[0] if doc else ""
    assert summary.endswith("."), "the first line is a one-sentence description"
    positions = []
    for section in DOCSTRING_SECTIONS:
        assert section in doc, f"{rule.code}: docstring section {section!r} missing"
        positions.append(doc.index(section))
        body = doc.split(section, 1)[1].strip().split("\n\n")[0]
        assert len(body) > 20, f"{rule.code}: section {section!r} is empty"
    assert positions == sorted(positions), f"{rule.code}: sections out of order"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_case_file_covers_each_result(rule: type) -> None:
    path = CASES_DIR / f"{rule.code}.yml"
    assert path.is_file(), f"{rule.code} has no case file {path.name}"
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    if rule.subject == "act":  # the watch (R-ACC-6): info only, a title matches or not
        assert {case["expect"]["match"] for case in cases.values()} == {True, False}, rule.code
        return
    results = {case["expect"]["result"] for case in cases.values()}
    # A rule that must never give a violation on its evidence alone (R-ACC-3, R-ACC-5) declares its results; its
    # cases still include the situation that looks like one, expected not_verifiable.
    assert results == set(rule.results), (
        f"{rule.code}: needs a flagged case, a not-flagged case and its exclusions (has {sorted(results)})")


def test_only_declared_families_may_never_violate() -> None:
    silent = {r.code for r in RULES if "violation" not in r.results}
    assert silent == {"R-ACC-3", "R-ACC-5", "R-ACC-6"}


@pytest.mark.parametrize("rule", [r for r in RULES if r.family == "R-ACC"], ids=lambda r: r.code)
def test_accreditation_rules_are_at_most_warnings(rule: type) -> None:
    assert rule.severity in ("info", "warning"), "accreditation acts are not tenders (ACCREDITATION.md §6)"
    assert rule.subject in ("tariff", "act")


def test_no_orphan_case_file() -> None:
    codes = {r.code for r in RULES}
    orphans = [p.name for p in CASES_DIR.glob("*.yml") if p.stem not in codes]
    assert not orphans, f"case files without a rule: {orphans}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_configurable_keys_have_defaults_of_simple_types(rule: type) -> None:
    for key, value in rule.config_defaults.items():
        assert isinstance(value, int | float | bool | str), f"{rule.code}.{key}"
