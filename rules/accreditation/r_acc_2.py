from __future__ import annotations

from typing import Any

from rules import format as fmt
from rules.accreditation import data
from rules.accreditation.base import TariffRule
from rules.accreditation.context import TariffContext
from rules.base import ESTIMATE_NOTE, Verdict, compliant, not_verifiable, violation
from rules.context import to_float
from rules.labour import normalise_level
from rules.legal import LegalData


class R_ACC_2(TariffRule):
    """An hourly cost the act assumed in the tariff's build-up is below the Ministry table for the same level.

    Why it matters:
        A tariff built on hourly costs below the Ministry tables (art. 41 c. 13 D.Lgs. 36/2023) cannot pay
        the CCNL. Lazio's DGR 615/2025 builds its maximum tariffs from the DD 30/2024 rates: an act that
        prints its rates can be checked level by level.

    Legal basis:
        Art. 41 c. 13 D.Lgs. 36/2023 (from 1/7/2023; not amended on this point by D.Lgs. 209/2024) makes the
        Ministry tables the reference labour cost in procurement; accreditation acts apply it by analogy, as
        Lazio's DGR 615/2025 builds its tariffs on DD 30/2024 (issued 14/6/2024). Reading chosen: an act that
        prints an hourly cost per level is compared with the table in force on the act's date, with a 0,5 %
        tolerance (ACCREDITATION.md §6); only verified table figures can ground a violation.

    Methodology:
        For each hourly cost printed by the act (level, €/h), the Ministry table figure of the same level
        in force on the tariff's start of validity. A cost more than `tolerance` (0,5 %, legal data) below a
        verified table figure, itself read in the act, is a violation. Every cost at or above a verified
        figure: compliant.

    Does not flag:
        The act prints no hourly cost; a level or date missing; a level absent from the table; a table
        figure that is an estimate (most mid levels until the official annex is imported); a cost taken
        from a secondary page: not verifiable, with the gaps shown.

    Assumptions:
        Permanent-staff costs, IRAP excluded, as the Ministry tables; the act's level labels are CCNL
        Cooperative sociali levels.

    Flagged example:
        A DGR valid from 1/3/2025 assuming € 19,00/h for level A1: the table says € 19,70/h (verified): -3,6 %.

    Not flagged example:
        The same act assuming € 19,70/h for A1 and € 40,31/h for F2 (both verified figures): compliant.
    """

    code = "R-ACC-2"
    name = "accreditation.hourly_cost_below_tables"
    family = "R-ACC"
    severity = "warning"
    version = "1"
    legal_basis = "art. 41 c. 13 D.Lgs. 36/2023; DD Ministero del Lavoro n. 30/2024; DGR Lazio 615/2025"

    def evaluate(self, ctx: TariffContext, legal: LegalData) -> Verdict:  # type: ignore[override]
        tolerance = data.load().hourly_tolerance_pct
        if not ctx.hourly_costs:
            return not_verifiable("l'atto non riporta i costi orari assunti nel calcolo della tariffa")
        date = ctx.reference_date
        if date is None:
            return not_verifiable("data di validità della tariffa non indicata: tabella ministeriale non individuabile")
        rows: list[dict[str, Any]] = []
        for raw in ctx.hourly_costs:
            level = normalise_level(raw.get("level"))
            cost = to_float(raw.get("hourly_cost"))
            figure = legal.hourly_cost(level, date) if level else None
            row: dict[str, Any] = {"profile": raw.get("profile"), "level": level, "hourly_cost": cost,
                                   "status": ctx.row_status(raw, "hourly_costs")}
            if figure is not None and cost is not None:
                row |= {"table_hourly_cost": figure.hourly_cost, "table_status": figure.status,
                        "table": f"{figure.decree} {figure.step}", "table_label": figure.label,
                        "gap_pct": round((cost - figure.hourly_cost) / figure.hourly_cost * 100, 2)}
            rows.append(row)
        figures = {"date": date.isoformat(), "rows": rows, "tolerance_pct": tolerance}
        evidence = ctx.evidence("hourly_costs")
        below = [r for r in rows if "gap_pct" in r and r["gap_pct"] < -tolerance]
        proven = [r for r in below if r["table_status"] == "verified" and r["status"] == "verified"]
        if proven:
            worst = min(proven, key=lambda r: r["gap_pct"])
            return violation(
                lambda: f"{ctx.act_label}: costo orario di {fmt.euro_hour(worst['hourly_cost'])} per il livello "
                f"{worst['level']} contro {fmt.euro_hour(worst['table_hourly_cost'])} della tabella ministeriale "
                f"({worst['table_label']}): {fmt.pct(_gap(worst), signed=True)}.", figures=figures, evidence=evidence)
        if rows and all("gap_pct" in r and r["table_status"] == "verified" and r["gap_pct"] >= 0 for r in rows):
            return compliant(f"Costi orari dell'atto non inferiori alle tabelle ministeriali ({len(rows)} livelli).",
                             figures=figures, evidence=evidence)
        uses_estimate = any(r.get("table_status") == "estimated" for r in rows)
        if below:
            why = (f"costo orario sotto la tabella per {', '.join(str(r['level']) for r in below)}, ma con valori "
                   "stimati o non letti nell'atto")
        elif any("gap_pct" in r and r["gap_pct"] < 0 for r in rows):
            why = f"costo orario appena sotto la tabella, entro la tolleranza dello {fmt.pct(tolerance)}"
        elif any("gap_pct" not in r for r in rows):
            why = "livello o costo orario non confrontabile con la tabella per " + ", ".join(
                str(r.get("profile") or r.get("level") or "?") for r in rows if "gap_pct" not in r)
        else:
            why = "costi orari non inferiori alla tabella, ma la tabella per questi livelli è una stima"
        note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
        return not_verifiable(why, lambda: f"Non verificabile: {why}.{note}", figures=figures, evidence=evidence,
                              uses_estimate=uses_estimate)


def _gap(row: dict[str, Any]) -> float:
    """The gap from the unrounded figures (the stored gap_pct is rounded to 2 decimals)."""
    return (row["hourly_cost"] - row["table_hourly_cost"]) / row["table_hourly_cost"] * 100
