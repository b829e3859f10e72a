from __future__ import annotations

from rules.base import Rule, Verdict
from rules.context import NoticeContext
from rules.legal import LegalData
from rules.revision.r_rev_1 import revision_verdict


class R_CAS_2(Rule):
    """A CAS reception tender has no price-revision clause.

    Why it matters:
        CAS contracts are framework agreements of two years or more at a fixed price per person per day
        computed on old labour tables; without the clause the CCNL increases of 2024-2026 never reach the
        price (DOMAIN.md §3).

    Legal basis:
        As R-REV-1: art. 60 c. 1 D.Lgs. 36/2023, mandatory from 1/7/2023 in both versions of the text
        (`thresholds.yaml` topic `revision`).

    Methodology:
        As R-REV-1, on CAS notices only: compliant when `price_revision.present`; an explicit exclusion is a
        violation; a clause not found is a violation only when every document was read and the notice is the
        call itself.

    Does not flag:
        Tenders published before 1/7/2023; a clause not found when a document was not read; market surveys;
        direct awards that do not exclude revision expressly.

    Assumptions:
        The Interior Ministry capitolato is part of the documents read.

    Flagged example:
        Prefecture framework agreement 2025-2026, "prezzo fisso e invariabile".

    Not flagged example:
        "Il prezzo pro capite pro die è soggetto a revisione ai sensi dell'art. 60".
    """

    code = "R-CAS-2"
    name = "cas.revision_missing"
    family = "R-CAS"
    severity = "critical"
    version = "2"
    legal_basis = "art. 60 c. 1 D.Lgs. 36/2023"
    applies_to = ("cas",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        return revision_verdict(ctx, legal, "La gara per l'accoglienza (CAS)")
