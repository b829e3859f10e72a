from __future__ import annotations

from rules import format as fmt
from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.context import NoticeContext
from rules.legal import LegalData
from rules.payment.r_pay_2 import record_key


class R_PAY_3(Rule):
    """The authority reports a stock of overdue commercial debts (information).

    Why it matters:
        Next to the ITP, a stock of overdue debt shows the late payments are not occasional, whatever the
        sign of a single period's indicator. A signal about the authority, not a defect of the tender.

    Legal basis:
        Art. 33 D.Lgs. 33/2013: authorities publish the total of overdue debts and the number of creditor
        firms; D.Lgs. 231/2002 sets the due dates.

    Methodology:
        The most recent period with an `overdue_debt` figure. Violation (severity info) when it exceeds
        `min_overdue_eur` (calibration.yaml; 0 until an Observatory sets a materiality threshold);
        compliant otherwise. The figures keep the series' source and sign convention.

    Does not flag:
        A stock at or below the threshold; no figure published, or a figure not read (e.g. a scanned PDF,
        noted in the series): not verifiable.

    Assumptions:
        The overdue stock is in euro at the end of the period.

    Flagged example:
        2025: debiti scaduti € 1.250.000,00, 37 imprese creditrici.

    Not flagged example:
        2025: debiti scaduti € 0,00.
    """

    code = "R-PAY-3"
    name = "payment.overdue_debt"
    family = "R-PAY"
    severity = "info"
    version = "1"
    legal_basis = "art. 33 D.Lgs. 33/2013; D.Lgs. 231/2002"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        records = [r for r in ctx.payments if r.overdue_debt is not None]
        if not records:
            notes = [r.note for r in ctx.payments if r.note]
            return not_verifiable("stock dei debiti scaduti non pubblicato o non letto"
                                  + (f" ({notes[0]})" if notes else ""))
        record = max(records, key=record_key)
        debt = float(record.overdue_debt or 0)
        figures = {"period": record.period, "overdue_debt": debt, "creditors_overdue": record.creditors_overdue,
                   "sign_convention": record.sign_convention, "source": record.source}
        evidence = [{"text": f"debiti scaduti {record.period}: {debt}", "url": record.source_url, "source": record.source}]
        who = ctx.authority_name or "La stazione appaltante"
        if debt > float(self.options["min_overdue_eur"]):
            creditors = f", verso {record.creditors_overdue} imprese" if record.creditors_overdue else ""
            return violation(lambda: f"{who} dichiara debiti commerciali scaduti per {fmt.euro(debt)}"
                             f"{creditors} ({fmt.period(record.period)}).", figures=figures, evidence=evidence)
        return compliant(lambda: f"{who} non dichiara debiti commerciali scaduti "
                         f"({fmt.period(record.period)}).", figures=figures, evidence=evidence)
