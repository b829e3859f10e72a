from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.criteria.r_crit_1 import criterion
from rules.legal import LegalData


class R_CRIT_2(Rule):
    """A labour-intensive tender gives the price more than 30 points out of 100.

    Why it matters:
        Art. 108 c. 4 D.Lgs. 36/2023: for labour-intensive contracts (labour ≥ 50 % of the price) the
        authority caps the economic score at 30 %. More weight on price pushes bidders to cut the
        only compressible cost: wages.

    Methodology:
        Economic share = economic_points / (technical_points + economic_points) × 100 (or
        economic_points out of 100 when the technical points are unknown), compared with the cap of
        the law version in force (`thresholds.yaml` award.economic_points_cap, 30, inclusive). The
        contract is labour-intensive when labour_cost/base ≥ 50 %; when the share cannot be
        computed, a social service is presumed labour-intensive and the message says so.

    Exclusions:
        Lowest-price tenders (R-CRIT-1); labour share known and below 50 %; points not found.

    Assumptions:
        Points are on a 100 scale unless both technical and economic points are known.

    Flagged example:
        Home care, technical 60 / economic 40 points.

    Not flagged example:
        Technical 70 / economic 30 points, or 80/20.
    """

    code = "R-CRIT-2"
    name = "criteria.economic_score_above_cap"
    family = "R-CRIT"
    severity = "critical"
    version = "1"
    legal_basis = "art. 108 c. 4 D.Lgs. 36/2023; Allegato I.1 art. 2 c. 1 lett. e)"
    applies_to = ("labour_intensive",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        if criterion(ctx.award_criterion_value[0]) == "lowest_price":
            return not_verifiable("aggiudicazione al minor prezzo (vedi R-CRIT-1)")
        economic, technical = ctx.number("economic_points"), ctx.number("technical_points")
        if economic is None:
            return not_verifiable("punteggio economico non trovato nei documenti")
        law = legal.threshold("award", ctx.published_on) if ctx.published_on else None
        if law is None:
            return not_verifiable("data di pubblicazione anteriore al D.Lgs. 36/2023 o sconosciuta")
        cap, share_min = float(law["economic_points_cap"]), float(law["labour_intensive_share_pct"])
        total = (economic + technical) if technical is not None else 100.0
        share = economic / total * 100
        labour, base = ctx.number("labour_cost"), ctx.base_amount
        labour_share = labour / base * 100 if labour and base else None
        figures = {"economic_points": economic, "technical_points": technical, "economic_share_pct": round(share, 2),
                   "cap_pct": cap, "labour_share_pct": round(labour_share, 2) if labour_share is not None else None,
                   "labour_intensive_basis": "computed" if labour_share is not None else "presumed"}
        evidence = ctx.evidence("economic_points", "technical_points")
        if labour_share is not None and labour_share < share_min:
            return not_verifiable(f"incidenza della manodopera {fmt.del_pct(labour_share)}: appalto non ad alta "
                                  "intensità di manodopera, il tetto non si applica", figures=figures)
        if share <= cap:
            return compliant(lambda: f"Punteggio economico di {fmt.number(economic, 0)} punti "
                             f"({fmt.pct(share)}), entro il tetto del {fmt.pct(cap, 0)}.",
                             figures=figures, evidence=evidence)

        def basis() -> str:  # formatted only when the message is read (see rules.base.Message)
            if labour_share is not None:
                return f"incidenza della manodopera {fmt.del_pct(labour_share)}"
            return "alta intensità di manodopera presunta per un servizio alla persona"

        return violation(lambda: f"Punteggio economico di {fmt.number(economic, 0)} punti su "
                         f"{fmt.number(total, 0)} ({fmt.pct(share)}) oltre il tetto del {fmt.pct(cap, 0)} "
                         "previsto per gli appalti ad alta intensità di manodopera (art. 108 c. 4; "
                         f"{basis()}).",
                         figures=figures, evidence=evidence)
