from __future__ import annotations

from typing import Any

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import explicitly_excluded, missing_clause, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData


def revision_verdict(ctx: NoticeContext, legal: LegalData, subject: str) -> Verdict:
    """Shared by R-REV-1 and R-CAS-2: the mandatory price-revision clause is there or not."""
    if ctx.published_on is None:
        return not_verifiable("data di pubblicazione sconosciuta")
    law = legal.threshold("revision", ctx.published_on)
    if law is None:
        return not_verifiable(f"gara pubblicata il {fmt.day(ctx.published_on)}, prima dell'obbligo della clausola di "
                              "revisione prezzi (1/7/2023)")
    clause: dict[str, Any] = sub_dict(ctx, "price_revision") or {}
    evidence = ctx.evidence("price_revision")
    figures = {"law_version": law["id"], "present": clause.get("present")}
    if clause.get("present") is True:
        return compliant(f"{subject} contiene la clausola di revisione dei prezzi.", figures=figures, evidence=evidence)
    message = (f"{subject} non prevede la clausola di revisione dei prezzi, obbligatoria dal 1/7/2023 "
               f"({law['legal_basis']}).")
    if clause.get("present") is False and explicitly_excluded(evidence):
        return violation(message.replace("non prevede", "esclude espressamente"), figures=figures, evidence=evidence)
    return missing_clause(ctx, message, figures=figures)


class R_REV_1(Rule):
    """The tender has no price-revision clause, or excludes it.

    Why it matters:
        Since 1/7/2023 art. 60 D.Lgs. 36/2023 makes the price-revision clause mandatory in the initial
        tender documents (kept by the correttivo). Without it, CCNL increases during the contract
        (October 2024, January and October 2025, January 2026) cannot reach the price, and the
        cooperative pays them or cuts staff.

    Methodology:
        Law version by publication date (`thresholds.yaml` revision). Compliant when
        `price_revision.present` is true. A sentence that excludes revision ("non è prevista alcuna
        revisione", "prezzi fissi e invariabili") is a violation even if some document was unread;
        a clause simply not found is a violation only when every document was read.

    Exclusions:
        Tenders published before 1/7/2023 (not verifiable: no obligation then).

    Assumptions:
        The extractor reports the negation sentences as evidence of `price_revision`.

    Flagged example:
        "I prezzi si intendono fissi e invariabili per tutta la durata del contratto".

    Not flagged example:
        "Si applica la revisione dei prezzi ai sensi dell'art. 60 e dell'Allegato II.2-bis".
    """

    code = "R-REV-1"
    name = "revision.clause_missing"
    family = "R-REV"
    severity = "critical"
    version = "1"
    legal_basis = "art. 60 c. 1 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        return revision_verdict(ctx, legal, "La gara")
