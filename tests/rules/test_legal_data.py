"""The legal data files: shipped data loads and matches the verified anchors; broken files are refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kernel.ccnl import REGISTRY_FILE
from rules.errors import LegalDataError
from rules.legal import DATA_DIR, LEVELS, load_legal_data

LEGAL = load_legal_data()


def test_every_step_has_every_level() -> None:
    for decree in LEGAL.decrees.values():
        for step in decree.steps:
            assert all((step.id, lv, "permanent") in decree.figures for lv in LEVELS), (decree.id, step.id)


@pytest.mark.parametrize(
    ("decree", "step", "level", "cost"),
    [  # CCNL_COSTS.md §2: the verified anchors
        ("DD30-2024", "2024-02", "A1", 18.57), ("DD30-2024", "2024-10", "F2", 38.78),
        ("DD30-2024", "2025-01", "A1", 19.70), ("DD30-2024", "2025-10", "F2", 41.00),
        ("DD30-2024", "2026-01", "D2", 25.78), ("DD7-2020", "2019-11", "A1", 17.00),
        ("DD7-2020", "2020-04", "F2", 35.71), ("DD7-2020", "2020-09", "A1", 17.51),
    ],
)
def test_verified_anchors(decree: str, step: str, level: str, cost: float) -> None:
    figure = LEGAL.decrees[decree].figures[(step, level, "permanent")]
    assert figure.hourly_cost == cost and figure.status == "verified" and figure.source


def test_estimates_are_tagged() -> None:
    figure = LEGAL.hourly_cost("C2", dt.date(2025, 11, 3))
    assert figure is not None and figure.hourly_cost == 23.65 and figure.estimated
    assert figure.label == "DD 30/2024, ottobre 2025"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2020, 8, 31), ("DD7-2020", "2020-04")), (dt.date(2024, 1, 31), ("DD7-2020", "2020-09")),
        (dt.date(2024, 2, 1), ("DD30-2024", "2024-02")), (dt.date(2025, 9, 30), ("DD30-2024", "2025-09")),
        (dt.date(2027, 5, 1), ("DD30-2024", "2026-01")),
    ],
)
def test_table_in_force_by_date(date: dt.date, expected: tuple[str, str]) -> None:
    decree, step = LEGAL.step_at(date)
    assert (decree.id, step.id) == expected
    assert LEGAL.step_at(dt.date(2019, 1, 1)) is None


def test_thresholds_chosen_by_publication_date() -> None:
    assert LEGAL.threshold("revision", dt.date(2024, 12, 30))["id"] == "art60-original"
    assert LEGAL.threshold("revision", dt.date(2024, 12, 31))["id"] == "art60-correttivo"
    assert LEGAL.threshold("revision", dt.date(2023, 6, 30)) is None
    assert LEGAL.threshold("eu", dt.date(2025, 12, 31))["services_subcentral_eur"] == 221000
    assert LEGAL.threshold("eu", dt.date(2026, 1, 1))["services_subcentral_eur"] == 216000


def test_profiles_and_registry() -> None:
    assert LEGAL.level_for_profile("Educatore professionale").level == "D2"
    assert LEGAL.level_for_profile("ASA").level == "B1"
    assert LEGAL.match_ccnl("CCNL cooperative sociali UNCI").most_representative is False
    assert LEGAL.match_ccnl("codice CNEL T151").code == "T151"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    shutil.copy(REGISTRY_FILE, target / "ccnl.yaml")  # the CCNL registry lives in the kernel
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("labour_costs/DD30-2024.csv", "2024-02,C1,permanent,21.25,estimated", "2024-02,C1,permanent,21.25,guessed",
         "status must be verified or estimated"),
        ("labour_costs/DD30-2024.csv", "2024-02,C1,permanent,21.25,", "2024-02,Z1,permanent,21.25,", "unknown level 'Z1'"),
        ("labour_costs/DD30-2024.csv", "2024-02,C1,permanent,21.25,", "2024-02,C1,permanent,2125,", "plausible range"),
        ("labour_costs/DD30-2024.csv", "2024-02,C1,permanent,21.25,", "2024-13,C1,permanent,21.25,", "not a step"),
        ("labour_costs/decrees.yaml", "valid_from: 2024-10-01", "valid_from: 2024-01-01", "increasing"),
        ("thresholds.yaml", "valid_to: 2024-12-30", "valid_to: 2025-01-30", "overlap"),
        ("thresholds.yaml", "status: verified\n    source: https://www.brocardi", "status: sure\n    source: https://www.brocardi",
         "status must be one of"),
        ("ccnl.yaml", "most_representative: false", "most_representative: maybe", "most_representative"),
        ("cas_prices.yaml", "labour_table: DD7-2020", "labour_table: DD9-2099", "not a known decree"),
    ],
)
def test_broken_files_are_refused(tmp_path: Path, file: str, old: str, new: str, message: str) -> None:
    data = _copy(tmp_path)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LegalDataError, match=message):
        load_legal_data(data, ccnl_file=data / "ccnl.yaml")


def test_a_missing_level_is_refused(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    path = data / "labour_costs" / "DD7-2020.csv"
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("2020-09,E2,")]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LegalDataError, match="lacks permanent-staff costs for E2"):
        load_legal_data(data)
