from __future__ import annotations

from typing import Any

from rules import format as fmt
from rules.accreditation import data
from rules.accreditation.base import TariffRule, tags
from rules.accreditation.context import TariffContext
from rules.base import Verdict, compliant, not_verifiable
from rules.legal import LegalData

FIGURE_LABELS = {"amount": "tariffa", "health_share": "quota sanitaria", "social_share": "quota sociale"}
NO_SHARE = "; quota del lavoro non indicata dall'atto"


class R_ACC_3(TariffRule):
    """The tariff has not risen after the CCNL renewal as much as the renewal raised the labour cost.

    Why it matters:
        The 2024 renewal raised the Ministry cost tables by 15,18 % over 2023-2025 (Legacoop). A tariff
        not updated since leaves the provider to pay the renewal out of the same money, the situation the
        art. 77 "gradualità" accord of 7/4/2025 was written for; the Observatories lobby Regions on it.

    Legal basis:
        No provision of law obliges a Region to update tariffs after a CCNL renewal: the CCNL Cooperative
        sociali 2023-2025 (signed 26/1/2024, increases from 1/2/2024) and the accord of 7/4/2025 on art. 77
        (gradualità) are the benchmark the Observatories lobby on (ACCREDITATION.md §6). Reading chosen: the
        increase is shown against the renewal's +15,18 % cost increase and tagged, never a violation.

    Methodology:
        Increase since the renewal (1/2/2024, legal data) = this tariff / the last tariff of the same
        service, region and variant valid before it − 1; or, when the act states a percentage update
        without amounts, the product of the declared updates since the renewal. Benchmark = 15,18 % ×
        labour share when the act prints the share, else 15,18 %. Increase ≥ benchmark: compliant.
        Anything else is shown next to the benchmark, never as a violation: tag `no_ccnl_update` when no
        update after the renewal is recorded, `below_benchmark` when the update is smaller.

    Does not flag:
        No earlier tariff and no declared percentage; a tariff replaced before the renewal; no date:
        not verifiable. Never a violation on this evidence alone.

    Assumptions:
        The labour share of a tariff is unknown unless the act prints it, so the whole 15,18 % is the
        benchmark; a smaller update may still be adequate for a service with a small labour share.

    Flagged example:
        Lombardia CSS: +4,2 % in 2024-2025 against +15,18 %: shown as not verifiable with tag
        below_benchmark; an RSA tariff of 2010 still in force in 2026: tag no_ccnl_update.

    Not flagged example:
        Veneto disability centres +22 % after the renewal: compliant.
    """

    code = "R-ACC-3"
    name = "accreditation.no_update_after_renewal"
    family = "R-ACC"
    severity = "info"
    version = "1"
    legal_basis = "CCNL Cooperative sociali 2023-2025; accordo 7/4/2025 sull'art. 77 (gradualità)"
    results = ("compliant", "not_verifiable")

    def evaluate(self, ctx: TariffContext, legal: LegalData) -> Verdict:  # type: ignore[override]
        settings = data.load()
        renewal, benchmark_full = settings.renewal_date, settings.renewal_increase_pct
        share = ctx.labour_share_pct
        benchmark = benchmark_full * share / 100 if share else benchmark_full
        base: dict[str, Any] = {"renewal_date": renewal.isoformat(), "benchmark_pct": round(benchmark, 2),
                                "renewal_cost_increase_pct": benchmark_full, "labour_share_pct": share}
        start = ctx.valid_from or ctx.act_date
        if start is None:
            return not_verifiable("data di validità della tariffa non indicata")
        if start < renewal:
            if ctx.later_exists or (ctx.valid_to is not None and ctx.valid_to < renewal):
                return not_verifiable("tariffa sostituita prima del rinnovo del CCNL: il confronto riguarda la successiva")
            if ctx.valid_to is not None and ctx.valid_to < ctx.today:
                return not_verifiable("tariffa scaduta senza un atto successivo registrato")
            return not_verifiable(
                "nessun aggiornamento registrato dopo il rinnovo del CCNL",
                lambda: f"Tariffa {ctx.act_label} in vigore dal {fmt.day(start)} senza aggiornamenti registrati dopo "
                f"il rinnovo del CCNL ({fmt.day(renewal)}): 0 % contro {fmt.pct(benchmark, 2, signed=True)} di aumento "
                "del costo del lavoro. Non è di per sé una violazione.",
                figures={**base, "increase_pct": 0.0, **tags("no_ccnl_update")})
        increase, basis = self._increase(ctx, renewal)
        if increase is None:
            return not_verifiable("nessuna tariffa precedente al rinnovo né aumento percentuale dichiarato per il confronto",
                                  figures=base)
        figures = {**base, "increase_pct": round(increase, 2), "basis": basis}
        if increase >= benchmark:
            return compliant(lambda: f"Aumento dopo il rinnovo del CCNL {fmt.pct(increase, 2, signed=True)} ({basis}), "
                             f"non inferiore al {fmt.pct(benchmark, 2, signed=True)} del costo del lavoro.",
                             figures=figures, evidence=ctx.evidence("amount", "health_share", "social_share", "increase_pct"))
        return not_verifiable(
            "aumento inferiore all'aumento del costo del lavoro del rinnovo",
            lambda: f"Aumento dopo il rinnovo {fmt.pct(increase, 2, signed=True)} ({basis}) contro "
            f"{fmt.pct(benchmark, 2, signed=True)} del costo del lavoro (tabelle ministeriali 2023-2025)"
            f"{'' if share else NO_SHARE}. "
            "Non è di per sé una violazione.",
            figures={**figures, **tags("below_benchmark")}, evidence=ctx.evidence("amount", "health_share", "social_share", "increase_pct"))

    @staticmethod
    def _increase(ctx: TariffContext, renewal: Any) -> tuple[float | None, str]:
        compared = ctx.compared_figure()
        if compared is not None:
            name, value = compared
            before = [e for e in ctx.earlier if e.valid_from is not None and e.valid_from < renewal and e.figure(name)]
            if before:
                last = before[-1]
                old = last.figure(name) or 0.0
                label = FIGURE_LABELS[name]
                return (value / old - 1) * 100, f"{label} da {fmt.euro(old)} ({last.act}) a {fmt.euro(value)}"
        declared = [e.increase_pct for e in ctx.earlier
                    if e.increase_pct is not None and e.valid_from is not None and e.valid_from >= renewal]
        if ctx.increase_pct is not None:
            declared.append(ctx.increase_pct)
        if not declared:
            return None, ""
        factor = 1.0
        for pct in declared:
            factor *= 1 + pct / 100
        parts = " e ".join(fmt.pct(p, 2, signed=True) for p in declared)
        return (factor - 1) * 100, f"aumenti dichiarati dopo il rinnovo: {parts}"
