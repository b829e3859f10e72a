"""Storing the payment-timeliness series: gaps, unreadable files, two values for one period, definitions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from authorities.figures import PageReading, PaymentFigure
from authorities.itp import read_html, read_pdf
from authorities.payments import SIGN_CONVENTIONS, payment_series, store_reading
from db.models import PaymentIndicator
from db.queries.authorities import upsert_authority


def _series(session, authority_id: int) -> dict[str, PaymentIndicator]:  # noqa: ANN001
    return {r.period: r for r in payment_series(session, authority_id)}


def test_series_with_a_missing_quarter(session, files: Path) -> None:
    modena = upsert_authority(session, fiscal_code="00221940364", name="COMUNE DI MODENA")
    url = "https://www.comune.modena.it/amministrazione-trasparente/x"
    report = store_reading(session, modena, read_html((files / "payments" / "modena.html").read_bytes()),
                           source="payments_html", url=url)
    session.commit()
    assert report.stored == 7 and report.missing == ["2024-Q3"]
    series = _series(session, modena.id)
    gap = series["2024-Q3"]
    assert (gap.status, gap.itp_days) == ("missing", None) and "non pubblicato" in gap.note
    q1 = series["2024-Q1"]
    assert (q1.status, q1.itp_days, q1.definition, q1.source, q1.source_url) == (
        "published", Decimal("-6.12"), "dpcm_weighted_delay", "payments_html", url)
    assert "negativo = pagamenti in anticipo" in q1.sign_convention
    assert series["2024"].itp_days == Decimal("-4.60")


def test_a_gap_filled_later_stops_being_missing(session) -> None:
    authority = upsert_authority(session, fiscal_code="00221940364", name="COMUNE DI MODENA")
    first = PageReading([PaymentFigure("2025-Q1", Decimal("1")), PaymentFigure("2025-Q3", Decimal("3"))], "dpcm_weighted_delay")
    assert store_reading(session, authority, first, source="s", url=None).missing == ["2025-Q2"]
    second = PageReading([PaymentFigure("2025-Q2", Decimal("2"))], "dpcm_weighted_delay")
    store_reading(session, authority, second, source="s", url=None)
    session.commit()
    series = _series(session, authority.id)
    assert [(p, r.status, r.itp_days) for p, r in sorted(series.items())] == [
        ("2025-Q1", "published", Decimal("1.00")), ("2025-Q2", "published", Decimal("2.00")),
        ("2025-Q3", "published", Decimal("3.00"))]


def test_scanned_pdf_read_by_ocr_is_stored_with_a_note_saying_so(session, files: Path) -> None:
    trani = upsert_authority(session, fiscal_code="83000350724", name="COMUNE DI TRANI")
    reading = read_pdf((files / "payments" / "trani" / "indicatore_III_trimestre_2025.pdf").read_bytes())
    report = store_reading(session, trani, reading, source="payments_pdf", url="u",
                           period_hint="Indicatore tempestività pagamenti III trimestre 2025")
    session.commit()
    assert report.stored == 1 and report.unreadable == []
    [row] = session.scalars(select(PaymentIndicator)).all()
    assert (row.period, row.status, row.itp_days) == ("2025-Q3", "published", Decimal("18.42"))
    assert "OCR" in row.note and "da verificare" in row.note


def test_scanned_pdf_that_ocr_cannot_read_is_recorded_as_unreadable_for_its_period(session) -> None:
    trani = upsert_authority(session, fiscal_code="83000350724", name="COMUNE DI TRANI")
    reading = PageReading(unreadable="scanned_pdf: il PDF non ha testo (scansione); l'OCR non vi ha trovato cifre")
    report = store_reading(session, trani, reading, source="payments_pdf", url="u",
                           period_hint="Indicatore tempestività pagamenti III trimestre 2025")
    session.commit()
    assert report.stored == 0 and report.unreadable[0].startswith("2025-Q3: scanned_pdf")
    [row] = session.scalars(select(PaymentIndicator)).all()
    assert (row.period, row.status, row.itp_days) == ("2025-Q3", "unreadable", None)
    assert "scansione" in row.note


def test_unreadable_file_never_erases_a_figure_read_before(session) -> None:
    authority = upsert_authority(session, fiscal_code="83000350724", name="COMUNE DI TRANI")
    store_reading(session, authority, PageReading([PaymentFigure("2025-Q3", Decimal("18.42"))], "dpcm_weighted_delay"),
                  source="s", url="a")
    store_reading(session, authority, PageReading(unreadable="scanned_pdf: x"), source="s", url="b",
                  period_hint="III trimestre 2025")
    session.commit()
    [row] = session.scalars(select(PaymentIndicator)).all()
    assert (row.status, row.itp_days, row.source_url) == ("published", Decimal("18.42"), "a")


def test_two_values_for_one_period_are_not_silently_merged(session) -> None:
    authority = upsert_authority(session, fiscal_code="80017980634", name="COMUNE DI ERCOLANO")
    reading = PageReading([PaymentFigure("2025-Q1", Decimal("41.20"), evidence="tabella"),
                           PaymentFigure("2025-Q1", Decimal("14.20"), Decimal("100"), evidence="testo")], "dpcm_weighted_delay")
    report = store_reading(session, authority, reading, source="s", url=None)
    session.commit()
    [row] = session.scalars(select(PaymentIndicator)).all()
    assert row.itp_days == Decimal("41.20") and row.overdue_debt == Decimal("100.00")
    assert report.problems == ["2025-Q1: itp_days 41.20 e 14.20 sulla stessa pagina; tenuto 41.20"]
    assert "14.20" in row.note


def test_plain_average_keeps_its_own_definition(session, files: Path) -> None:
    bari = upsert_authority(session, fiscal_code="80015010723", name="COMUNE DI BARI")
    store_reading(session, bari, read_html((files / "payments" / "bari.html").read_bytes()), source="s", url=None)
    session.commit()
    row = _series(session, bari.id)["2025-Q1"]
    assert (row.definition, row.itp_days) == ("average_days_to_pay", Decimal("47.00"))
    assert row.sign_convention == SIGN_CONVENTIONS["average_days_to_pay"]


def test_r_pay_2_recognises_only_the_dpcm_convention() -> None:
    """R-PAY-2 tells the DPCM figure by the stored sign convention: the other definitions must not pass."""
    from rules.context import PaymentRecord
    from rules.payment.r_pay_2 import is_dpcm

    def record(definition: str) -> PaymentRecord:
        return PaymentRecord(period="2025-Q1", itp_days=1.0, overdue_debt=None, creditors_overdue=None,
                             sign_convention=SIGN_CONVENTIONS[definition], source="s", source_url=None, note=None)

    assert is_dpcm(record("dpcm_weighted_delay"))
    assert not is_dpcm(record("average_days_to_pay"))
    assert not is_dpcm(record("unknown"))


def test_latest_itp_for_the_digests(session, files: Path) -> None:
    from db.queries.payments import latest_itp, period_key

    modena = upsert_authority(session, fiscal_code="00221940364", name="COMUNE DI MODENA")
    bari = upsert_authority(session, fiscal_code="80015010723", name="COMUNE DI BARI")
    trani = upsert_authority(session, fiscal_code="83000350724", name="COMUNE DI TRANI")
    store_reading(session, modena, read_html((files / "payments" / "modena.html").read_bytes()), source="s", url=None)
    store_reading(session, bari, read_html((files / "payments" / "bari.html").read_bytes()), source="s", url=None)
    store_reading(session, trani, PageReading(unreadable="scanned_pdf: x"), source="s", url=None,
                  period_hint="III trimestre 2025")
    session.commit()
    latest = latest_itp(session, [modena.id, bari.id, trani.id])
    assert list(latest) == [modena.id]  # Bari publishes a plain average, Trani nothing readable
    assert (latest[modena.id].period, latest[modena.id].itp_days) == ("2025-Q3", Decimal("-1.02"))
    assert sorted(["2025", "2025-Q4", "2024", "2025-Q1"], key=period_key) == ["2024", "2025-Q1", "2025-Q4", "2025"]
