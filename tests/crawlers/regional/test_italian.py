"""Italian dates, amounts and procurement codes as the portals print them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crawlers.parsing.codes import award_criterion_code, find_cigs, find_cpv, is_cig
from crawlers.parsing.italian import ROME, clean_text, parse_amount, parse_date, parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/06/2026", dt.date(2026, 6, 15)),
        ("15.06.2026", dt.date(2026, 6, 15)),
        ("Inserita il 22/12/2025", dt.date(2025, 12, 22)),
        ("2026-05-27T08:54:34.000", dt.date(2026, 5, 27)),
        ("11 settembre 2026", dt.date(2026, 9, 11)),
        ("Pubblicato il 1° giugno 2026", dt.date(2026, 6, 1)),
        ("3 GIUGNO 2026", dt.date(2026, 6, 3)),
        ("11 set 2026", dt.date(2026, 9, 11)),
        ("31/02/2026", None),  # not a date
        ("nessuna data", None),
        (None, None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/06/2026 10:00", dt.datetime(2026, 6, 15, 10, 0, tzinfo=ROME)),
        ("12/06/2026 entro le 12:00", dt.datetime(2026, 6, 12, 12, 0, tzinfo=ROME)),
        ("13 luglio 2026 ore 12.00", dt.datetime(2026, 7, 13, 12, 0, tzinfo=ROME)),
        ("30/06/2026", dt.datetime(2026, 6, 30, 0, 0, tzinfo=ROME)),
    ],
)
def test_parse_datetime_is_rome_time(text, expected):
    value = parse_datetime(text)
    assert value == expected
    assert value.utcoffset() == dt.timedelta(hours=2)  # summer time


def test_parse_datetime_winter_offset():
    assert parse_datetime("15/12/2025 12:00").astimezone(dt.UTC) == dt.datetime(2025, 12, 15, 11, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 1.234.567,89", Decimal("1234567.89")),
        ("62.000,00 euro", Decimal("62000.00")),
        ("€. 62.000,00", Decimal("62000.00")),
        ("1.007.223,12 €", Decimal("1007223.12")),
        ("Euro 245.310,50 (IVA esclusa)", Decimal("245310.50")),
        ("1.234", Decimal("1234")),  # Italian thousands
        ("245310.5", Decimal("245310.5")),  # an open-data decimal point
        ("25,16", Decimal("25.16")),
        ("importo non indicato", None),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


def test_clean_text_collapses_whitespace_and_nbsp():
    assert clean_text("  Comune\xa0di\n   Novara ") == "Comune di Novara"
    assert clean_text(" \n ") is None


def test_cig_found_after_its_label_only():
    assert find_cigs("Lotto 1 - CIG: 7093310097 - CPV 85311200-4; C.I.G. n. ZBF2B4DF23") == ["7093310097", "ZBF2B4DF23"]
    assert find_cigs("protocollo 1234567890 del comune") == []
    assert find_cigs("6164709EC9") == ["6164709EC9"]
    assert not is_cig("0000000000") and not is_cig("ABCDEFGHIJ")


def test_cpv_drops_check_digit():
    assert find_cpv("CPV 85311200-4") == "85311200"
    assert find_cpv("nessun codice") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Offerta economicamente più vantaggiosa", "oepv"),
        ("Minor prezzo", "lowest_price"),
        ("prezzo più basso", "lowest_price"),
        ("sorteggio", None),
    ],
)
def test_award_criterion(text, expected):
    assert award_criterion_code(text) == expected
