"""Rules configuration: defaults as data (each rule's options with their sources in
`rules/data/calibration.yaml`, its severity in code), overrides in one YAML file an Observatory edits.
Unknown rule ids or keys are errors, values keep their types.

    rules:
      R-BASE-2:
        severity: critical          # info | warning | critical
        tolerance_pct: 1.5          # any key of calibration.yaml for this rule
      R-CRIT-3:
        enabled: false
    profiles:                       # optional: replaces rules/data/profiles.yaml
      - {pattern: "\\boss\\b", level: C1, status: verified}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rules.base import SEVERITIES, Rule
from rules.errors import RulesConfigError
from rules.legal import DATA_DIR, LegalData, load_legal_data
from rules.registry import all_rules, rules_by_code

TOP_LEVEL_KEYS = ("rules", "profiles")
RULE_KEYS = ("severity", "enabled")


@dataclass
class RulesConfig:
    severities: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)
    profiles: list[dict[str, Any]] | None = None
    tables_dir: Path | None = None
    source: str = "defaults"
    data_dir: Path = DATA_DIR  # another copy of rules/data (tests of the data's own readings)
    _legal: LegalData | None = None

    @property
    def legal(self) -> LegalData:
        if self._legal is None:
            self._legal = load_legal_data(self.data_dir, self.tables_dir, self.profiles)
        return self._legal

    def instantiate(self, classes: list[type[Rule]] | None = None, *, subject: str = "notice") -> list[Rule]:
        """The enabled rules with their options (calibrated defaults, then the configuration's) and severity.
        Without `classes`, the rules that judge `subject` (notices by default; "tariff" for the R-ACC rules)."""
        if classes is None:
            classes = [cls for cls in all_rules() if cls.subject == subject]
        calibration = self.legal.calibration
        return [cls({**{k: c.value for k, c in calibration.get(cls.code, {}).items()}, **self.options.get(cls.code, {})},
                    self.severities.get(cls.code))
                for cls in classes if cls.code not in self.disabled]

    def rule_options(self, code: str) -> dict[str, Any]:
        """A rule's effective options (for `rules list`)."""
        return {**{k: c.value for k, c in self.legal.calibration.get(code, {}).items()}, **self.options.get(code, {})}


def _check_type(code: str, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = type(default)(value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise RulesConfigError(f"rules configuration: {code}.{key} must be {type(default).__name__}, got {value!r}")
    return value


def parse_config(raw: Any, *, source: str = "<config>", tables_dir: Path | None = None,
                 data_dir: Path = DATA_DIR, legal: LegalData | None = None) -> RulesConfig:
    """`legal`: legal data already loaded from `data_dir` and `tables_dir` (tests and benchmarks share one)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RulesConfigError(f"{source}: the rules configuration must be a mapping with keys {TOP_LEVEL_KEYS}")
    unknown = sorted(set(raw) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise RulesConfigError(f"{source}: unknown key {', '.join(unknown)} (allowed: {', '.join(TOP_LEVEL_KEYS)})")
    config = RulesConfig(tables_dir=tables_dir, source=source, data_dir=data_dir, _legal=legal)
    if "profiles" in raw:
        if not isinstance(raw["profiles"], list) or not raw["profiles"]:
            raise RulesConfigError(f"{source}: profiles must be a non-empty list of {{pattern, level, status}}")
        config.profiles = raw["profiles"]
        config._legal = None  # the profiles override changes the legal data
    calibration = config.legal.calibration  # validates the legal data (and the profiles override) now, not mid-run
    known = rules_by_code()
    for code, settings in (raw.get("rules") or {}).items():
        if code not in known:
            raise RulesConfigError(f"{source}: unknown rule {code!r}; known: {', '.join(known)}")
        settings = settings or {}
        if not isinstance(settings, dict):
            raise RulesConfigError(f"{source}: {code} must be a mapping of keys to values")
        defaults = {k: c.value for k, c in calibration.get(code, {}).items()}
        allowed = set(RULE_KEYS) | set(defaults)
        bad = sorted(set(settings) - allowed)
        if bad:
            raise RulesConfigError(f"{source}: unknown key {', '.join(bad)} for {code} (allowed: {', '.join(sorted(allowed))})")
        if "severity" in settings:
            if settings["severity"] not in SEVERITIES:
                raise RulesConfigError(f"{source}: {code}.severity must be one of {', '.join(SEVERITIES)}")
            config.severities[code] = settings["severity"]
        if "enabled" in settings:
            if not isinstance(settings["enabled"], bool):
                raise RulesConfigError(f"{source}: {code}.enabled must be true or false")
            if not settings["enabled"]:
                config.disabled.add(code)
        options = {k: _check_type(code, k, v, defaults[k]) for k, v in settings.items() if k not in RULE_KEYS}
        if options:
            config.options[code] = options
    return config


def load_config(path: Path | None = None, *, tables_dir: Path | None = None) -> RulesConfig:
    if path is None:
        return parse_config({}, tables_dir=tables_dir)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesConfigError(f"rules configuration file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise RulesConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse_config(raw, source=str(path), tables_dir=tables_dir)

