from __future__ import annotations

import datetime as dt
from typing import Any

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.base_price.r_base_2 import tables_ccnl
from rules.common import law_in_force
from rules.context import ExecutionRecord, NoticeContext
from rules.labour import StaffCost, StaffCostError, staff_cost
from rules.legal import LegalData

DAYS_PER_MONTH = 365.25 / 12


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months of a period whose both ends are included (1/7/2025 - 30/6/2027: 24)."""
    return round(((end - start).days + 1) / DAYS_PER_MONTH)


class R_ANOM_2(Rule):
    """The awarded price does not cover the table labour cost of the staff for the same period.

    Why it matters:
        An awarded amount that does not even cover hours × table cost means the workers will pay for it.

    Legal basis:
        Art. 110 c. 1 and 4 D.Lgs. 36/2023, from 1/7/2023: no justification is admitted for pay below the
        inderogable minimums (c. 4); a labour cost below the mandatory pay levels is an index of anomaly (CdS
        4699/2015). The Ministry tables (art. 41 c. 13) are a parameter, not the minimum itself (CdS
        3418/2025), hence a tolerance band and severity bands as in R-BASE-2. The size of a discount is not
        unlawful in itself (RULES_AUDIT.md §3 #14): a large discount is an information signal only.

    Methodology:
        From the award data (`contract_execution`). The staff table's hours cover the contract's duration
        (`duration_months`); the award covers its own period (start to end of the execution record): the
        hours are scaled to the award's period before pricing them at the table known on the award date.
        Floor = Σ(hours × table cost) + safety costs (scaled the same way). Below the floor beyond the
        tolerance (`tolerance_pct`, `tolerance_estimated_pct`): a violation with the severity bands
        (`info_below_pct`, `critical_above_pct`). Otherwise, a discount above `max_discount_pct`
        (calibration.yaml) is a violation of severity info that asks to check the labour cost.

    Does not flag:
        An award and staff hours whose periods are not both known (an award for the base period against
        hours that include the renewal: not verifiable); a gap inside the tolerance band; a large discount as
        anything more than information; no award data; notices before 1/7/2023.

    Assumptions:
        The awarded amount covers the same services as the staff table (one lot, or the whole notice).

    Flagged example:
        12 months awarded for € 200.000,00 against 10.000 OSS hours at € 23,21/h (€ 232.100,00): -13,8 %.

    Not flagged example:
        € 480.000,00 for 24 months against 40.000 C2 hours over 48 months (20.000 hours for the award's
        period: € 464.200,00): the award covers the labour cost.
    """

    code = "R-ANOM-2"
    name = "anomaly.award_below_labour_cost"
    family = "R-ANOM"
    severity = "critical"
    version = "2"
    legal_basis = "art. 110 c. 1 e 4 D.Lgs. 36/2023; art. 41 c. 13"
    applies_to = ("post_award",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        awards = [e for e in ctx.executions if e.awarded_amount is not None or e.discount_pct is not None]
        if not awards:
            return not_verifiable("dati di aggiudicazione non disponibili")
        award = awards[0]
        law, not_applicable = law_in_force(ctx, legal, "anomaly")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        evidence = [{"text": f"aggiudicazione CIG {award.cig}: importo {award.awarded_amount}, ribasso "
                             f"{award.discount_pct} %", "source": award.source}]
        figures: dict[str, Any] = {"cig": award.cig, "awarded_amount": award.awarded_amount,
                                   "discount_pct": award.discount_pct}
        cost, reason = self._floor(ctx, legal, award, figures)
        if cost is not None and award.awarded_amount is not None:
            floor = figures["minimum_eur"]
            amount, gap = award.awarded_amount, (award.awarded_amount - floor) / floor * 100
            tolerance = float(self.options["tolerance_estimated_pct" if cost.uses_estimate else "tolerance_pct"])
            figures |= {"gap_pct": round(gap, 2), "tolerance_pct": tolerance}
            if gap < -tolerance:
                note = f" {ESTIMATE_NOTE}" if cost.uses_estimate else ""
                shortfall = -gap
                severity = ("info" if shortfall < float(self.options["info_below_pct"]) else
                            "warning" if shortfall <= float(self.options["critical_above_pct"]) else "critical")
                return violation(
                    lambda: f"Importo aggiudicato ({fmt.euro(amount)}) inferiore al costo della manodopera da "
                    f"tabelle ministeriali più la sicurezza per lo stesso periodo ({fmt.euro(floor)}, {cost.label}): "
                    f"{fmt.pct(gap, signed=True)}.{note}",
                    severity=severity, figures=figures, evidence=evidence, uses_estimate=cost.uses_estimate)
        limit = float(self.options["max_discount_pct"])
        if (discount := award.discount_pct) is not None and discount > limit:
            return violation(lambda: f"Segnalazione: ribasso di aggiudicazione del {fmt.pct(discount)}, oltre il "
                             f"{fmt.pct(limit, 0)}. Non è di per sé illegittimo: verificare la congruità del costo della "
                             "manodopera offerto.", severity="info", figures=figures | {"max_discount_pct": limit},
                             evidence=evidence)
        if cost is not None:
            return compliant("Importo aggiudicato compatibile con il costo della manodopera da tabelle ministeriali.",
                             figures=figures, evidence=evidence, uses_estimate=cost.uses_estimate)
        return not_verifiable(reason, figures=figures, evidence=evidence)

    @staticmethod
    def _floor(ctx: NoticeContext, legal: LegalData, award: ExecutionRecord,
               figures: dict[str, Any]) -> tuple[StaffCost | None, str]:
        """The staff table priced for the award's period (figures filled in), or None and the reason."""
        date = award.awarded_on or ctx.published_on
        if award.awarded_amount is None or date is None:
            return None, "importo o data di aggiudicazione non disponibili"
        months = ctx.number("duration_months")
        if award.start_on is None or award.end_on is None or not months:
            return None, ("periodo dell'aggiudicazione o durata del contratto non noti: le ore del personale e "
                          "l'importo aggiudicato potrebbero riferirsi a periodi diversi (rinnovi, proroghe)")
        ccnl, reason = tables_ccnl(ctx, legal)
        if ccnl is None:
            return None, reason
        award_months = months_between(award.start_on, award.end_on)
        scale = award_months / months
        try:
            cost = staff_cost(ctx, legal, date, ccnl=ccnl, scale=scale)
        except StaffCostError as exc:
            return None, str(exc)
        safety = (ctx.number("safety_costs") or 0.0) * scale
        figures |= cost.as_figures() | {"award_months": award_months, "contract_months": months,
                                        "hours_scale": round(scale, 4), "safety_costs": round(safety, 2),
                                        "minimum_eur": round(cost.total + safety, 2)}
        return cost, ""
