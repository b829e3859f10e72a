"""`observatory tables import`: an official table replaces the estimates, validated; bad files change nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from rules.config import parse_config
from rules.context import context_from_json
from rules.engine import evaluate
from rules.errors import LegalDataError
from rules.legal import LEVELS, load_legal_data
from rules.registry import rules_by_code
from rules.tables import import_table

STEPS = ("2024-02", "2024-10", "2025-01", "2025-09", "2025-10", "2026-01")
SOURCE = "https://www.lavoro.gov.it/dd-30-2024-allegato.pdf"


def _official_csv(path: Path, *, c2_oct_2025: str = "23,90", skip: tuple[str, str] | None = None,
                  extra_step: str | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["step", "level", "hourly_cost"])
        for step in (*STEPS, *([extra_step] if extra_step else [])):
            for index, level in enumerate(LEVELS):
                if (step, level) == skip:
                    continue
                cost = c2_oct_2025 if (step, level) == ("2025-10", "C2") else f"{19 + index:.2f}".replace(".", ",")
                writer.writerow([step, level, cost])
    return path


def test_import_replaces_the_estimates(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    decree = import_table(_official_csv(tmp_path / "dd30.csv"), tables, decree_id="DD30-2024", source=SOURCE)
    figure = decree.figures[("2025-10", "C2", "permanent")]
    assert figure.hourly_cost == 23.90 and figure.status == "verified" and figure.source == SOURCE
    assert (tables / "DD30-2024.yaml").is_file()

    legal = load_legal_data(tables_dir=tables)
    assert not any(f.estimated for f in legal.decrees["DD30-2024"].figures.values())
    assert legal.decrees["DD7-2020"].figures  # other decrees still shipped

    config = parse_config({}, tables_dir=tables)
    ctx = context_from_json({"notice": {"published_on": "2025-11-03", "cpv": "85312000-9", "title": "assistenza domiciliare"},
                             "fields": {"labour_cost": 198900, "staff": [{"profile": "OSS", "level": "C2", "hours": 10000}]}})
    [evaluation] = evaluate(ctx, config, config.instantiate([rules_by_code()["R-BASE-2"]]))
    assert evaluation.verdict.uses_estimate is False
    assert "€ 23,90/h" in evaluation.verdict.message and "stima" not in evaluation.verdict.message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"skip": ("2025-10", "D2")}, "lacks permanent-staff costs for D2"),
        ({"c2_oct_2025": "ventitre"}, "not a number"),
        ({"extra_step": "2026-07"}, "not steps of DD30-2024"),
    ],
)
def test_bad_tables_change_nothing(tmp_path: Path, kwargs: dict, message: str) -> None:
    tables = tmp_path / "tables"
    with pytest.raises(LegalDataError, match=message):
        import_table(_official_csv(tmp_path / "dd30.csv", **kwargs), tables, decree_id="DD30-2024", source=SOURCE)
    assert not tables.exists() or not any(tables.iterdir())
    assert any(f.estimated for f in load_legal_data(tables_dir=tables).decrees["DD30-2024"].figures.values())


def test_new_decree_needs_its_metadata(tmp_path: Path) -> None:
    csv_path = _official_csv(tmp_path / "uneba.csv")
    with pytest.raises(LegalDataError, match="--ccnl, --title and --issued-on"):
        import_table(csv_path, tmp_path / "tables", decree_id="UNEBA-2025", source=SOURCE)
    decree = import_table(csv_path, tmp_path / "tables", decree_id="UNEBA-2025", source=SOURCE, ccnl="T141",
                          title="Tabella costo del lavoro UNEBA", issued_on=dt.date(2025, 5, 1))
    assert decree.ccnl == "T141" and [s.valid_from for s in decree.steps][0] == dt.date(2024, 2, 1)
    assert load_legal_data(tables_dir=tmp_path / "tables").step_at(dt.date(2025, 3, 1), ccnl="T141") is not None
    # R-BASE-2 now checks a tender that names UNEBA against the UNEBA table, once the table is issued.
    config = parse_config({}, tables_dir=tmp_path / "tables")
    ctx = context_from_json({"notice": {"published_on": "2025-06-10", "cpv": "85311000-2", "title": "RSA"},
                             "fields": {"labour_cost": 19000, "ccnl": "CCNL UNEBA",
                                        "staff": [{"profile": "OSS", "level": "A1", "hours": 1000}]}})
    [evaluation] = evaluate(ctx, config, config.instantiate([rules_by_code()["R-BASE-2"]]))
    assert evaluation.verdict.result == "compliant" and evaluation.verdict.figures["table"] == "UNEBA-2025"
    before = context_from_json({"notice": {"published_on": "2025-03-10", "cpv": "85311000-2", "title": "RSA"},
                                "fields": {"labour_cost": 19000, "ccnl": "CCNL UNEBA",
                                           "staff": [{"profile": "OSS", "level": "A1", "hours": 1000}]}})
    [evaluation] = evaluate(before, config, config.instantiate([rules_by_code()["R-BASE-2"]]))
    assert evaluation.verdict.result == "not_verifiable"  # published before the table was issued
    with pytest.raises(LegalDataError, match="needs its source"):
        import_table(csv_path, tmp_path / "tables", decree_id="DD30-2024", source=" ")


def test_other_ccnl_keeps_its_own_level_labels(tmp_path: Path) -> None:
    path = tmp_path / "uneba.csv"
    path.write_text("step,level,hourly_cost\n2025-02,4S,21.40\n2025-02,3S,23.10\n2025-07,4S,21.90\n2025-07,3S,23.60\n")
    import_table(path, tmp_path / "tables", decree_id="UNEBA-2025", source=SOURCE, ccnl="T141",
                 title="Tabella UNEBA", issued_on=dt.date(2025, 5, 1))
    config = parse_config({}, tables_dir=tmp_path / "tables")
    ctx = context_from_json({"notice": {"published_on": "2025-08-10", "cpv": "85311000-2", "title": "RSA"},
                             "fields": {"labour_cost": 20000, "ccnl": "CCNL UNEBA",
                                        "staff": [{"profile": "OSS", "level": "livello 4S", "hours": 1000}]}})
    [evaluation] = evaluate(ctx, config, config.instantiate([rules_by_code()["R-BASE-2"]]))
    assert evaluation.verdict.result == "violation"
    assert evaluation.verdict.figures["table_hourly_cost"] == 21.90 and "livello 4S" in evaluation.verdict.message
    bad = tmp_path / "bad.csv"
    bad.write_text("step,level,hourly_cost\n2025-02,quarto super,21.40\n")
    with pytest.raises(LegalDataError, match="not a level label"):
        import_table(bad, tmp_path / "tables2", decree_id="UNEBA-2026", source=SOURCE, ccnl="T141",
                     title="Tabella UNEBA", issued_on=dt.date(2026, 5, 1))
