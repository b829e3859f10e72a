"""The rules configuration file: overrides apply; unknown ids, keys and wrong types are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.config import load_config, parse_config
from rules.errors import LegalDataError, RulesConfigError


def test_defaults_cover_every_rule() -> None:
    config = parse_config({})
    assert len(config.instantiate()) == 26
    rule = next(r for r in config.instantiate() if r.code == "R-BASE-2")
    # The defaults are data (calibration.yaml), each with its source.
    assert rule.options == {"tolerance_pct": 1.0, "tolerance_estimated_pct": 2.0, "info_below_pct": 2.0,
                            "critical_above_pct": 5.0, "old_table_match_pct": 1.5}
    assert config.legal.calibration["R-BASE-2"]["tolerance_pct"].source.startswith("CCNL_COSTS.md")
    assert next(r for r in config.instantiate() if r.code == "R-SOC-1").options == {}


def test_overrides(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  R-BASE-2:\n    severity: warning\n    tolerance_pct: 1\n  R-CRIT-3:\n    enabled: false\n")
    config = load_config(path)
    rules = {r.code: r for r in config.instantiate()}
    assert "R-CRIT-3" not in rules
    assert rules["R-BASE-2"].effective_severity == "warning"
    assert rules["R-BASE-2"].options["tolerance_pct"] == 1.0 and isinstance(rules["R-BASE-2"].options["tolerance_pct"], float)
    assert rules["R-BASE-2"].options["tolerance_estimated_pct"] == 2.0  # the others keep their calibrated values
    assert config.rule_options("R-BASE-2")["tolerance_pct"] == 1.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"rule": {}}, "unknown key rule"),
        ({"rules": {"R-XXX-9": {}}}, "unknown rule 'R-XXX-9'"),
        ({"rules": {"R-BASE-2": {"tolerance": 1}}}, "unknown key tolerance for R-BASE-2"),
        ({"rules": {"R-SOC-1": {"tolerance_pct": 1}}}, "unknown key tolerance_pct for R-SOC-1"),
        ({"rules": {"R-BASE-2": {"tolerance_pct": "uno"}}}, "R-BASE-2.tolerance_pct must be float"),
        ({"rules": {"R-BASE-2": {"tolerance_pct": True}}}, "must be float"),
        ({"rules": {"R-BASE-2": {"severity": "high"}}}, "severity must be one of"),
        ({"rules": {"R-BASE-2": {"enabled": "no"}}}, "enabled must be true or false"),
        ({"rules": {"R-BASE-2": 3}}, "must be a mapping"),
        ({"profiles": []}, "profiles must be a non-empty list"),
        (["R-BASE-2"], "must be a mapping"),
    ],
)
def test_errors(raw: object, message: str) -> None:
    with pytest.raises(RulesConfigError, match=message):
        parse_config(raw)


def test_profiles_override_is_validated() -> None:
    with pytest.raises(LegalDataError, match="unknown level 'Z9'"):
        parse_config({"profiles": [{"pattern": "oss", "level": "Z9", "status": "verified"}]})
    config = parse_config({"profiles": [{"pattern": "\\boss\\b", "level": "C1", "status": "verified"}]})
    assert config.legal.level_for_profile("OSS").level == "C1"


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(RulesConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [unclosed\n")
    with pytest.raises(RulesConfigError, match="not valid YAML"):
        load_config(bad)
