"""The rule base class and the three-state verdict every rule returns.

A rule is one small class in one file (`rules/<family>/r_<family>_<n>.py`) with declarative metadata
(code, name, family, severity, version, legal basis, the scope tags it applies to) and one
`evaluate(ctx, legal) -> Verdict`. Its options (tolerances, bands, grace periods) are data: their
defaults, with their sources, are in `rules/data/calibration.yaml`, and the rules configuration may
override them. The docstring is the methodology, with fixed sections that a meta-test enforces (see
DOCSTRING_SECTIONS): among them the legal basis with the version of the text and the date from which it
applies, the reading chosen on each open point with its source, and what the rule does not flag and why
(published by `observatory rules docs`).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from rules.context import NoticeContext
    from rules.legal import LegalData

RESULTS = ("violation", "compliant", "not_verifiable")
SEVERITIES = ("info", "warning", "critical")
DOCSTRING_SECTIONS = (
    "Why it matters:", "Legal basis:", "Methodology:", "Does not flag:", "Assumptions:", "Flagged example:",
    "Not flagged example:",
)
log = logging.getLogger(__name__)
ESTIMATE_NOTE = "Attenzione: il costo di tabella usato è una stima, non ancora verificata sul decreto ministeriale."


# A verdict's message: the text, or a function that returns it. Formatting the figures of a message costs more
# than most checks, and a run reads the message only of the findings it writes (an unchanged verdict is
# recognised by its fingerprint, which leaves the message out), so rules pass `lambda: f"..."` when the text
# formats numbers or dates. The function runs at most once, when the message is first read.
Message = str | Callable[[], str]
_RESULTS = frozenset(RESULTS)
_SEVERITIES = frozenset(SEVERITIES)


class Verdict:
    """What a rule says of one notice. `figures` are structured numbers (the alerts format them);
    `message` is the Italian sentence for the e-mail; `reason` says why a verdict is not_verifiable.

    A plain class with slots rather than a dataclass: the engine builds one per notice and applicable
    rule. The helpers below (violation, compliant, not_verifiable) fill a new instance directly, without
    the class call and its check of the result, which they know."""

    __slots__ = ("result", "_message", "reason", "figures", "evidence", "severity", "uses_estimate")
    result: str
    _message: Message | None  # None: "Non verificabile: <reason>."
    reason: str | None
    figures: dict[str, Any]
    evidence: list[dict[str, Any]]
    severity: str | None  # overrides the rule's severity (severity bands)
    uses_estimate: bool

    def __init__(self, result: str, message: Message | None, reason: str | None = None,
                 figures: dict[str, Any] | None = None, evidence: list[dict[str, Any]] | None = None,
                 severity: str | None = None, uses_estimate: bool = False) -> None:
        if result not in _RESULTS:
            raise ValueError(f"unknown verdict result {result!r}")
        _fill(self, result, message, reason, figures, evidence, severity, uses_estimate)

    @property
    def message(self) -> str:
        message = self._message
        if isinstance(message, str):
            return message
        if message is None:
            text = f"Non verificabile: {self.reason}."
        else:
            try:
                text = message()
            except Exception as exc:  # a bug in a message must not stop a run: the verdict itself stands
                log.exception("verdict message failed (%s, %s)", self.result, self.reason)
                text = f"Messaggio non disponibile (errore interno: {type(exc).__name__}: {exc})."
        self._message = text
        return text

    @message.setter
    def message(self, value: str) -> None:
        self._message = value

    def _fields(self) -> tuple[Any, ...]:
        return (self.result, self.message, self.reason, self.figures, self.evidence, self.severity,
                self.uses_estimate)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return (f"Verdict(result={self.result!r}, message={self.message!r}, reason={self.reason!r}, "
                f"figures={self.figures!r}, evidence={self.evidence!r}, severity={self.severity!r}, "
                f"uses_estimate={self.uses_estimate!r})")


# The three ways to build a verdict. Keyword-only arguments rather than **kwargs: these run for most rules on
# every notice, and packing a dict of keywords costs as much as the verdict itself.
def violation(message: Message, *, figures: dict[str, Any] | None = None,
              evidence: list[dict[str, Any]] | None = None, severity: str | None = None,
              uses_estimate: bool = False) -> Verdict:
    return _fill(_new(Verdict), "violation", message, None, figures, evidence, severity, uses_estimate)


def compliant(message: Message, *, figures: dict[str, Any] | None = None,
              evidence: list[dict[str, Any]] | None = None, severity: str | None = None,
              uses_estimate: bool = False) -> Verdict:
    return _fill(_new(Verdict), "compliant", message, None, figures, evidence, severity, uses_estimate)


def not_verifiable(reason: str, message: Message | None = None, *, figures: dict[str, Any] | None = None,
                   evidence: list[dict[str, Any]] | None = None, severity: str | None = None,
                   uses_estimate: bool = False) -> Verdict:
    """`message` defaults to "Non verificabile: <reason>." (built when read)."""
    if not message and figures is None and evidence is None and severity is None and not uses_estimate:
        # A verdict that only says why: a few reasons ("nessun CCNL indicato ...") come back for most
        # notices, so each is built once and shared, like the engine's out-of-scope verdicts (verdicts are
        # never mutated).
        verdict = _REASON_ONLY.get(reason)
        if verdict is None:
            verdict = _fill(_new(Verdict), "not_verifiable", None, reason, None, None, None, False)
            if len(_REASON_ONLY) < 10_000:  # reasons that name a figure vary: keep the memo bounded
                _REASON_ONLY[reason] = verdict
        return verdict
    return _fill(_new(Verdict), "not_verifiable", message or None, reason, figures, evidence, severity,
                 uses_estimate)


_REASON_ONLY: dict[str, Verdict] = {}
_new = object.__new__


def _fill(verdict: Verdict, result: str, message: Message | None, reason: str | None,
          figures: dict[str, Any] | None, evidence: list[dict[str, Any]] | None, severity: str | None,
          uses_estimate: bool) -> Verdict:
    if severity is not None and severity not in _SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    verdict.result = result
    verdict._message = message
    verdict.reason = reason
    verdict.figures = {} if figures is None else figures
    verdict.evidence = [] if evidence is None else evidence
    verdict.severity = severity
    verdict.uses_estimate = uses_estimate
    return verdict


class Rule:
    """Base class. Subclasses set the class attributes and implement `evaluate`."""

    code: ClassVar[str]
    name: ClassVar[str]  # dotted, e.g. "ccnl.not_named"
    family: ClassVar[str]  # "R-CCNL", "R-BASE", ...
    severity: ClassVar[str]
    version: ClassVar[str]
    legal_basis: ClassVar[str]
    # Scope tags (rules.scope) of the notices the rule applies to: any one is enough.
    applies_to: ClassVar[tuple[str, ...]] = ("social", "labour_intensive", "cas", "care_catering")
    # What the rule judges: a notice (the engine's notices), a tariff (rules.tariff_engine, R-ACC) or an act
    # (the legislation watch, R-ACC-6). The notice engine instantiates only notice rules.
    subject: ClassVar[str] = "notice"
    # The results the rule can give. A rule that must never give a violation on its evidence alone (R-ACC-3,
    # R-ACC-5) says so here, and its case file shows it; an info-only rule (R-ACC-6) gives no verdict at all.
    results: ClassVar[tuple[str, ...]] = RESULTS

    def __init__(self, options: dict[str, Any] | None = None, severity: str | None = None) -> None:
        # The calibrated options (calibration.yaml) merged with the configuration's overrides: see
        # RulesConfig.instantiate, the way rules are built.
        self.options = dict(options or {})
        self.effective_severity = severity or self.severity
        self.scope_tags = frozenset(self.applies_to)

    @classmethod
    def description(cls) -> str:
        return inspect.getdoc(cls).splitlines()[0] if cls.__doc__ else ""

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError
