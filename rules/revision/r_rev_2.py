from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import sub_dict
from rules.context import NoticeContext, to_float
from rules.legal import LegalData


class R_REV_2(Rule):
    """The price-revision clause uses a threshold or share less favourable than art. 60.

    Why it matters:
        For services art. 60 triggers revision when costs vary by more than 5 % and pays 80 % (of the
        variation in the original text; of the excess over the threshold after D.Lgs. 209/2024). A
        clause with a 10 % threshold or a 50 % share shifts the CCNL increases onto the contractor.

    Methodology:
        Legal figures from the law version in force at publication (`thresholds.yaml` revision:
        services_threshold_pct, services_share_pct). Violation when `price_revision.threshold_pct` is
        above the legal threshold or `share_pct` below the legal share. Compliant when both are at
        least as favourable; not verifiable when the clause states neither.

    Exclusions:
        No clause (R-REV-1); tenders before 1/7/2023.

    Assumptions:
        Percentages refer to services (works have 3 %/90 % after the correttivo and are out of scope).

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
        if ctx.published_on is None:
            return not_verifiable("data di pubblicazione sconosciuta")
        law = legal.threshold("revision", ctx.published_on)
        if law is None:
            return not_verifiable("gara anteriore all'obbligo della revisione prezzi (1/7/2023)")
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
