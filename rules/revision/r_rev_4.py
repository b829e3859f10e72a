from __future__ import annotations

import datetime as dt

from rules import format as fmt
from rules.base import ESTIMATE_NOTE, Rule, Verdict, compliant, not_verifiable, violation
from rules.base_price.r_base_2 import tables_ccnl
from rules.context import NoticeContext
from rules.labour import StaffCostError, staff_cost
from rules.legal import Decree, LegalData, Step, decree_label

ADJUSTING_EVENTS = {"revision", "variant", "revisione", "variante", "adeguamento"}


class R_REV_4(Rule):
    """A running contract's labour cost rose past the revision trigger with no revision or variant after it.

    Why it matters:
        The CCNL Cooperative sociali 2023-2025 raises labour cost in steps (February and October 2024,
        January and October 2025, January 2026: about +15 % over the period). A contract that runs across
        them without a price revision makes the cooperative absorb the increase; the Observatory's task is
        to ask the authority to adjust (the accordo 7/4/2025 on "gradualità" exists because many did not).

    Legal basis:
        Art. 60 c. 2 D.Lgs. 36/2023 (services, from 1/7/2023; lett. b after the correttivo from 31/12/2024):
        the revision operates only when the cost varies by more than 5 % of the contract (`thresholds.yaml`
        topic `revision`); art. 9 (contractual balance) and art. 120 (modifications). There is no duty to
        adjust for every CCNL step (RULES_AUDIT.md §3 #9). For contracts tendered before 1/7/2023 (D.Lgs. 50/2016) the
        same 5 % serves only as a measure of materiality, not as their statutory trigger, and the figures
        say so (`trigger_basis`). The CCNL steps are the Ministry tables' (DD 7/2020, DD 30/2024) of the CCNL the tender names
        (the Cooperative sociali's when a social service names none), each valid from its own date even when
        its decree was issued later.

    Methodology:
        From the execution data (ANAC BDNCP, `contract_execution`). The offer is priced on the table that
        could be known when the notice was published (else at the award, else at the start): the latest
        step valid then whose decree was already issued. The steps valid after it and up to the earlier of
        the contract's end and today are crossed. Increase = staff cost at the last crossed step / staff cost
        at the priced step − 1, at the staff table's levels (level A1 when the notice has no staff table).
        Compliant when the increase does not exceed the trigger, or when an event of kind revision/variant
        is dated after the first crossed step. Violation (warning) when the trigger was passed more than
        `grace_days` (calibration.yaml) ago and nothing was adjusted.

    Does not flag:
        Increases at or below the 5 % trigger (a +1,9 % step, or a step that moves only educators when the
        staff has none); a contract priced on a table that already included the steps it crossed; a trigger
        passed less than `grace_days` ago; no execution data or start date.

    Assumptions:
        BDNCP records revisions and variants (a missing record reads as "no revision"): the message asks to
        verify. Without a staff table the A1 ratio stands for every level (they move together within
        ±0,2 points, except educators in January 2026).

    Flagged example:
        Published 1/12/2023 (priced on DD 7/2020, settembre 2020), running from 1/3/2024 to 28/2/2027, no
        events: increase +14,6 % by January 2026.

    Not flagged example:
        A contract priced on the January 2025 step and running from 1/2/2025: the steps of September and
        October 2025 and January 2026 add +1,9 % at level A1, under the trigger.
    """

    code = "R-REV-4"
    name = "revision.not_adjusted_after_ccnl_increase"
    family = "R-REV"
    severity = "warning"
    version = "2"
    legal_basis = "art. 60 c. 2, art. 9 e art. 120 D.Lgs. 36/2023; CCNL Cooperative sociali 2023-2025"
    applies_to = ("post_award",)

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        runs = [e for e in ctx.executions if e.start_on is not None]
        if not runs:
            return not_verifiable("dati di esecuzione del contratto (data di inizio) non disponibili")
        run = min(runs, key=lambda e: e.start_on)  # type: ignore[arg-type,return-value]
        start = run.start_on
        assert start is not None
        end = min(run.end_on or ctx.today, ctx.today)
        priced_on = ctx.published_on or run.awarded_on or start
        figures = {"cig": run.cig, "start_on": start.isoformat(),
                   "end_on": run.end_on.isoformat() if run.end_on else None, "priced_on": priced_on.isoformat()}
        ccnl, reason = tables_ccnl(ctx, legal)
        if ccnl is None:
            return not_verifiable(reason, figures=figures)
        priced = legal.step_known_at(priced_on, ccnl)
        if priced is None:
            return not_verifiable("offerta anteriore alla prima tabella ministeriale caricata", figures=figures)
        crossed = list(legal.steps_between(priced[1].valid_from, end, ccnl))
        law = legal.threshold("revision", priced_on)
        trigger_basis = "art. 60" if law is not None else "soglia dell'art. 60 usata come rilevanza"
        law = law or legal.thresholds["revision"][0]
        trigger = float(law["services_threshold_pct"])
        figures |= {"priced_table": f"{priced[0].id} {priced[1].id}",
                    "steps_crossed": [f"{d.id} {s.id}" for d, s in crossed], "trigger_pct": trigger,
                    "trigger_basis": trigger_basis, "law_version": law["id"]}
        if not crossed:
            return compliant("Il contratto non ha attraversato aumenti del CCNL rispetto alla tabella su cui è stato "
                             "prezzato.", figures=figures)
        # The increase at the last step first; the step that passed the trigger is looked for only when needed.
        increases = self._increases(ctx, legal, priced, crossed[-1:], ccnl)
        if increases is None:
            return not_verifiable("costi di tabella dei livelli del personale non disponibili", figures=figures)
        (final,), levels, uses_estimate = increases
        figures |= {"estimated_increase_pct": round(final, 2), "levels": levels}
        first = crossed[0][1].valid_from
        adjustments = [
            ev for e in ctx.executions for ev in e.events
            if isinstance(ev, dict) and str(ev.get("kind") or "").lower() in ADJUSTING_EVENTS
            and str(ev.get("date") or "") >= first.isoformat()
        ]
        figures["adjustments"] = adjustments
        evidence = [{"text": f"esecuzione CIG {run.cig}: inizio {fmt.day(start)}", "source": run.source}]
        if adjustments:
            return compliant(f"Dopo gli aumenti del CCNL risultano {len(adjustments)} revisioni o varianti del contratto.",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        if final <= trigger:
            return compliant(lambda: f"Aumento del costo del lavoro stimato {fmt.pct(final, signed=True)} dalla tabella "
                             f"su cui è stato prezzato il contratto: non supera la soglia di revisione del "
                             f"{fmt.pct(trigger, 0)} ({law['legal_basis']}).",
                             figures=figures, evidence=evidence, uses_estimate=uses_estimate)
        cumulative, _, uses_estimate = self._increases(ctx, legal, priced, crossed, ccnl) or ([final], levels, uses_estimate)
        passed = next((s for (_, s), pct in zip(crossed, cumulative, strict=False) if pct > trigger), crossed[-1][1])
        figures["trigger_passed_on"] = passed.valid_from.isoformat()
        if passed.valid_from > ctx.today - dt.timedelta(days=int(self.options["grace_days"])):
            return not_verifiable(f"soglia di revisione superata da poco ({fmt.month(passed.valid_from)}): troppo recente "
                                  "per attendersi la revisione", figures=figures)

        def message() -> str:  # formatted only when read (see rules.base.Message)
            steps = ", ".join(fmt.month(s.valid_from) for _, s in crossed)
            note = f" {ESTIMATE_NOTE}" if uses_estimate else ""
            return (f"Il contratto (CIG {run.cig}, iniziato il {fmt.day(start)}, prezzato su "
                    f"{decree_label(priced[0].id)} {fmt.month(priced[1].valid_from)}) ha attraversato gli aumenti del "
                    f"CCNL di {steps}: costo del lavoro stimato {fmt.pct(final, signed=True)}, oltre la soglia di "
                    f"revisione del {fmt.pct(trigger, 0)} da {fmt.month(passed.valid_from)}, senza revisione dei "
                    f"prezzi né variante registrata: verificare con la stazione appaltante l'adeguamento del "
                    f"corrispettivo.{note}")

        return violation(message, figures=figures, evidence=evidence, uses_estimate=uses_estimate)

    @staticmethod
    def _increases(ctx: NoticeContext, legal: LegalData, priced: tuple[Decree, Step],
                   crossed: list[tuple[Decree, Step]], ccnl: str) -> tuple[list[float], list[str], bool] | None:
        """Cumulative increase (%) at each crossed step, the levels used, and whether an estimate was used."""
        try:
            base = staff_cost(ctx, legal, priced[1].valid_from, decree=priced[0].id, ccnl=ccnl, known=False)
            costs = [staff_cost(ctx, legal, s.valid_from, decree=d.id, ccnl=ccnl, known=False) for d, s in crossed]
        except StaffCostError:
            base = None
        if base is not None:
            return ([(c.hourly / base.hourly - 1) * 100 for c in costs], base.levels,
                    base.uses_estimate or any(c.uses_estimate for c in costs))
        if ccnl != "T151":
            return None  # the A1 proxy is the Cooperative sociali's lowest level
        before = legal.figure(priced[0], priced[1], "A1")
        after = [legal.figure(d, s, "A1") for d, s in crossed]
        if before is None or any(a is None for a in after):
            return None
        return ([(a.hourly_cost / before.hourly_cost - 1) * 100 for a in after if a is not None], ["A1"],
                before.estimated or any(a.estimated for a in after if a is not None))
