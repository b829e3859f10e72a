from __future__ import annotations

import re
from functools import lru_cache

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext, to_float
from rules.legal import LegalData

HEALTH_BODY = re.compile(r"\b(asl|asp|ats|asst|ausl|usl|azienda (sanitaria|ospedalier|socio[- ]sanitari)|ulss|"
                         r"ircss|irccs|policlinico|ospedal)", re.IGNORECASE)
LATE_START = re.compile(r"liquidazion|approvazion|verifica di conformit|regolare esecuzione|emissione del mandato",
                        re.IGNORECASE)


@lru_cache(maxsize=4096)  # authorities tender again and again: one regex search per authority, not per notice
def health_body(name: str | None, legal_nature: str | None) -> bool:
    return bool(HEALTH_BODY.search(" ".join(filter(None, [name, legal_nature]))))


class R_PAY_1(Rule):
    """The contract's payment term exceeds 30 days (60 for health bodies) or runs from the wrong event.

    Why it matters:
        D.Lgs. 231/2002 art. 4: public administrations pay within 30 days of the invoice; up to 60
        only when agreed in writing and justified, and for health-care bodies. Cooperatives pay
        wages monthly; late payment is financed by them. Terms that run from the "liquidazione" or
        an approval instead of the invoice stretch the term without saying so.

    Methodology:
        Reads `payment_days` (a number, or an object with `days` and `from`). Legal maximum from the
        law version (`thresholds.yaml` payment): 30 days, 60 for health bodies (authority name or
        legal nature). Violation when the days exceed it, or when the term runs from liquidazione,
        approval or the conformity check.

    Exclusions:
        Payment term not found (not verifiable).

    Assumptions:
        Health bodies recognised by name (ASL, ASP, ATS, ASST, aziende ospedaliere, IRCCS).

    Flagged example:
        A municipality: "pagamento entro 60 giorni dal ricevimento della fattura".

    Not flagged example:
        "pagamento entro 30 (trenta) giorni dal ricevimento della fattura elettronica".
    """

    code = "R-PAY-1"
    name = "payment.term_too_long"
    family = "R-PAY"
    severity = "warning"
    version = "1"
    legal_basis = "art. 4 c. 2-5 D.Lgs. 231/2002"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        raw = ctx.value("payment_days")
        days = to_float(raw)
        if days is None:
            return not_verifiable("termine di pagamento non trovato nei documenti")
        law = legal.threshold("payment", ctx.published_on or ctx.today)
        if law is None:
            return not_verifiable("nessuna norma sui termini di pagamento caricata per la data di pubblicazione")
        evidence = ctx.evidence("payment_days")
        start = str(raw.get("from") or "") if isinstance(raw, dict) else ""
        start += " " + " ".join(str(e.get("text") or "") for e in evidence)
        health = health_body(ctx.authority_name, ctx.authority_legal_nature)
        limit = int(law["max_days_health"] if health else law["max_days"])
        figures = {"payment_days": days, "max_days": limit, "health_body": health}
        if days > limit:
            return violation(lambda: f"Termine di pagamento di {days:.0f} giorni, oltre il massimo di {limit} "
                             f"giorni ({law['legal_basis']}).", figures=figures, evidence=evidence)
        if LATE_START.search(start):
            return violation(lambda: f"Termine di pagamento di {days:.0f} giorni che decorre dalla liquidazione o "
                             "da un'approvazione e non dal ricevimento della fattura: il termine reale si allunga.",
                             figures=figures | {"runs_from": "liquidazione/approvazione"}, evidence=evidence)
        return compliant(lambda: f"Termine di pagamento di {days:.0f} giorni, entro il massimo di {limit}.",
                         figures=figures, evidence=evidence)
