"""Reading the payment-timeliness figures: one test per page shape, plus the figures' wording."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from authorities.figures import AVERAGE, DPCM, figures_from_rows, parse_number, parse_period
from authorities.itp import OCR_MARK, read_html, read_pdf, read_spreadsheet


def _by_period(reading):  # noqa: ANN001, ANN202
    return {f.period: f for f in reading.figures}


@pytest.mark.parametrize(
    ("text", "period"),
    [("III trimestre 2025", "2025-Q3"), ("1° trimestre 2024", "2024-Q1"), ("Primo trimestre 2023", "2023-Q1"),
     ("Trimestre 2 - 2025", "2025-Q2"), ("2025 - IV trimestre", "2025-Q4"), ("Anno 2024", "2024"), ("2024", "2024"),
     ("Indicatore annuale 2023", "2023"), ("01/07/2025 - 30/09/2025", "2025-Q3"), ("luglio-settembre 2025", "2025-Q3"),
     ("Q3 2025", "2025-Q3"), ("debiti scaduti al 30/09/2025", "2025-Q3"), ("debiti al 31/12/2024", "2024"),
     ("indicatore_III_trimestre_2025", "2025-Q3"), ("Indicatore di tempestività", None), ("2024 e 2025", None)],
)
def test_parse_period(text: str, period: str | None) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "days", "money"),
    [("-3,52", "-3.52", "-3.52"), ("− 3,52 giorni", "-3.52", "-3.52"), ("1.234.567,89 €", "1234567.89", "1234567.89"),
     ("12.5", "12.5", "12.5"), ("€ 12.345", "12.345", "12345"), ("III trimestre 2025: -4,21", "-4.21", "-4.21"),
     ("0", "0", "0"), ("n.d.", None, None), ("", None, None)],
)
def test_parse_number(text: str, days: str | None, money: str | None) -> None:
    assert parse_number(text) == (Decimal(days) if days else None)
    assert parse_number(text, money=True) == (Decimal(money) if money else None)


def test_html_table_with_a_gap(files: Path) -> None:
    reading = read_html((files / "payments" / "modena.html").read_bytes())
    assert reading.definition == DPCM and reading.unreadable is None
    figures = _by_period(reading)
    assert sorted(figures) == ["2024", "2024-Q1", "2024-Q2", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    q1 = figures["2024-Q1"]
    assert (q1.itp_days, q1.overdue_debt, q1.creditors_overdue) == (Decimal("-6.12"), Decimal("1254300.12"), 41)
    assert figures["2025-Q2"].itp_days == Decimal("2.15")
    assert "I trimestre 2024" in q1.evidence


def test_html_running_text(files: Path) -> None:
    reading = read_html((files / "payments" / "ercolano.html").read_bytes())
    assert reading.definition == DPCM
    itp = {f.period: f.itp_days for f in reading.figures if f.itp_days is not None}
    assert itp == {"2024": Decimal("38.71"), "2025-Q1": Decimal("41.20"), "2025-Q2": Decimal("35.04"),
                   "2025-Q3": Decimal("29.88")}
    debt = [f for f in reading.figures if f.overdue_debt is not None]
    assert [(f.period, f.overdue_debt) for f in debt] == [("2025-Q3", Decimal("8412733.19"))]


def test_html_plain_average_is_not_read_as_the_itp(files: Path) -> None:
    reading = read_html((files / "payments" / "bari.html").read_bytes())
    assert reading.definition == AVERAGE
    assert _by_period(reading)["2025-Q1"].itp_days == Decimal("47")


def test_pdf_with_a_text_layer(files: Path) -> None:
    reading = read_pdf((files / "payments" / "novara" / "itp_2025_trimestri.pdf").read_bytes())
    assert reading.definition == DPCM and reading.unreadable is None
    q3 = _by_period(reading)["2025-Q3"]
    assert (q3.itp_days, q3.overdue_debt, q3.creditors_overdue, q3.page) == (Decimal("3.62"), Decimal("405998.40"), 19, 1)
    assert _by_period(reading)["2025-Q1"].itp_days == Decimal("-2.31")


def test_scanned_pdf_is_read_with_ocr_and_says_so(files: Path) -> None:
    reading = read_pdf((files / "payments" / "trani" / "indicatore_III_trimestre_2025.pdf").read_bytes())
    assert reading.unreadable is None and reading.definition == DPCM
    [figure] = reading.figures
    assert (figure.period, figure.itp_days, figure.page) == ("2025-Q3", Decimal("18.42"), 1)
    assert figure.evidence.startswith(OCR_MARK) and "18,42" in figure.evidence


def _scan(text: str) -> bytes:
    """A one-page PDF that is only a picture (what a scanner produces), with `text` drawn in it."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1200, 300), 255)
    ImageDraw.Draw(image).text((40, 120), text, fill=0, font=ImageFont.load_default(size=40))
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def test_a_scan_without_figures_is_unreadable_not_zero() -> None:
    reading = read_pdf(_scan("Pagina lasciata intenzionalmente vuota"))
    assert reading.figures == []
    assert reading.unreadable and reading.unreadable.startswith("scanned_pdf") and "OCR" in reading.unreadable


def test_a_scan_without_ocr_installed_is_unreadable_with_the_reason(monkeypatch: pytest.MonkeyPatch, files: Path) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no tesseract on the PATH
    reading = read_pdf((files / "payments" / "trani" / "indicatore_III_trimestre_2025.pdf").read_bytes())
    assert reading.figures == [] and "tesseract is not installed" in reading.unreadable


def test_broken_pdf_is_unreadable() -> None:
    reading = read_pdf(b"%PDF-1.4\n this is not a pdf")
    assert reading.unreadable and reading.unreadable.startswith("pdf_unreadable")


def test_spreadsheet_with_periods_across(files: Path) -> None:
    data = (files / "payments" / "milano" / "indicatori_tempestivita_2025.xlsx").read_bytes()
    reading = read_spreadsheet(data, "indicatori_tempestivita_2025.xlsx")
    assert reading.definition == DPCM
    figures = _by_period(reading)
    assert sorted(figures) == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert (figures["2025-Q2"].itp_days, figures["2025-Q2"].overdue_debt, figures["2025-Q2"].creditors_overdue) == (
        Decimal("-10.95"), Decimal("4980112.00"), 198)


def test_csv_and_unsupported_sheets(files: Path) -> None:
    csv_text = "Periodo;Indicatore tempestività pagamenti;Ammontare debiti\nI trimestre 2025;-1,50;1.000,00\n"
    reading = read_spreadsheet(csv_text.encode(), "itp.csv")
    assert [(f.period, f.itp_days, f.overdue_debt) for f in reading.figures] == [
        ("2025-Q1", Decimal("-1.50"), Decimal("1000.00"))]
    ods = read_spreadsheet((files / "payments" / "milano" / "indicatori_tempestivita_2019.ods").read_bytes(), "x.ods")
    assert ods.unreadable and "ods" in ods.unreadable and ods.figures == []


def test_rows_without_header_take_the_first_number() -> None:
    figures = figures_from_rows([["II trimestre 2025", "-7,5"], ["note", "x"]])
    assert [(f.period, f.itp_days) for f in figures] == [("2025-Q2", Decimal("-7.5"))]
