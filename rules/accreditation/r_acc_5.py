from __future__ import annotations

from rules.accreditation import data
from rules.accreditation.base import TariffRule, tags
from rules.accreditation.context import TariffContext
from rules.base import Verdict, compliant, not_verifiable
from rules.legal import LegalData


class R_ACC_5(TariffRule):
    """The service contract or accreditation agreement has no price-revision clause.

    Why it matters:
        Without a revision clause a contratto di servizio or accordo contrattuale stays at its first
        price through a CCNL renewal; the Observatories ask Regions for mid-contract price updates.

    Legal basis:
        Art. 60 D.Lgs. 36/2023 (from 1/7/2023; amended by D.Lgs. 209/2024 from 31/12/2024) binds tenders only
        (covered by R-REV-1); for accordi contrattuali of D.Lgs. 502/1992 art. 8-quinquies and contratti di
        servizio of accredited services no national duty of a revision clause was found (ACCREDITATION.md
        §6). Reading chosen: a missing clause is shown as not verifiable with its tag, never a violation.

    Methodology:
        For a contratto di servizio or accordo contrattuale (act kinds in the legal data): a revision
        clause read in it is compliant. No national duty of such a clause was found (tenders have art. 60
        D.Lgs. 36/2023, checked by R-REV-1), so a missing clause is shown with tag
        `no_revision_clause_accreditation`, never as a violation.

    Does not flag:
        Regional tariff acts (DGR, decrees), which set the price rather than contract it; tenders (R-REV-1).

    Assumptions:
        `revision_clause` is recorded by the analyst or the import file: true, false, or unknown.

    Flagged example:
        An accordo contrattuale ASL-provider for 2024-2026 without a revision clause: not verifiable, tag
        no_revision_clause_accreditation.

    Not flagged example:
        A contratto di servizio with an ISTAT-indexed revision clause: compliant.
    """

    code = "R-ACC-5"
    name = "accreditation.no_revision_clause"
    family = "R-ACC"
    severity = "info"
    version = "1"
    legal_basis = "art. 60 D.Lgs. 36/2023 (per analogia); D.Lgs. 502/1992 art. 8-quinquies"
    results = ("compliant", "not_verifiable")

    def evaluate(self, ctx: TariffContext, legal: LegalData) -> Verdict:  # type: ignore[override]
        kinds = data.load().revision_act_kinds
        if not any(ctx.act_kind.lower().startswith(kind) for kind in kinds):
            return not_verifiable(f"regola per contratti di servizio e accordi contrattuali; l'atto è: "
                                  f"{ctx.act_kind or 'non indicato'} (per le gare vale R-REV-1)")
        if ctx.revision_clause:
            return compliant("Clausola di revisione dei prezzi presente nel contratto.",
                             evidence=ctx.evidence("revision_clause"))
        if ctx.revision_clause is False:
            return not_verifiable("clausola di revisione dei prezzi assente: nessun obbligo nazionale per gli accordi "
                                  "di accreditamento", figures=tags("no_revision_clause_accreditation"),
                                  evidence=ctx.evidence("revision_clause"))
        return not_verifiable("presenza della clausola di revisione dei prezzi non verificata",
                              figures=tags("no_revision_clause_accreditation"))
