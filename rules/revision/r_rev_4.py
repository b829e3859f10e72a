from __future__ import annotations

import datetime as dt

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData

ADJUSTING_EVENTS = {"revision", "variant", "revisione", "variante", "adeguamento"}


class R_REV_4(Rule):
    """A running contract crossed a CCNL increase with no revision or variant after it.

    Why it matters:
        The CCNL Cooperative sociali 2023-2025 raises labour cost in steps (February and October 2024,
        January and October 2025, January 2026: +15 % over the period). A contract that runs across
        them without a price revision or variant makes the cooperative absorb the increase; the
        Observatory's task is to ask the authority to adjust (the accordo 7/4/2025 on "gradualità"
        exists because many did not).

    Methodology:
        From the execution data (ANAC BDNCP, `contract_execution`): the table steps with a start date
        after the contract start and up to the earlier of its end and today. Estimated increase =
        A1 cost at the last crossed step / A1 cost at the step in force at the start − 1. Violation
        when at least one step was crossed more than `grace_days` (default 180) ago and no event of
        kind revision/variant is dated after the first crossed step.

    Exclusions:
        No execution data, no start date (not verifiable); contracts that ended before the first step.

    Assumptions:
        BDNCP records revisions and variants (a missing record reads as "no revision"): the message
        asks to verify. The A1 ratio stands for every level (they move together within ±0.2 pt).

    Flagged example:
        Contract from 1/3/2024 to 28/2/2027, no events: crossed October 2024, January and October
        2025, January 2026 steps; estimated increase +8,1 %.

    Not flagged example:
        The same contract with a "revision" event dated 15/3/2025.
    """

    code = "R-REV-4"
    name = "revision.not_adjusted_after_ccnl_increase"
    family = "R-REV"
    severity = "warning"
    version = "1"
    legal_basis = "art. 60 e art. 120 D.Lgs. 36/2023; art. 9 (equilibrio contrattuale); CCNL Cooperative sociali 2023-2025"
    applies_to = ("post_award",)
    config_defaults = {"grace_days": 180}

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        runs = [e for e in ctx.executions if e.start_on is not None]
        if not runs:
            return not_verifiable("dati di esecuzione del contratto (data di inizio) non disponibili")
        run = min(runs, key=lambda e: e.start_on)  # type: ignore[arg-type,return-value]
        start = run.start_on
        assert start is not None
        end = min(run.end_on or ctx.today, ctx.today)
        crossed = legal.steps_between(start, end)
        base_step = legal.step_at(start)
        cutoff = ctx.today - dt.timedelta(days=int(self.options["grace_days"]))
        figures = {"cig": run.cig, "start_on": start.isoformat(), "end_on": run.end_on.isoformat() if run.end_on else None,
                   "steps_crossed": [f"{d.id} {s.id}" for d, s in crossed]}
        if base_step is None:
            return not_verifiable("contratto iniziato prima della prima tabella ministeriale caricata", figures=figures)
        if not crossed:
            return compliant("Il contratto non ha attraversato aumenti del CCNL.", figures=figures)
        first = crossed[0][1].valid_from
        adjustments = [
            ev for e in ctx.executions for ev in e.events
            if isinstance(ev, dict) and str(ev.get("kind") or "").lower() in ADJUSTING_EVENTS
            and str(ev.get("date") or "") >= first.isoformat()
        ]
        before = legal.figure(base_step[0], base_step[1], "A1")
        after = legal.figure(crossed[-1][0], crossed[-1][1], "A1")
        increase = (after.hourly_cost / before.hourly_cost - 1) * 100 if before and after else None
        uses_estimate = bool((before and before.estimated) or (after and after.estimated))
        figures |= {"estimated_increase_pct": round(increase, 2) if increase is not None else None,
                    "adjustments": adjustments}
        evidence = [{"text": f"esecuzione CIG {run.cig}: inizio {fmt.day(start)}", "source": run.source}]
        if adjustments:
            return compliant(f"Dopo gli aumenti del CCNL risultano {len(adjustments)} revisioni o varianti del contratto.",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        if first > cutoff:
            return not_verifiable(f"primo aumento del CCNL ({fmt.month(first)}) troppo recente per attendersi la "
                                  "revisione", figures=figures)

        def message() -> str:  # formatted only when read (see rules.base.Message)
            steps = ", ".join(fmt.month(s.valid_from) for _, s in crossed)
            rise = f" (aumento stimato del costo orario {fmt.pct(increase, signed=True)})" if increase else ""
            note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
            return (f"Il contratto (CIG {run.cig}, iniziato il {fmt.day(start)}) ha attraversato gli aumenti del "
                    f"CCNL di {steps}{rise} senza revisione dei prezzi né variante registrata: verificare con la "
                    f"stazione appaltante l'adeguamento del corrispettivo.{note}")

        return violation(message, figures=figures, evidence=evidence, uses_estimate=uses_estimate)
