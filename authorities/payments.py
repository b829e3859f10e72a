"""Storing payment-timeliness readings as a series per authority, period and source.

Every stored value keeps its source, URL, sign convention and definition. Bad input stays visible:
- a quarter absent between two published ones gets a row with status "missing";
- a page (or PDF) that cannot be read gets a row with status "unreadable" and the reason;
- two different values for one period on the same page: the first is kept and the note names both;
- a plain average of days (not the DPCM indicator) is stored with its own definition and sign
  convention, so rules never read it as an ITP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from authorities import pcc
from authorities.figures import AVERAGE, DPCM, PageReading, PaymentFigure, parse_period
from db.models import ContractingAuthority, PaymentIndicator

# The words matter: rules (R-PAY-2) recognise the DPCM figure by its convention ("scadenza",
# "ponderati", "negativo"), so the other definitions must not use them.
SIGN_CONVENTIONS = {
    DPCM: "giorni di ritardo rispetto alla scadenza, ponderati per importo (DPCM 22/9/2014 art. 9); "
          "negativo = pagamenti in anticipo",
    AVERAGE: "giorni medi dal ricevimento della fattura al pagamento, media semplice: definizione diversa "
             "dall'indicatore di legge; sempre positivo",
    "unknown": "definizione non dichiarata dalla pagina: cifra letta con riserva",
}
UNKNOWN_PERIOD = "sconosciuto"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass
class PaymentStoreReport:
    stored: int = 0
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"stored": self.stored, "missing": self.missing, "unreadable": self.unreadable,
                "problems": self.problems}


def _row(session: Session, authority: ContractingAuthority, period: str, source: str) -> PaymentIndicator:
    row = session.scalars(select(PaymentIndicator).where(
        PaymentIndicator.authority_id == authority.id, PaymentIndicator.period == period,
        PaymentIndicator.source == source)).first()
    if row is None:
        row = PaymentIndicator(authority_id=authority.id, period=period, source=source, sign_convention="")
        session.add(row)
    return row


def store_reading(session: Session, authority: ContractingAuthority, reading: PageReading, *, source: str,
                  url: str | None, period_hint: str | None = None, convention: str | None = None) -> PaymentStoreReport:
    """Write one page's reading for one authority; then mark the gaps of its quarterly series.

    `convention` overrides the sign convention of the reading's definition (the PCC's figures are
    the DPCM indicator, but cumulated from the start of the year: pcc.SIGN_CONVENTION says so).
    A block of PCC figures republished on the page (`reading.republished_pcc`) is stored as its
    own series, source "pcc_republished", beside the authority's.
    """
    report = PaymentStoreReport(problems=list(reading.problems))
    convention = convention or SIGN_CONVENTIONS.get(reading.definition, SIGN_CONVENTIONS["unknown"])
    if reading.unreadable:
        period = parse_period(period_hint) or UNKNOWN_PERIOD
        row = _row(session, authority, period, source)
        if row.status != "published":  # a figure read earlier from another file is not erased
            row.status = "unreadable"
            for name in PaymentFigure.VALUES:
                setattr(row, name, None)
            row.definition, row.sign_convention = reading.definition, convention
            row.source_url, row.note = url, reading.unreadable
        report.unreadable.append(f"{period}: {reading.unreadable}")
    seen: dict[str, PaymentFigure] = {}
    for figure in reading.figures:
        previous = seen.get(figure.period)
        if previous is not None:
            _merge_same_period(previous, figure, report)
            continue
        seen[figure.period] = figure
    for period, figure in seen.items():
        row = _row(session, authority, period, source)
        # Two files of one source may each hold part of a period (the PCC publishes payment times and
        # the debt stock separately): a figure from another file completes the row, never blanks it.
        same_file = row.source_url in (None, url) or row.status != "published"
        for name in PaymentFigure.VALUES:
            value = getattr(figure, name)
            if value is not None or same_file:
                setattr(row, name, value)
        row.status, row.definition, row.sign_convention, row.source_url = "published", reading.definition, convention, url
        notes = [f"letto da: {figure.evidence[:300]}" + (f" (pagina {figure.page})" if figure.page else "")]
        notes += [p for p in report.problems if p.startswith(period + ":")]
        row.note = "; ".join(notes)
        report.stored += 1
    session.flush()
    report.missing = mark_missing_quarters(session, authority, source, url)
    if reading.republished_pcc is not None and reading.republished_pcc.figures:
        republished = store_reading(session, authority, reading.republished_pcc, source=pcc.REPUBLISHED_SOURCE,
                                    url=url, convention=pcc.SIGN_CONVENTION)
        report.stored += republished.stored
        report.missing += [f"{pcc.REPUBLISHED_SOURCE} {period}" for period in republished.missing]
        report.problems += republished.problems
    return report


def _merge_same_period(kept: PaymentFigure, other: PaymentFigure, report: PaymentStoreReport) -> None:
    for attr in PaymentFigure.VALUES:
        mine, theirs = getattr(kept, attr), getattr(other, attr)
        if mine is None and theirs is not None:
            setattr(kept, attr, theirs)
        elif mine is not None and theirs is not None and mine != theirs:
            report.problems.append(f"{kept.period}: {attr} {mine} e {theirs} sulla stessa pagina; tenuto {mine}")


def mark_missing_quarters(session: Session, authority: ContractingAuthority, source: str, url: str | None) -> list[str]:
    """Rows with status "missing" for each quarter absent between the first and last published one."""
    rows = list(session.scalars(select(PaymentIndicator).where(
        PaymentIndicator.authority_id == authority.id, PaymentIndicator.source == source)))
    quarters = sorted({(int(m[1]), int(m[2])) for r in rows if r.status != "missing" and (m := _QUARTER.match(r.period))})
    if len(quarters) < 2:
        return []
    have = {f"{y}-Q{q}" for y, q in quarters}
    missing: list[str] = []
    year, quarter = quarters[0]
    while (year, quarter) < quarters[-1]:
        period = f"{year}-Q{quarter}"
        if period not in have:
            row = _row(session, authority, period, source)
            if row.status in (None, "missing"):
                row.status, row.definition = "missing", "unknown"
                row.sign_convention = SIGN_CONVENTIONS["unknown"]
                row.source_url, row.note = url, "trimestre non pubblicato sulla pagina (lacuna nella serie)"
                missing.append(period)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    stale = [r for r in rows if r.status == "missing" and r.period in have]
    for row in stale:
        session.delete(row)
    return missing


def payment_series(session: Session, authority_id: int) -> list[PaymentIndicator]:
    rows = session.scalars(select(PaymentIndicator).where(PaymentIndicator.authority_id == authority_id))
    return sorted(rows, key=lambda r: (r.period, r.source))
