from __future__ import annotations

from functools import lru_cache

from db.queries.payments import source_rank
from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext, PaymentRecord
from rules.legal import LegalData

DPCM_WORDS = ("dpcm", "weighted", "ponderat", "scadenza", "due date", "negative = early", "negativo")


def is_dpcm(record: PaymentRecord) -> bool:
    """True when the series uses the DPCM 22/9/2014 definition (days after the due date, weighted)."""
    return _dpcm_convention(record.sign_convention or "")


@lru_cache(maxsize=1024)  # a handful of conventions (one per data source), read for every notice
def _dpcm_convention(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in DPCM_WORDS)


@lru_cache(maxsize=1024)  # periods repeat: every authority publishes the same quarters
def period_end(period: str) -> tuple[str, int, int]:
    """Sort key by the end of the period: "2025-Q3" ends in September, "2025" in December; at the same
    end the quarter wins (it is the finer figure)."""
    year, _, rest = period.partition("-")
    quarter = rest.upper().removeprefix("Q")
    if quarter.isdigit():
        return year, int(quarter) * 3, 1
    return year, 12, 0


def latest(records: list[PaymentRecord]) -> PaymentRecord | None:
    """The record of the most recent period, among records with an ITP figure (for one period, the
    source that `source_rank` puts first)."""
    usable = [r for r in records if r.itp_days is not None]
    return max(usable, key=record_key) if usable else None


def record_key(record: PaymentRecord) -> tuple[tuple[str, int, int], tuple[int, str]]:
    return period_end(record.period), source_rank(record.source)


class R_PAY_2(Rule):
    """The contracting authority pays late on average: payment-timeliness indicator (ITP) above zero.

    Why it matters:
        Checking that authorities pay on time is one of the Observatories' tasks: late payers make
        cooperatives advance wages. It is a signal about the authority, not a defect of the tender.

    Legal basis:
        Art. 33 D.Lgs. 33/2013 (as amended by DL 66/2014, quarterly indicator from 2015) and DPCM 22/9/2014
        art. 9: the amount-weighted average of days between due date and payment; positive means late.
        The due dates are those of D.Lgs. 231/2002 art. 4.

    Methodology:
        The most recent period of the authority's series (`payment_indicator`; for one period the source
        ranked first, PCC before the authority's own page). ITP ≤ 0: compliant; 0 < ITP ≤ `critical_days`
        (calibration.yaml): violation, warning; above: violation, critical. The message says the figure is
        the authority's, not the tender's.

    Does not flag:
        An authority that pays on average by the due date (ITP ≤ 0); a series that uses another definition
        (plain average of days from receipt: not comparable, not verifiable); no series for the authority.

    Assumptions:
        The sign convention stored with the series (negative = early).

    Flagged example:
        Comune with ITP 2025-Q2 = 42,5 days: critical.

    Not flagged example:
        ITP 2025 = -3,2 days (paid on average early); ITP 0,0.
    """

    code = "R-PAY-2"
    name = "payment.late_payer"
    family = "R-PAY"
    severity = "warning"
    version = "2"
    legal_basis = "art. 33 D.Lgs. 33/2013; DPCM 22/9/2014 art. 9; D.Lgs. 231/2002"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        record = latest(ctx.payments)
        if record is None:
            return not_verifiable("indicatore di tempestività dei pagamenti della stazione appaltante non disponibile")
        figures = {"period": record.period, "itp_days": record.itp_days, "sign_convention": record.sign_convention,
                   "source": record.source}
        evidence = [{"text": f"ITP {record.period}: {record.itp_days} giorni", "url": record.source_url,
                     "source": record.source}]
        if not is_dpcm(record):
            return not_verifiable(f"l'indicatore pubblicato ({record.period}) non segue la definizione del DPCM "
                                  "22/9/2014 (giorni oltre la scadenza, ponderati): non confrontabile",
                                  figures=figures, evidence=evidence)
        itp = float(record.itp_days or 0)
        who = ctx.authority_name or "La stazione appaltante"
        if itp <= 0:
            return compliant(lambda: f"{who} paga in media nei termini (ITP {fmt.period(record.period)}: "
                             f"{fmt.number(itp, 1)} giorni).", figures=figures, evidence=evidence)
        severity = "critical" if itp > float(self.options["critical_days"]) else "warning"
        return violation(lambda: f"{who} paga in media {fmt.number(itp, 1)} giorni dopo la scadenza "
                         f"(indicatore di tempestività dei pagamenti, {fmt.period(record.period)}): dato "
                         "dell'amministrazione, non della singola gara.",
                         severity=severity, figures=figures, evidence=evidence)
