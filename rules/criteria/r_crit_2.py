from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import law_in_force
from rules.context import NoticeContext
from rules.criteria.r_crit_1 import criterion
from rules.legal import LegalData


class R_CRIT_2(Rule):
    """A labour-intensive tender gives the price more than 30 points out of 100.

    Why it matters:
        More weight on price pushes bidders to cut the only compressible cost: wages.

    Legal basis:
        Art. 108 c. 4 D.Lgs. 36/2023, from 1/7/2023 (unchanged by the correttivo): "Per i contratti ad alta
        intensità di manodopera, la stazione appaltante stabilisce un tetto massimo per il punteggio
        economico entro il limite del 30 per cento" (inclusive). Only labour-intensive contracts (labour
        ≥ 50 %, Allegato I.1 art. 2 c. 1 lett. e): unlike art. 95 c. 10-bis D.Lgs. 50/2016, the cap no longer
        covers every OEPV tender. Versions: `thresholds.yaml` topic `award`.

    Methodology:
        Economic share = economic_points / (technical_points + economic_points) × 100 (or economic_points
        out of 100 when the technical points are unknown), compared with the cap of the version in force.
        The contract is labour-intensive when labour_cost / base ≥ 50 %: then a share above the cap is a
        violation (critical).

    Does not flag:
        A presumed labour intensity (no labour figures: the share may be below 50 %, RULES_AUDIT.md §3 #6):
        not verifiable, and the reason says the cap would be exceeded if the contract were labour-intensive;
        a computed share below 50 %; lowest-price tenders (R-CRIT-1); points not found; notices before
        1/7/2023.

    Assumptions:
        Points are on a 100 scale unless both technical and economic points are known.

    Flagged example:
        Home care, labour € 820.000,00 on € 1.000.000,00, technical 60 / economic 40 points.

    Not flagged example:
        Technical 70 / economic 30 points; or 40 economic points with no labour figures (not verifiable).
    """

    code = "R-CRIT-2"
    name = "criteria.economic_score_above_cap"
    family = "R-CRIT"
    severity = "critical"
    version = "2"
    legal_basis = "art. 108 c. 4 D.Lgs. 36/2023; Allegato I.1 art. 2 c. 1 lett. e)"
    applies_to = ("labour_intensive",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        if criterion(ctx.award_criterion_value[0]) == "lowest_price":
            return not_verifiable("aggiudicazione al minor prezzo (vedi R-CRIT-1)")
        economic, technical = ctx.number("economic_points"), ctx.number("technical_points")
        if economic is None:
            return not_verifiable("punteggio economico non trovato nei documenti")
        law, not_applicable = law_in_force(ctx, legal, "award")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        cap, share_min = float(law["economic_points_cap"]), float(law["labour_intensive_share_pct"])
        total = (economic + technical) if technical is not None else 100.0
        share = economic / total * 100
        labour, base = ctx.number("labour_cost"), ctx.base_amount
        labour_share = labour / base * 100 if labour and base else None
        figures = {"economic_points": economic, "technical_points": technical, "economic_share_pct": round(share, 2),
                   "cap_pct": cap, "labour_share_pct": round(labour_share, 2) if labour_share is not None else None,
                   "labour_intensive_basis": "computed" if labour_share is not None else "presumed",
                   "law_version": law["id"]}
        evidence = ctx.evidence("economic_points", "technical_points")
        if labour_share is not None and labour_share < share_min:
            return not_verifiable(f"incidenza della manodopera {fmt.del_pct(labour_share)}: appalto non ad alta "
                                  "intensità di manodopera, il tetto non si applica", figures=figures)
        if share <= cap:
            return compliant(lambda: f"Punteggio economico di {fmt.number(economic, 0)} punti "
                             f"({fmt.pct(share)}), entro il tetto del {fmt.pct(cap, 0)}.",
                             figures=figures, evidence=evidence)
        if labour_share is None:
            return not_verifiable(f"punteggio economico al {fmt.pct(share)}, oltre il tetto del {fmt.pct(cap, 0)} che "
                                  "vale se l'appalto è ad alta intensità di manodopera: incidenza della manodopera non "
                                  "calcolabile (costo della manodopera o importo non indicati), da verificare",
                                  figures=figures, evidence=evidence)
        return violation(lambda: f"Punteggio economico di {fmt.number(economic, 0)} punti su "
                         f"{fmt.number(total, 0)} ({fmt.pct(share)}) oltre il tetto del {fmt.pct(cap, 0)} "
                         "previsto per gli appalti ad alta intensità di manodopera (art. 108 c. 4; incidenza della "
                         f"manodopera {fmt.del_pct(labour_share)}).",
                         figures=figures, evidence=evidence)
