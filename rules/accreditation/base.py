"""The base of the tariff rules: subject "tariff", scope tag "accreditation", severity at most warning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rules.base import Rule, Verdict

if TYPE_CHECKING:
    from rules.accreditation.context import TariffContext
    from rules.legal import LegalData


class TariffRule(Rule):
    subject: ClassVar[str] = "tariff"
    applies_to: ClassVar[tuple[str, ...]] = ("accreditation",)

    def evaluate(self, ctx: TariffContext, legal: LegalData) -> Verdict:  # type: ignore[override]  # pragma: no cover
        raise NotImplementedError


def blockers(statuses: dict[str, str]) -> list[str]:
    """Italian reasons why figures cannot carry a violation ({"l'importo": status, ...}): every figure of a
    violation must be read in the act itself, and every Ministry rate must be verified."""
    from rules.accreditation.context import STATUS_LABELS

    return [f"{label} {STATUS_LABELS.get(status, status)}" for label, status in statuses.items() if status != "verified"]


def tags(*names: str) -> dict[str, Any]:
    return {"tags": list(names)}
