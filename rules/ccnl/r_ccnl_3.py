from __future__ import annotations

import re

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.ccnl.r_ccnl_2 import SECTOR_LABELS, activity
from rules.common import ctx_ccnls, law_in_force
from rules.context import NoticeContext, to_float
from rules.labour import StaffCostError, staff_cost
from rules.legal import LegalData
from rules.scope import classify

# Staff profiles of another activity than care (the profile names the task). "Ausiliario" alone is left
# out: in an RSA it is a care assistant (ASA), in a school a cleaner.
PROFILE_ACTIVITY = (
    ("cleaning", re.compile(r"pulizi|sanificazion|addett[oai] (al|ai|alle) (pulizi|riassett)", re.IGNORECASE)),
    ("catering", re.compile(r"cuoc|cucin|mensa|ristorazion|sporzionament|dietist", re.IGNORECASE)),
    ("transport", re.compile(r"autist|conducent", re.IGNORECASE)),
    ("security", re.compile(r"vigilan|guardi[ae] giurat|portier", re.IGNORECASE)),
)
LABELS = {**SECTOR_LABELS, "transport": "trasporto"}


def profile_activity(profile: str) -> str | None:
    for name, pattern in PROFILE_ACTIVITY:
        if pattern.search(profile):
            return name
    return None


class R_CCNL_3(Rule):
    """Accessory services of another activity reach 30 % of the contract and no second CCNL is named.

    Why it matters:
        Cleaning, kitchen or transport staff inside a care contract have their own sector agreement; if
        the tender names only the care CCNL for them, their pay and the price are set on the wrong one.

    Legal basis:
        Art. 11 c. 2-bis D.Lgs. 36/2023, added by the correttivo D.Lgs. 209/2024 and applying from
        31/12/2024 (`thresholds.yaml` topic `ccnl_secondary`, with the 30 % share): where secondary,
        accessory or ancillary services of a different activity reach 30 % of the contract, the authority
        also names the CCNL for them. Reading (RULES_AUDIT.md §3 #16): the share is measured inside one
        contract; lots are separate contracts, each with its own CIG and CCNL (R-CCNL-2 judges each).

    Methodology:
        One contract only (a notice with at most one lot). The staff table's rows are classed by the task
        their profile names (cleaning, kitchen, transport, security; the rest follows the contract's main
        activity). The other activities' share is their cost at the Ministry table (hours when a level
        cannot be priced) over the whole staff. Violation (warning) when the share reaches the legal
        threshold (inclusive) and fewer than two agreements are named; a string naming two agreements
        ("CCNL Cooperative sociali ... e CCNL Multiservizi ...") counts as two.

    Does not flag:
        Notices published before 31/12/2024 (the comma did not exist); notices with several lots (separate
        contracts); no staff table (not verifiable); no CCNL named (R-CCNL-1).

    Assumptions:
        Staff cost stands for the services' amounts (labour-intensive services); profiles that do not name
        their task are counted in the main activity, which can only lower the share.

    Flagged example:
        RSA management of 2025, one lot: OSS 14.000 hours and "addetti alle pulizie" 8.000 hours (about
        33 % of the staff cost), only "CCNL Cooperative sociali" named.

    Not flagged example:
        The same contract naming "CCNL Cooperative sociali e CCNL Multiservizi"; or two lots, care and
        cleaning, each a contract of its own.
    """

    code = "R-CCNL-3"
    name = "ccnl.second_ccnl_missing"
    family = "R-CCNL"
    severity = "warning"
    version = "2"
    legal_basis = "art. 11 c. 2-bis D.Lgs. 36/2023 (D.Lgs. 209/2024)"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        named = ctx_ccnls(ctx)
        if not named:
            return not_verifiable("nessun CCNL indicato nei documenti (vedi R-CCNL-1)")
        law, not_applicable = law_in_force(ctx, legal, "ccnl_secondary")
        if law is None:
            return not_applicable  # type: ignore[return-value]
        if len(ctx.lots) > 1:
            return not_verifiable("gara in più lotti: ogni lotto è un contratto distinto con il proprio CCNL; il c. "
                                  "2-bis riguarda le prestazioni accessorie dentro lo stesso contratto")
        scope = ctx.scope or classify(ctx, legal)
        main = activity(ctx, not scope.tags.isdisjoint(("social", "cas")))
        staff = ctx.value("staff")
        if main is None or not isinstance(staff, list) or not staff:
            return not_verifiable("ripartizione delle prestazioni per attività non disponibile (serve la tabella del "
                                  "personale con profili e ore)")
        names = [n.label for n in named]
        if not any(isinstance(r, dict) and profile_activity(str(r.get("profile") or "")) for r in staff):
            return compliant("Il personale richiesto è tutto dell'attività principale: nessuna prestazione accessoria "
                             "di altra attività.", figures={"main_activity": main, "other_share_pct": 0.0, "ccnl": names,
                                                            "law_version": law["id"]})
        weights = self._weights(ctx, legal, staff)
        if not weights:
            return not_verifiable("tabella del personale senza ore utilizzabili")
        by_activity: dict[str, float] = {}
        for profile, weight in weights:
            kind = profile_activity(profile) or main
            by_activity[kind] = by_activity.get(kind, 0.0) + weight
        total = sum(by_activity.values())
        other_share = (total - by_activity.get(main, 0.0)) / total * 100
        threshold = float(law["share_pct"])
        figures = {"main_activity": main, "shares_by_activity": {k: round(v / total * 100, 2) for k, v in by_activity.items()},
                   "other_share_pct": round(other_share, 2), "threshold_pct": threshold, "ccnl": names,
                   "law_version": law["id"]}
        if other_share < threshold:
            return compliant(lambda: f"Le prestazioni di altre attività valgono il {fmt.pct(other_share)} "
                             f"del personale dell'appalto, sotto la soglia del {fmt.pct(threshold, 0)}.", figures=figures)
        if len(named) >= 2:
            return compliant(lambda: f"Prestazioni di altre attività al {fmt.pct(other_share)}: la gara indica più "
                             f"CCNL ({'; '.join(names)}).", figures=figures, evidence=ctx.evidence("ccnl"))
        others = ", ".join(LABELS.get(k, k) for k in by_activity if k != main)
        return violation(
            lambda: f"Le prestazioni di {others} valgono il {fmt.pct(other_share)} del personale dell'appalto (soglia "
            f"{fmt.pct(threshold, 0)}), ma la gara indica un solo CCNL ({names[0]}): {law['legal_basis']} richiede "
            "di indicare anche il contratto per quelle prestazioni.",
            figures=figures, evidence=ctx.evidence("ccnl", "staff"),
        )

    @staticmethod
    def _weights(ctx: NoticeContext, legal: LegalData, staff: list) -> list[tuple[str, float]]:  # type: ignore[type-arg]
        """(profile, weight) per staff row: cost at the table known at publication, else hours."""
        assert ctx.published_on is not None
        try:
            cost = staff_cost(ctx, legal, ctx.published_on)
        except StaffCostError:
            return [(str(r.get("profile") or ""), h) for r in staff
                    if isinstance(r, dict) and (h := to_float(r.get("hours"))) and h > 0]
        return [(row.profile, row.cost) for row in cost.rows]
