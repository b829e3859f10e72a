"""Every registered rule has its metadata, its methodology docstring and its case file; every case file
names a registered rule; the registry is explicit and one rule lives in one file named by its code.
False violations are a tested property: every rule has lawful cases (notices that break no law, from the
legal audit and of our own), and each of the audit's lawful notices is among them."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import yaml

from rules.base import DOCSTRING_SECTIONS, SEVERITIES
from rules.legal import load_legal_data
from rules.registry import FAMILIES, all_rules

CASES_DIR = Path(__file__).parent / "cases"
RULES = all_rules()
EXPECTED = {
    "R-CCNL": 4, "R-BASE": 4, "R-SOC": 3, "R-REV": 4, "R-CRIT": 3, "R-ANOM": 2, "R-PAY": 3, "R-CAS": 3, "R-ACC": 6,
}
# The lawful notices run in ../shared/RULES_AUDIT.md (appendix) that got a false violation: each must be a
# lawful case (compliant or not verifiable) of every rule that flagged it.
AUDIT_LAWFUL = {
    "works_nido": ["R-CRIT-1", "R-SOC-1", "R-BASE-1", "R-REV-1", "R-CCNL-4"],
    "supply_rsa": ["R-CCNL-1", "R-BASE-1", "R-SOC-1", "R-REV-1", "R-CRIT-1"],
    "design_7993": ["R-CCNL-1", "R-BASE-1", "R-SOC-1", "R-REV-1", "R-CRIT-1"],
    "catering_nido": ["R-CCNL-2"],
    "cleaning_rsa": ["R-CCNL-2"],
    "transport_disabili": ["R-CCNL-4"],
    "crit1_cleaning_share40": ["R-CRIT-1"],
    "crit1_direct_no_amount": ["R-CRIT-1", "R-SOC-1"],
    "crit2_presumed": ["R-CRIT-2"],
    "crit2_catering_presumed": ["R-CRIT-2"],
    "base1_discount_on_total": ["R-BASE-1"],
    "base2_before_dd30_issued": ["R-BASE-2"],
    "base2_tiny_gap": ["R-BASE-2"],
    "base2_cleaning_no_ccnl": ["R-BASE-2"],
    "base3_oltre_sicurezza": ["R-BASE-3"],
    "base4_cas_40": ["R-BASE-4"],
    "soc3_compatibile": ["R-SOC-3"],
    "pay1_regolare_esecuzione": ["R-PAY-1"],
    "pay1_liquidazione": ["R-PAY-1"],
    "pay1_estar_60": ["R-PAY-1"],
    "rev3_2023_foi": ["R-REV-3"],
    "rev2_2024_excess": ["R-REV-2"],
    "rev1_2023_06": ["R-REV-1"],
    "rev4_small_increase": ["R-REV-4"],
    "rev4_priced_ahead": ["R-REV-4"],
    "cas3_title_centri": ["R-CAS-3"],
    "cas3_single_29": ["R-CAS-3"],
    "cas1_mentions_old": ["R-CAS-1"],
    "anom2_renewal_hours": ["R-ANOM-2"],
    "ccnl3_two_in_one_string": ["R-CCNL-3"],
    "ccnl4_uneba_fullname": ["R-CCNL-4"],
    "crit3_linear": ["R-CRIT-3"],
}
LAWFUL_RESULTS = {"compliant", "not_verifiable"}


def _cases(code: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((CASES_DIR / f"{code}.yml").read_text(encoding="utf-8"))["cases"]


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
def test_legal_basis_states_the_text_and_its_date(rule: type) -> None:
    """The legal basis names the text (a D.Lgs., or says no provision applies) and the date it applies from."""
    basis = (inspect.getdoc(rule) or "").split("Legal basis:", 1)[1].split("Methodology:", 1)[0]
    assert re.search(r"D\.Lgs\.|No provision|No rule of law|As R-REV-1|capitolato", basis), rule.code
    assert re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|from 1/|\b(19|20)\d\d\b", basis), f"{rule.code}: no date in the legal basis"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_case_file_covers_each_result(rule: type) -> None:
    path = CASES_DIR / f"{rule.code}.yml"
    assert path.is_file(), f"{rule.code} has no case file {path.name}"
    cases = _cases(rule.code)
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
    # R-CRIT-3: a linear formula is lawful, an observation on a compliant verdict (RULES_AUDIT.md).
    assert silent == {"R-ACC-3", "R-ACC-5", "R-ACC-6", "R-CRIT-3"}


@pytest.mark.parametrize("rule", [r for r in RULES if r.family == "R-ACC"], ids=lambda r: r.code)
def test_accreditation_rules_are_at_most_warnings(rule: type) -> None:
    assert rule.severity in ("info", "warning"), "accreditation acts are not tenders (ACCREDITATION.md §6)"
    assert rule.subject in ("tariff", "act")


@pytest.mark.parametrize("rule", [r for r in RULES if r.subject != "act"], ids=lambda r: r.code)
def test_every_rule_has_lawful_cases(rule: type) -> None:
    """At least one lawful notice (or tariff) per rule, and a lawful one never expects a violation."""
    lawful = {name: case for name, case in _cases(rule.code).items() if case.get("lawful")}
    assert lawful, f"{rule.code}: no lawful case (one that breaks no law, marked `lawful:`)"
    for name, case in lawful.items():
        assert case["expect"]["result"] in LAWFUL_RESULTS, f"{rule.code}/{name}: a lawful case expects a violation"
        assert re.fullmatch(r"audit:[a-z0-9_]+|own", str(case["lawful"])), f"{rule.code}/{name}: lawful: audit:<case> | own"


@pytest.mark.parametrize(("notice", "codes"), AUDIT_LAWFUL.items(), ids=list(AUDIT_LAWFUL))
def test_each_lawful_notice_of_the_audit_is_a_case(notice: str, codes: list[str]) -> None:
    for code in codes:
        origins = {str(c.get("lawful")) for c in _cases(code).values()}
        assert f"audit:{notice}" in origins, f"{code}: the audit's lawful notice {notice} is not a lawful case"


def test_no_orphan_case_file() -> None:
    codes = {r.code for r in RULES}
    orphans = [p.name for p in CASES_DIR.glob("*.yml") if p.stem not in codes]
    assert not orphans, f"case files without a rule: {orphans}"


def test_options_are_data_with_sources() -> None:
    """Rule options come from calibration.yaml (value and source), only for registered rules, simple types."""
    calibration = load_legal_data().calibration
    codes = {r.code for r in RULES}
    assert set(calibration) <= codes
    for code, options in calibration.items():
        for key, item in options.items():
            assert isinstance(item.value, int | float | bool | str), f"{code}.{key}"
            assert len(item.source) > 10, f"{code}.{key} needs its source"
