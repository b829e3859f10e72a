"""`observatory report`'s builder on a database with notices, findings, payments and tariffs: the same figures
in HTML, PDF and XLSX (with native charts), each figure with its method, the trend on the previous period."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from accreditation.records import record_from_mapping
from accreditation.store import store_records
from db.models import PaymentIndicator
from reports.build import build_report
from reports.period import PeriodError, parse_period
from rules.config import parse_config
from rules.engine import run_rules
from rules.tariff_engine import run_tariff_rules
from tests.rules import factories as f


@pytest.mark.parametrize(("code", "start", "end", "previous"), [
    ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026-Q2"), ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2025-Q4"),
    ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "2026-H1"), ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026-01"),
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2024")])
def test_periods(code: str, start: dt.date, end: dt.date, previous: str) -> None:
    period = parse_period(code)
    assert (period.start, period.end, period.previous().code) == (start, end, previous)
    with pytest.raises(PeriodError):
        parse_period("Q3 2026")


def _seed(session) -> None:  # type: ignore[no-untyped-def]
    src = f.source(session)
    lombardy = f.authority(session, "00100200300", "03", "Comune di Prova")
    emilia = f.authority(session, "00200300400", "08", "Comune di Esempio")
    cheap = copy.deepcopy(f.SOCIAL_FIELDS)  # € 19,89/h against the table: R-BASE-2 violation
    cheap["award_criterion"] = {"value": "lowest_price", "evidence": []}
    fair = copy.deepcopy(f.SOCIAL_FIELDS)
    fair["labour_cost"] = {"value": 245000, "evidence": []}
    f.notice(session, src, lombardy, key="A", published_on=dt.date(2026, 7, 10), fields=cheap, cig="B0000000A1")
    f.notice(session, src, emilia, key="B", published_on=dt.date(2026, 8, 20), fields=fair, cig="B0000000B2")
    f.notice(session, src, emilia, key="C", published_on=dt.date(2026, 9, 5), fields={}, all_read=False, cig="B0000000C3")
    f.notice(session, src, lombardy, key="D", published_on=dt.date(2026, 5, 5), fields=cheap, cig="B0000000D4")  # Q2
    session.add(PaymentIndicator(authority_id=emilia.id, period="2026-Q2", itp_days=Decimal("48.5"),
                                 sign_convention="giorni di ritardo", source="pcc"))
    session.add(PaymentIndicator(authority_id=lombardy.id, period="2026-Q2", itp_days=Decimal("-3"),
                                 sign_convention="giorni di ritardo", source="pcc"))
    store_records(session, [
        record_from_mapping({"region": "08", "service_type": "csrd", "act_kind": "DGR", "valid_from": "2019-01-01",
                             "amount": 60, "status": "secondary", "source": "https://x.example"}, "t"),
        record_from_mapping({"region": "08", "service_type": "csrd", "act_kind": "DGR", "valid_from": "2026-01-01",
                             "amount": 66, "status": "verified", "source": "https://bur.example/a.pdf"}, "t"),
    ], origin="test")
    session.flush()
    config = parse_config({})
    run_rules(session, config=config)
    run_tariff_rules(session, config=config)
    session.commit()


def test_report_in_three_formats(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    files = build_report(session, parse_period("2026-Q3"), tmp_path / "out")
    data = files.data
    calls = data.figure("calls")
    assert sum(r["calls"] for r in calls.rows) == 3 and {r["region"] for r in calls.rows} == {"Lombardia", "Emilia-Romagna"}
    violations = {(r["rule"], r["region"]): r for r in data.figure("violations").rows}
    base2 = violations[("R-BASE-2", "Lombardia")]
    assert (base2["count"], base2["previous"], base2["change"]) == (1, 1, 0)  # notice D is in the previous quarter
    gaps = data.figure("labour_gap")
    assert sum(b["count"] for b in gaps.rows) == 2 and "scarto mediano" in gaps.summary
    lowest = {r["region"]: r for r in data.figure("lowest_price").rows}
    assert lowest["Lombardia"]["share"] == 100.0 and lowest["Emilia-Romagna"]["unknown"] == 1
    assert data.figure("payments").rows[0]["authority"] == "Comune di Esempio"
    [tariff] = data.figure("tariffs").rows
    assert tariff["increase_pct"] == pytest.approx(10.0) and tariff["result"] == "sotto il riferimento"
    assert data.figure("unverifiable").rows, "the unread notice's checks are counted with their reason"
    assert all(figure.method for figure in data.figures)

    html = files.html.read_text(encoding="utf-8")
    assert "Rapporto dell&#39;Osservatorio su appalti e accreditamenti — Italia, terzo trimestre 2026" in html
    assert html.count("Come è calcolato.") == 7 and "<svg" in html and "secondo trimestre 2026" in html
    assert {p.name.split("-")[-1] for p in files.charts} >= {"calls.svg", "violations.svg", "labour_gap.svg"}

    document = pdfium.PdfDocument(files.pdf.read_bytes())
    text = "".join(document[i].get_textpage().get_text_bounded() for i in range(len(document)))
    assert "terzo trimestre 2026" in text and "Quota di aggiudicazioni al prezzo più basso" in text
    assert len(document) >= 3

    workbook = load_workbook(files.xlsx)
    assert workbook.sheetnames[:3] == ["Metodo e fonti", "Gare", "Violazioni"]
    sheet = workbook["Violazioni"]
    assert sheet["A2"].value.startswith("Come è calcolato:") and sheet._charts
    assert [c.value for c in sheet[5]][:4] == ["Regola", "Descrizione", "Regione", "Violazioni"]


def test_regional_report_keeps_its_region(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    files = build_report(session, parse_period("2026-Q3"), tmp_path, region="08")
    assert files.html.name == "rapporto-2026-q3-08.html"
    assert {r["region"] for r in files.data.figure("calls").rows} == {"Emilia-Romagna"}
    assert not files.data.figure("violations").rows or all(
        r["region"] == "Emilia-Romagna" for r in files.data.figure("violations").rows)
