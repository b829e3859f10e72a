from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force, sub_dict
from rules.context import NoticeContext, to_float
from rules.legal import LegalData


class R_REV_2(Rule):
    """The price-revision clause uses a threshold or share less favourable than art. 60.

    Why it matters:
        A clause with a 10 % threshold or a 50 % share shifts the CCNL increases onto the contractor.

    Legal basis:
        Art. 60 c. 2 D.Lgs. 36/2023 for services: original text (1/7/2023 - 30/12/2024) revision when costs
        vary "in misura superiore al 5 per cento", paying "80 per cento della variazione"; after the
        correttivo D.Lgs. 209/2024 (from 31/12/2024, lett. b) above 5 %, 80 % "del valore eccedente la
        variazione del 5 per cento" (`thresholds.yaml` topic `revision`). Reading (open point on the
        basis): whether the original 80 % applied to the whole variation or to the excess was debated
        (DOMAIN.md §1.4), so the basis is not compared; works (3 %/90 %) are out of scope.

    Methodology:
        Violation (warning) when `price_revision.threshold_pct` is above the legal threshold or `share_pct`
        below the legal share of the version in force at publication. Compliant when both are at least as
        favourable; not verifiable when the clause states neither.

    Does not flag:
        A clause paying 80 % of the excess under the original text (the basis was debated); no clause
        (R-REV-1); tenders before 1/7/2023; a clause that states no figures.

    Assumptions:
        Percentages refer to services.

    Flagged example:
        Published 10/2/2025: "revisione se la variazione supera il 10 %, nella misura del 50 %".

    Not flagged example:
        "variazione superiore al 5 %, riconosciuta nella misura dell'80 % della parte eccedente".
    """

    code = "R-REV-2"
    name = "revision.wrong_thresholds"
    family = "R-REV"
    severity = "warning"
    version = "1"
    legal_basis = "art. 60 c. 2 D.Lgs. 36/2023 (testo originario e D.Lgs. 209/2024)"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        law, not_applicable = law_in_force(ctx, legal, "revision")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        clause = sub_dict(ctx, "price_revision") or {}
        if clause.get("present") is not True:
            return not_verifiable("clausola di revisione prezzi assente o non trovata (vedi R-REV-1)")
        threshold, share = to_float(clause.get("threshold_pct")), to_float(clause.get("share_pct"))
        if threshold is None and share is None:
            return not_verifiable("la clausola non indica soglia né percentuale riconosciuta")
        legal_threshold, legal_share = float(law["services_threshold_pct"]), float(law["services_share_pct"])
        figures = {"threshold_pct": threshold, "share_pct": share, "legal_threshold_pct": legal_threshold,
                   "legal_share_pct": legal_share, "law_version": law["id"]}
        evidence = ctx.evidence("price_revision")
        high_threshold = threshold is not None and threshold > legal_threshold
        low_share = share is not None and share < legal_share

        def problems() -> str:  # formatted only when the message is read (see rules.base.Message)
            found = []
            if high_threshold:
                found.append(f"soglia del {fmt.pct(threshold, 0)} invece del {fmt.pct(legal_threshold, 0)}")
            if low_share:
                found.append(f"riconosce il {fmt.pct(share, 0)} invece dell'{fmt.pct(legal_share, 0)} "
                             f"{law['share_basis']}")
            return "; ".join(found)

        if high_threshold or low_share:
            return violation(lambda: f"La clausola di revisione prezzi è meno favorevole di quella di legge "
                             f"({law['legal_basis']}): {problems()}.", figures=figures, evidence=evidence)
        return compliant("La clausola di revisione prezzi rispetta soglia e percentuale di legge.",
                         figures=figures, evidence=evidence)
