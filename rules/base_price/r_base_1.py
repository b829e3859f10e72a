from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, violation
from rules.common import missing_clause
from rules.context import NoticeContext
from rules.legal import LegalData


class R_BASE_1(Rule):
    """Labour costs are not stated, or not kept out of the amount subject to discount.

    Why it matters:
        Art. 41 c. 14 D.Lgs. 36/2023: the authority states the labour costs in the tender documents
        and "i costi della manodopera e della sicurezza sono scorporati dall'importo assoggettato al
        ribasso". A base price without a separate labour cost hides how much of it pays wages.

    Methodology:
        Violation (critical) when `labour_cost` is stated but `labour_cost_subject_to_discount` is
        true. When `labour_cost` is not found: violation if every document was read, otherwise not
        verifiable. Compliant when the labour cost is stated and not subject to discount (or silent).

    Exclusions:
        Direct awards where no tender documents exist (the notice has no documents: not verifiable).

    Assumptions:
        The extractor sets `labour_cost_subject_to_discount` only when a sentence says so.

    Flagged example:
        "Importo soggetto a ribasso € 500.000,00, comprensivo dei costi della manodopera".

    Not flagged example:
        "Costi della manodopera € 410.000,00 non soggetti a ribasso".
    """

    code = "R-BASE-1"
    name = "base.labour_cost_not_separated"
    family = "R-BASE"
    severity = "critical"
    version = "1"
    legal_basis = "art. 41 c. 13-14 D.Lgs. 36/2023"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        labour = ctx.number("labour_cost")
        if labour is None:
            return missing_clause(ctx, "I documenti di gara non indicano i costi della manodopera separati "
                                       "dall'importo soggetto a ribasso (art. 41 c. 14 D.Lgs. 36/2023).")
        figures = {"labour_cost": labour}
        evidence = ctx.evidence("labour_cost", "labour_cost_subject_to_discount")
        if ctx.value("labour_cost_subject_to_discount") is True:
            return violation(lambda: f"I costi della manodopera ({fmt.euro(labour)}) sono indicati ma "
                             "inclusi nell'importo soggetto a ribasso: l'art. 41 c. 14 li vuole scorporati.",
                             figures=figures | {"subject_to_discount": True}, evidence=evidence)
        return compliant(lambda: f"Costi della manodopera indicati ({fmt.euro(labour)}) e non soggetti a "
                         "ribasso.", figures=figures, evidence=evidence)
