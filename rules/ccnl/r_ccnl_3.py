from __future__ import annotations

import re

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import ccnl_names
from rules.context import NoticeContext, to_float
from rules.legal import LegalData

CATEGORIES = (
    ("social", ("853", "8514", "80110", "98", "75310", "85000000")),
    ("cleaning", ("9091", "9090")),
    ("catering", ("553", "555")),
    ("transport", ("6010", "6013", "6014", "6017")),
    ("security", ("7971",)),
)
LABELS = {"social": "servizi alla persona", "cleaning": "pulizie", "catering": "ristorazione",
          "transport": "trasporto", "security": "vigilanza", "other": "altre attività"}


def category(cpv: str) -> str:
    digits = re.sub(r"\D", "", cpv)
    for name, prefixes in CATEGORIES:
        if digits.startswith(prefixes):
            return name
    return "other"


class R_CCNL_3(Rule):
    """Accessory services of another activity reach 30 % and no second CCNL is named for them.

    Why it matters:
        Art. 11 c. 2-bis D.Lgs. 36/2023 (added by the correttivo D.Lgs. 209/2024): when secondary,
        accessory or ancillary services of a different activity reach 30 % of the contract, the
        authority must indicate the CCNL for those services too.

    Methodology:
        The lots with a CPV and an amount are grouped by activity (social, cleaning, catering,
        transport, security, other). The main activity is the largest; the others' share of the total
        is compared with `share_pct` (default 30, inclusive). Violation when the share is reached and
        fewer than two CCNLs are named.

    Exclusions:
        Single-lot notices or lots without CPV/amount (not verifiable); notices naming no CCNL at all
        (R-CCNL-1).

    Assumptions:
        The lots' CPVs describe their activity; services mixed inside one lot are not seen.

    Flagged example:
        RSA management: lot 1 care (CPV 85311000-2) € 700.000, lot 2 cleaning (CPV 90910000-9)
        € 400.000 (36 %), only "CCNL Cooperative sociali" named.

    Not flagged example:
        The same lots with "CCNL Cooperative sociali" and "CCNL Multiservizi" named.
    """

    code = "R-CCNL-3"
    name = "ccnl.second_ccnl_missing"
    family = "R-CCNL"
    severity = "warning"
    version = "1"
    legal_basis = "art. 11 c. 2-bis D.Lgs. 36/2023 (D.Lgs. 209/2024)"
    config_defaults = {"share_pct": 30.0}

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        names = ccnl_names(ctx.value("ccnl"))
        if not names:
            return not_verifiable("nessun CCNL indicato nei documenti (vedi R-CCNL-1)")
        amounts: dict[str, float] = {}
        priced = 0  # lots with a CPV and an amount
        for lot in ctx.lots:
            amount = to_float(lot.get("amount"))
            if lot.get("cpv") and amount:
                priced += 1
                cat = category(str(lot["cpv"]))
                amounts[cat] = amounts.get(cat, 0.0) + amount
        if priced < 2:
            return not_verifiable("ripartizione delle prestazioni per attività non disponibile (servono almeno due "
                                  "lotti con CPV e importo)")
        total = sum(amounts.values())
        main = max(amounts, key=lambda k: amounts[k])
        other_share = (total - amounts[main]) / total * 100
        threshold = float(self.options["share_pct"])
        figures = {"main_activity": main, "amounts_by_activity": {k: round(v, 2) for k, v in amounts.items()},
                   "other_share_pct": round(other_share, 2), "threshold_pct": threshold, "ccnl": names}
        if other_share < threshold:
            return compliant(lambda: f"Le prestazioni accessorie valgono il {fmt.pct(other_share)} "
                             f"dell'appalto, sotto la soglia del {fmt.pct(threshold, 0)}.", figures=figures)
        if len(names) >= 2:
            return compliant(lambda: f"Prestazioni accessorie al {fmt.pct(other_share)}: la gara indica più "
                             f"CCNL ({'; '.join(names)}).", figures=figures, evidence=ctx.evidence("ccnl"))
        others = ", ".join(LABELS[k] for k in amounts if k != main)
        return violation(
            lambda: f"Le prestazioni di {others} valgono il {fmt.pct(other_share)} dell'appalto (soglia "
            f"{fmt.pct(threshold, 0)}), ma la gara indica un solo CCNL ({names[0]}): l'art. 11 c. 2-bis richiede "
            "di indicare anche il contratto per quelle prestazioni.",
            figures=figures, evidence=ctx.evidence("ccnl"),
        )
