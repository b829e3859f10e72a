from __future__ import annotations

from rules import format as fmt
from rules.accreditation import data
from rules.accreditation.base import TariffRule, blockers
from rules.accreditation.buildup import BuildUpError, build_up
from rules.accreditation.context import TariffContext
from rules.base import ESTIMATE_NOTE, Verdict, compliant, not_verifiable, violation
from rules.legal import LegalData


class R_ACC_1(TariffRule):
    """The tariff is below the cost of the staff minutes its own act requires, priced at the lowest CCNL level.

    Why it matters:
        The Regions set the tariffs of accredited services (L. 328/2000 art. 8 c. 3 lett. n; D.Lgs. 502/1992
        art. 8-sexies) together with a staff standard (minutes per guest). A tariff that cannot pay those
        minutes at the CCNL cost pushes wages below the collective agreement, which the Observatories exist
        to prevent; the Ministry tables (art. 41 c. 13 D.Lgs. 36/2023) are the reference cost.

    Legal basis:
        No provision of law fixes a floor for accreditation tariffs: the Regions set them (L. 328/2000
        art. 8 c. 3 lett. n, in force since 2000; D.Lgs. 502/1992 art. 8-sexies for socio-health services)
        together with their staff standards. The Ministry tables of the CCNL cost (art. 41 c. 13 D.Lgs.
        36/2023, from 1/7/2023; DD 30/2024 issued 14/6/2024) are used as the reference cost by analogy, as
        Lazio's DGR 615/2025 does (ACCREDITATION.md §3.1, §6). Reading chosen: a tariff that cannot pay the
        act's own minutes at the lowest level (A1) is a warning, never critical: the act is not a tender.

    Methodology:
        Total remuneration = the tariff (health + social quotas when only these are given), per unit.
        Floor = Σ minutes per unit / 60 × the A1 hourly cost of the Ministry table in force on the tariff's
        start of validity (staff minutes per week are divided by 7 for a daily tariff). Total < floor is a
        violation when the tariff, the minutes and the A1 rate are all verified (read in the act, verified
        table figure). Full cost = Σ minutes / 60 × the cost of each profile's level + the other cost items
        the act states: total ≥ full cost with every rate verified is compliant.

    Does not flag:
        No staff standard, no total, no date, minutes for a period that does not match the tariff's unit:
        not verifiable. A figure from a press or association page, or an estimated table rate: not
        verifiable, with the estimated gap shown as information.

    Assumptions:
        The table cost is per hour actually worked, so it already covers absences; no second factor is
        applied. Levels come from the act's staff standard, never from a guessed mapping.

    Flagged example:
        CRA tariff € 40,00/day from 1/1/2025 (read in the DGR), 130 minutes per guest per day stated in the
        same act: floor 130/60 × € 19,70 = € 42,68: violation, € 2,68 below.

    Not flagged example:
        The same minutes with a tariff of € 95,00/day and every level rate verified: compliant; with
        estimated rates for the levels, not verifiable with the gap shown.
    """

    code = "R-ACC-1"
    name = "accreditation.tariff_below_staff_floor"
    family = "R-ACC"
    severity = "warning"
    version = "1"
    legal_basis = "L. 328/2000 art. 8 c. 3 lett. n); D.Lgs. 502/1992 art. 8-sexies; art. 41 c. 13 D.Lgs. 36/2023"

    def evaluate(self, ctx: TariffContext, legal: LegalData) -> Verdict:  # type: ignore[override]
        settings = data.load()
        total, total_status = ctx.total()
        if total is None:
            return not_verifiable("importo complessivo della tariffa non indicato (né quota sanitaria + sociale)")
        try:
            buildup = build_up(ctx, legal, settings.floor_level)
        except BuildUpError as exc:
            return not_verifiable(str(exc))
        floor = buildup.floor_staff
        figures = {"tariff": total, "tariff_status": total_status, **buildup.as_figures(),
                   "gap_floor": round(total - floor, 2)}
        if buildup.full_total is not None:
            figures["gap_full"] = round(total - buildup.full_total, 2)
        evidence = ctx.evidence("amount", "health_share", "social_share", "staff")
        unit = {"day": "giorno", "hour": "ora", "access": "accesso", "week": "settimana"}.get(ctx.unit, ctx.unit)
        if total < floor:
            why = blockers({"l'importo è": total_status, "i minuti di personale sono": buildup.staff_status,
                            f"il costo {settings.floor_level} è": buildup.floor_rate.status})
            if why:
                return not_verifiable(
                    "sotto la soglia minima del personale, ma " + "; ".join(why) + ": differenza stimata "
                    f"{fmt.euro(total - floor)} per {unit}", figures=figures, evidence=evidence,
                    uses_estimate=buildup.floor_rate.estimated)
            return violation(
                lambda: f"Tariffa {ctx.act_label} di {fmt.euro(total)} per {unit} sotto il costo minimo dei "
                f"{fmt.number(buildup.minutes, 0)} minuti di personale richiesti: {fmt.euro(floor)} al costo "
                f"{settings.floor_level} ({buildup.floor_rate.label}), {fmt.euro(floor - total)} in meno.",
                figures=figures, evidence=evidence)
        full = buildup.full_total
        if full is not None and total >= full and buildup.rates_verified and not blockers(
                {"importo": total_status, "minuti": buildup.staff_status, "altri costi": buildup.other_status}):
            return compliant(lambda: f"Tariffa di {fmt.euro(total)} per {unit} non inferiore al costo del personale ai "
                             f"livelli indicati e agli altri costi ({fmt.euro(full)}).", figures=figures, evidence=evidence)
        uses_estimate = any(line.level_figure is not None and line.level_figure.estimated for line in buildup.lines)
        if full is None:
            why = "livelli del personale non indicati: solo la soglia minima è calcolabile"
        elif total < full:
            why = f"tariffa sopra la soglia minima ma sotto il costo ai livelli indicati ({fmt.euro(full)})"
        else:
            why = "costo ai livelli indicati coperto, ma con valori non verificati"
        note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
        return not_verifiable(why, lambda: f"Non verificabile: {why}. Tariffa {fmt.euro(total)}, soglia minima "
                              f"{fmt.euro(floor)}.{note}", figures=figures, evidence=evidence, uses_estimate=uses_estimate)
