"""Italian formats for numbers, money, percentages and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alerts.figures import format_figures
from alerts.formatting import it_date, it_date_long, it_datetime, it_money, it_number, it_percent


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 2, "1.234,50"),
        (Decimal("1250000"), None, "1.250.000"),
        (Decimal("1250000.5"), None, "1.250.000,50"),
        (-15.94, 1, "-15,9"),
        (0.005, 2, "0,01"),  # half up, not banker's rounding
        (999, 0, "999"),
        ("n.d.", None, "n.d."),
        (None, None, ""),
    ],
)
def test_it_number(value, decimals, expected) -> None:  # type: ignore[no-untyped-def]
    assert it_number(value, decimals) == expected


def test_money_and_percent() -> None:
    assert it_money(19.89) == "€ 19,89"
    assert it_money("480000") == "€ 480.000,00"
    assert it_percent(-15.94) == "-15,9 %"
    assert it_percent(5) == "5,0 %"


def test_dates_in_rome_time() -> None:
    winter = dt.datetime(2026, 12, 15, 11, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.UTC)
    assert it_datetime(winter) == "15/12/2026 ore 12:00"
    assert it_datetime(summer) == "01/07/2026 ore 12:30"
    assert (
        it_datetime(dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)) == "02/03/2026"
    )  # local midnight: date only
    assert it_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "01/01/2027"
    assert it_date_long(dt.date(2026, 11, 23)) == "23 novembre 2026"


def test_figures_read_their_units_from_the_keys() -> None:
    figures = {
        "summary": "skip",
        "hourly_cost": 19.89,
        "table_cost": "23.65",
        "gap_pct": -15.9,
        "level": "D2",
        "payment_days": 90,
        "social_clause": True,
        "award_criterion": "lowest_price",
        "new_indicator_amount": 1000,
        "cpv": "85311300",
        "year": 2025,
    }
    # Known keys in the digest's order (the comparison first), then the others by name.
    assert format_figures(figures) == [
        ("Costo orario implicito nel bando", "€ 19,89/h"),
        ("Costo orario delle tabelle ministeriali", "€ 23,65/h"),
        ("Scarto", "-15,9 %"),
        ("Livello CCNL", "D2"),
        ("Criterio di aggiudicazione", "minor prezzo"),
        ("Termine di pagamento", "90 giorni"),
        ("CPV", "85311300"),
        ("New indicator amount", "€ 1.000,00"),
        ("Social clause", "sì"),
        ("Year", "2025"),
    ]


def test_staff_rows_dates_and_status_words() -> None:
    figures = {
        "rows": [
            {
                "profile": "OSS",
                "level": "C2",
                "level_from": None,
                "hours": 10000,
                "hourly_cost": 22.1,
                "status": "verified",
            },
            {
                "profile": "Educatore",
                "level": "D2",
                "hours": 2568,
                "hourly_cost": 23.65,
                "status": "estimated",
            },
        ],
        "table_figures_status": "estimated",
        "published_on": "2025-10-01",
        "gap_eur": -47000,
    }
    assert format_figures(figures) == [
        ("Differenza", "-€ 47.000,00"),
        (
            "Personale",
            "OSS, livello C2, 10.000 ore, € 22,10/h; Educatore, livello D2, 2.568 ore, € 23,65/h, valore stimato",
        ),
        ("Valori di tabella", "stimati (da verificare sul decreto)"),
        ("Data di pubblicazione", "01/10/2025"),
    ]
