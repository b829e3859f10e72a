"""Figures in Italian format, as the finding messages show them in e-mails."""

from __future__ import annotations

import datetime as dt

import pytest

from rules import format as fmt


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234567.891, 2, "1.234.567,89"), (-15.93, 1, "-15,9"), (-0.001, 2, "0,00"), (0, 0, "0"), (999.995, 2, "1.000,00")],
)
def test_number(value: float, decimals: int, text: str) -> None:
    assert fmt.number(value, decimals) == text


def test_money_percent_and_dates() -> None:
    assert fmt.euro(198900) == "€ 198.900,00"
    assert fmt.euro_hour(19.886) == "€ 19,89/h"
    assert fmt.pct(-15.93) == "-15,9 %" and fmt.pct(3, signed=True) == "+3,0 %" and fmt.pct(0.01, signed=True) == "0,0 %"
    assert fmt.month(dt.date(2025, 10, 1)) == "ottobre 2025" and fmt.day(dt.date(2024, 3, 1)) == "1/3/2024"
    assert fmt.del_pct(82) == "dell'82,0 %" and fmt.del_pct(38) == "del 38,0 %" and fmt.del_pct(11.2) == "dell'11,2 %"
    assert fmt.period("2025-Q2") == "secondo trimestre 2025" and fmt.period("2025") == "anno 2025"
