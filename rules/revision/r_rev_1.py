from __future__ import annotations

from typing import Any

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, violation
from rules.common import explicitly_excluded, law_in_force, missing_clause, sub_dict
from rules.context import NoticeContext
from rules.legal import LegalData


def revision_verdict(ctx: NoticeContext, legal: LegalData, subject: str) -> Verdict:
    """Shared by R-REV-1 and R-CAS-2: the mandatory price-revision clause is there or not."""
    law, not_applicable = law_in_force(ctx, legal, "revision")
    if law is None:
        return not_applicable  # type: ignore[return-value]
    clause: dict[str, Any] = sub_dict(ctx, "price_revision") or {}
    evidence = ctx.evidence("price_revision")
    figures = {"law_version": law["id"], "present": clause.get("present")}
    if clause.get("present") is True:
        return compliant(f"{subject} contiene la clausola di revisione dei prezzi.", figures=figures, evidence=evidence)
    since = fmt.day(legal.thresholds["revision"][0]["valid_from"])
    message = (f"{subject} non prevede la clausola di revisione dei prezzi, obbligatoria dal {since} "
               f"({law['legal_basis']}).")
    if clause.get("present") is False and explicitly_excluded(evidence):
        return violation(message.replace("non prevede", "esclude espressamente"), figures=figures, evidence=evidence)
    return missing_clause(ctx, message, figures=figures)


class R_REV_1(Rule):
    """The tender has no price-revision clause, or excludes it.

    Why it matters:
        Without the clause, CCNL increases during the contract (October 2024, January and October 2025,
        January 2026) cannot reach the price, and the cooperative pays them or cuts staff.

    Legal basis:
        Art. 60 c. 1 D.Lgs. 36/2023: "Nei documenti di gara iniziali delle procedure di affidamento è
        obbligatorio l'inserimento delle clausole di revisione prezzi", original text from 1/7/2023 to
        30/12/2024, kept by the correttivo D.Lgs. 209/2024 from 31/12/2024 (which adds "riferite alle
        prestazioni ... oggetto del contratto"). Versions: `thresholds.yaml` topic `revision`. Before
        1/7/2023, art. 29 DL 4/2022 already made the clause mandatory for calls from 27/1/2022 (art. 106 c.
        1 lett. a D.Lgs. 50/2016); the rule does not judge those notices (conservative choice,
        RULES_AUDIT.md §2 R-REV-1). Direct awards are "procedure di affidamento" too: an explicit exclusion
        there is a violation, a clause simply not found is not verifiable (their acts are seldom published).

    Methodology:
        Compliant when `price_revision.present` is true. A sentence that excludes revision ("non è prevista
        alcuna revisione", "prezzi fissi e invariabili") is a violation even if some document was unread;
        a clause simply not found is a violation only when every document was read and the notice is the
        call itself.

    Does not flag:
        Tenders published before 1/7/2023; a clause not found when a document was not read; market surveys;
        direct awards that do not exclude revision expressly.

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
    version = "2"
    legal_basis = "art. 60 c. 1 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        return revision_verdict(ctx, legal, "La gara")
