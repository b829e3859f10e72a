"""Tariff tables read from acts' PDFs: two Regions' layouts (a ruled annex table; an annex written as lines
with weekly minutes), built by replay.acts in the documented shape (no real DGR annex could be opened)."""

from __future__ import annotations

import datetime as dt

import pytest

from accreditation.acts import records_from_act
from extract.pdf import page_texts
from extract.tariffs import parse_date, read_tariff_tables, wants_table
from replay.acts import ActSpec, act_pdf

TABLE = ActSpec("Emilia-Romagna", 1234, dt.date(2026, 11, 30), dt.date(2027, 1, 1),
                "Aggiornamento delle tariffe dei centri socio-riabilitativi diurni",
                tariffs=[("Centro socio-riabilitativo diurno", "livello moderato", 70.00, None, 17.50),
                         ("Centro socio-riabilitativo diurno", "livello severo", 92.10, 69.08, 23.02)],
                staff=[("Operatore socio-sanitario", "C2", 100), ("Infermiere", "D2", 20)],
                hourly_costs=[("Operatore ausiliario", "A1", 19.00)])
LIST = ActSpec("del Veneto", 77, dt.date(2026, 10, 15), dt.date(2026, 11, 1),
               "Rette dei centri diurni per persone con disabilità (CEOD)",
               tariffs=[("Centro diurno per persone con disabilità", "profilo 1", 61.00, None, None),
                        ("Centro diurno per persone con disabilità", "profilo 3", 81.00, None, None)],
               staff=[("OSS", "C2", 700), ("educatore professionale", "", 210)], staff_per="week", layout="list")


def _read(spec: ActSpec):  # type: ignore[no-untyped-def]
    pages, _ = page_texts(act_pdf(spec), wants_table=wants_table)
    return read_tariff_tables(pages)


def test_ruled_annex_table() -> None:
    table = _read(TABLE)
    assert (table.act_number, table.act_date, table.valid_from) == ("1234/2026", dt.date(2026, 11, 30), dt.date(2027, 1, 1))
    moderate, severe = table.tariffs
    assert moderate["variant"] == "livello moderato" and moderate["amount"] == 70.0
    assert "health_share" not in moderate and moderate["social_share"] == 17.5  # the empty column stays empty
    assert (severe["amount"], severe["health_share"], severe["social_share"]) == (92.1, 69.08, 23.02)
    assert severe["evidence"]["page"] == 2 and "92,10" in severe["evidence"]["text"]
    assert table.staff == [{"profile": "Operatore socio-sanitario", "level": "C2", "minutes": 100.0, "per": "day"},
                           {"profile": "Infermiere", "level": "D2", "minutes": 20.0, "per": "day"}]
    assert table.hourly_costs == [{"profile": "Operatore ausiliario", "level": "A1", "hourly_cost": 19.0}]


def test_annex_written_as_lines_with_weekly_minutes() -> None:
    table = _read(LIST)
    assert table.act_number == "77/2026" and table.valid_from == dt.date(2026, 11, 1)
    assert [(t["variant"], t["amount"], t["unit"]) for t in table.tariffs] == [("profilo 1", 61.0, "day"),
                                                                            ("profilo 3", 81.0, "day")]
    assert table.staff == [{"profile": "OSS", "level": "C2", "minutes": 700.0, "per": "week"},
                           {"profile": "educatore professionale", "level": None, "minutes": 210.0, "per": "week"}]


def test_records_carry_the_act_and_verified_sources() -> None:
    reading = records_from_act(_read(TABLE), region="08", act_url="https://bur.example/1234.pdf")
    assert not reading.skipped
    first = reading.records[0]
    assert (first.service_type, first.act_number, first.valid_from) == ("csrd", "1234/2026", dt.date(2027, 1, 1))
    assert first.sources["amount"] == {"source": "https://bur.example/1234.pdf", "status": "verified", "page": 2,
                                       "text": "Centro socio-riabilitativo diurno | livello moderato | € 70,00 | - | € 17,50"}
    assert first.staff and first.sources["staff"]["status"] == "verified"


def test_a_tender_without_tariff_tables_gives_nothing(corpus_dir) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / "documents" / "aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf"
    if not path.is_file():
        pytest.skip("corpus not available")
    pages, _ = page_texts(path.read_bytes(), wants_table=wants_table, max_pages=60)
    table = read_tariff_tables(pages)
    assert table.tariffs == [] and table.staff == [] and table.act_number is None


@pytest.mark.parametrize(("text", "date"), [("1° gennaio 2027", dt.date(2027, 1, 1)), ("15/10/2026", dt.date(2026, 10, 15)),
                                            ("31 febbraio 2026", None)])
def test_dates(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date
