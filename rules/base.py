"""The rule base class and the three-state verdict every rule returns.

A rule is one small class in one file (`rules/<family>/r_<family>_<n>.py`) with declarative metadata
(code, name, family, severity, version, legal basis, the scope tags it applies to, its configurable
keys with defaults) and one `evaluate(ctx, legal) -> Verdict`. The docstring is the methodology, with
fixed sections that a meta-test enforces (see DOCSTRING_SECTIONS).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from rules.context import NoticeContext
    from rules.legal import LegalData

RESULTS = ("violation", "compliant", "not_verifiable")
SEVERITIES = ("info", "warning", "critical")
DOCSTRING_SECTIONS = (
    "Why it matters:", "Methodology:", "Exclusions:", "Assumptions:", "Flagged example:", "Not flagged example:",
)
ESTIMATE_NOTE = "Attenzione: il costo di tabella usato è una stima, non ancora verificata sul decreto ministeriale."


@dataclass(slots=True)
class Verdict:
    """What a rule says of one notice. `figures` are structured numbers (the alerts format them);
    `message` is the Italian sentence for the e-mail; `reason` says why a verdict is not_verifiable."""

    result: str
    message: str
    reason: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    severity: str | None = None  # overrides the rule's severity (severity bands)
    uses_estimate: bool = False

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"unknown verdict result {self.result!r}")
        if self.severity is not None and self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")


def violation(message: str, **kwargs: Any) -> Verdict:
    return Verdict("violation", message, **kwargs)


def compliant(message: str, **kwargs: Any) -> Verdict:
    return Verdict("compliant", message, **kwargs)


def not_verifiable(reason: str, message: str | None = None, **kwargs: Any) -> Verdict:
    return Verdict("not_verifiable", message or f"Non verificabile: {reason}.", reason=reason, **kwargs)


class Rule:
    """Base class. Subclasses set the class attributes and implement `evaluate`."""

    code: ClassVar[str]
    name: ClassVar[str]  # dotted, e.g. "ccnl.not_named"
    family: ClassVar[str]  # "R-CCNL", "R-BASE", ...
    severity: ClassVar[str]
    version: ClassVar[str]
    legal_basis: ClassVar[str]
    # Scope tags (rules.scope) of the notices the rule applies to: any one is enough.
    applies_to: ClassVar[tuple[str, ...]] = ("social", "labour_intensive", "cas")
    # Configurable keys with their defaults; the configuration file may override them.
    config_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, options: dict[str, Any] | None = None, severity: str | None = None) -> None:
        self.options = {**self.config_defaults, **(options or {})}
        self.effective_severity = severity or self.severity
        self.scope_tags = frozenset(self.applies_to)

    @classmethod
    def description(cls) -> str:
        return inspect.getdoc(cls).splitlines()[0] if cls.__doc__ else ""

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError
