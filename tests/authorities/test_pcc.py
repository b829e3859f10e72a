"""The national payment platform (PCC): reading its per-administration files and the blocks authorities
republish, storing them as their own series, and what the rules make of them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from authorities import pcc
from authorities.itp import read_html
from authorities.payments import payment_series, store_reading
from db.models import ContractingAuthority, PaymentIndicator, RunRecord
from db.queries.authorities import upsert_authority
from db.queries.payments import latest_itp
from replay import payments as replay
from replay.server import ReplayServer
from rules.context import PaymentRecord
from rules.payment.r_pay_2 import is_dpcm


def _times(files: Path) -> pcc.DatasetReading:
    path = files / "pcc" / "pcc_tempi_pagamento_per_ente.csv"
    return pcc.read_dataset(path.read_bytes(), path.name)


def test_dataset_is_grouped_by_fiscal_code_with_every_variable(files: Path) -> None:
    reading = _times(files)
    modena = {f.period: f for f in reading.by_authority["00221940364"].figures}
    assert sorted(modena) == ["2025-Q1", "2025-Q2", "2025-Q3"]
    q3 = modena["2025-Q3"]
    assert (q3.itp_days, q3.days_to_pay, q3.invoices_amount, q3.paid_amount) == (
        Decimal("-0.85"), Decimal("29.15"), Decimal("129450610.35"), Decimal("118200431.96"))
    assert q3.evidence.startswith("PCC (L. 145/2018") and "00221940364" in q3.evidence
    assert reading.names["80017980634"] == "COMUNE DI ERCOLANO"


def test_dataset_restores_lost_leading_zeros_and_rejects_bad_codes(files: Path) -> None:
    reading = _times(files)
    assert "00514490010" in reading.by_authority  # "514490010" in the file
    assert reading.rejected == ["riga 15: codice fiscale non valido 'N.D.'"]


def test_columns_are_found_by_their_words_not_their_position() -> None:
    text = ("anno;trimestre;tempo_medio_ponderato_di_ritardo;codice_fiscale;importo_pagato;denominazione\n"
            "2025;II;12,5;80015010723;1.000,00;Comune di Bari\n"
            "2025;;;80015010723;;Comune di Bari\n")
    reading = pcc.read_dataset(text.encode(), "x.csv")
    [figure] = reading.by_authority["80015010723"].figures
    assert (figure.period, figure.itp_days, figure.paid_amount) == ("2025-Q2", Decimal("12.5"), Decimal("1000.00"))
    assert reading.rejected == ["riga 3 (80015010723, 2025): nessuna cifra"]


@pytest.mark.parametrize("text", [b"", b"codice fiscale;denominazione\n1;2\n", b"anno;codice fiscale;note\n2025;x;y\n"])
def test_a_file_that_is_not_a_pcc_file_is_unreadable_not_empty(text: bytes) -> None:
    reading = pcc.read_dataset(text, "pcc.csv")
    assert reading.unreadable and not reading.by_authority


def test_an_xlsx_file_reads_like_the_csv(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Elaborazione RGS su dati PCC"])  # a title row above the header
    sheet.append(["Codice Fiscale", "Ente", "Anno", "Trimestre", "Tempo medio ponderato di ritardo"])
    sheet.append([221940364, "Comune di Modena", 2025, 3, -0.85])
    path = tmp_path / "pcc.xlsx"
    workbook.save(path)
    reading = pcc.read_dataset(path.read_bytes(), path.name)
    [figure] = reading.by_authority["00221940364"].figures
    assert (figure.period, figure.itp_days) == ("2025-Q3", Decimal("-0.85"))


def test_republished_block_is_its_own_series_beside_the_authority(session, files: Path) -> None:
    page = read_html((files / "payments" / "ercolano.html").read_bytes())
    own = {f.period: f for f in page.figures if f.itp_days is not None}
    assert own["2025-Q1"].itp_days == Decimal("41.20")  # the block's 48,30 is not the authority's figure
    assert [f.creditors_overdue for f in page.figures if f.creditors_overdue] == [312]  # heading "Numero ..."
    authority = upsert_authority(session, fiscal_code="80017980634", name="COMUNE DI ERCOLANO")
    report = store_reading(session, authority, page, source="payments_html", url="https://example.org/p")
    session.commit()
    assert report.problems == []
    rows = {(r.source, r.period): r for r in payment_series(session, authority.id)}
    block = rows[(pcc.REPUBLISHED_SOURCE, "2025-Q1")]
    assert (block.itp_days, block.days_to_pay, block.paid_amount) == (Decimal("48.30"), Decimal("78.30"),
                                                                       Decimal("3902118.44"))
    assert block.sign_convention == pcc.SIGN_CONVENTION and block.source_url == "https://example.org/p"
    assert rows[(pcc.REPUBLISHED_SOURCE, "2024")].itp_days == Decimal("40.42")
    assert rows[("payments_html", "2025-Q1")].itp_days == Decimal("41.20")


def test_a_page_that_only_names_the_pcc_has_no_block() -> None:
    lines = ["Indicatore trimestrale 2024", "1° trimestre 2024: -5,82",
             "Dati desunti dal sistema informatico della Piattaforma dei crediti commerciali (PCC) del MEF.",
             "ANNO 2023", "1° trimestre 2023: -4,54"]
    reading, span = pcc.read_republished_block(lines)
    assert (reading.figures, span) == ([], range(0))


def test_two_files_of_one_source_complete_a_period_never_blank_it(session) -> None:
    authority = upsert_authority(session, fiscal_code="00221940364", name="COMUNE DI MODENA")
    times = pcc.read_dataset(b"codice fiscale;anno;ritardo\n00221940364;2024;-3,10\n", "t.csv")
    stock = pcc.read_dataset(b"codice fiscale;anno;stock debiti scaduti\n00221940364;2024;1.204.330,18\n", "s.csv")
    for reading, url in ((times, "https://x/t.csv"), (stock, "https://x/s.csv")):
        store_reading(session, authority, reading.by_authority["00221940364"], source=pcc.SOURCE, url=url,
                      convention=pcc.SIGN_CONVENTION)
    session.commit()
    [row] = payment_series(session, authority.id)
    assert (row.itp_days, row.overdue_debt) == (Decimal("-3.10"), Decimal("1204330.18"))


def test_the_pcc_convention_is_read_as_the_dpcm_indicator() -> None:
    assert is_dpcm(PaymentRecord(period="2025-Q1", itp_days=11.2, sign_convention=pcc.SIGN_CONVENTION))


def test_pcc_spider_crawls_the_national_files(crawl, session) -> None:
    with ReplayServer([replay.build_pcc()]) as server:
        [result] = crawl({"pcc": server.url("pcc")})
    # The row without a fiscal code is on the run record; every administration of the files is stored.
    assert (result.status, result.reason) == ("partial", "malformed_row"), result
    record = session.scalars(select(RunRecord).where(RunRecord.source_code == "pcc")).one()
    assert [e["detail"] for e in record.errors] == ["malformed_row: riga 15: codice fiscale non valido 'N.D.'"]
    codes = {a.fiscal_code: a.id for a in session.scalars(select(ContractingAuthority))}
    assert set(codes) == {"00221940364", "80017980634", "80015010723", "00147990923", "06328131211", "00514490010"}
    bari = {r.period: r for r in payment_series(session, codes["80015010723"])}
    assert (bari["2025-Q2"].itp_days, bari["2025-Q2"].source, bari["2024"].overdue_debt) == (
        Decimal("9.87"), "pcc", Decimal("3310044.92"))
    cagliari = {r.period: r for r in payment_series(session, codes["00147990923"])}
    assert cagliari["2025-Q2"].status == "missing"
    asl = {r.period: r for r in payment_series(session, codes["06328131211"])}
    assert asl["2025-Q1"].itp_days == Decimal("35.40") and "53.40" in asl["2025-Q1"].note
    late = latest_itp(session, codes.values())
    assert late[codes["80017980634"]].itp_days == Decimal("41.95")
    assert session.scalars(select(PaymentIndicator).where(PaymentIndicator.source != "pcc")).all() == []
