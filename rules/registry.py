"""The explicit list of rules: a rule runs only when its family's `get_rules()` names it."""

from __future__ import annotations

from functools import lru_cache

from rules.base import Rule

FAMILIES = ("R-CCNL", "R-BASE", "R-SOC", "R-REV", "R-CRIT", "R-ANOM", "R-PAY", "R-CAS", "R-ACC")


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    from rules import accreditation, anomaly, base_price, cas, ccnl, criteria, payment, revision, social

    found: list[type[Rule]] = []
    for bundle in (ccnl, base_price, social, revision, criteria, anomaly, payment, cas, accreditation):
        found.extend(bundle.get_rules())
    codes = [r.code for r in found]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule codes: {sorted(duplicates)}")
    return tuple(found)


def rules_by_code() -> dict[str, type[Rule]]:
    return {r.code: r for r in all_rules()}


def select(codes: list[str] | None = None, families: list[str] | None = None) -> list[type[Rule]]:
    """Rules by code and/or family (case-insensitive); unknown names are errors."""
    from rules.errors import RulesConfigError

    by_code = {c.upper(): r for c, r in rules_by_code().items()}
    chosen = list(all_rules())
    if codes:
        unknown = [c for c in codes if c.upper() not in by_code]
        if unknown:
            raise RulesConfigError(f"unknown rule {', '.join(unknown)}; known: {', '.join(by_code)}")
        wanted = {c.upper() for c in codes}
        chosen = [r for r in chosen if r.code in wanted]
    if families:
        unknown = [f for f in families if f.upper() not in FAMILIES]
        if unknown:
            raise RulesConfigError(f"unknown family {', '.join(unknown)}; known: {', '.join(FAMILIES)}")
        wanted = {f.upper() for f in families}
        chosen = [r for r in chosen if r.family in wanted]
    return chosen
