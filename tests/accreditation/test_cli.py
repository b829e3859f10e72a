"""`observatory accreditation ...`, `rules explain --tariff`, `observatory report` and `observatory watch` end to
end on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from observatory.cli import cli

TARIFFS = """tariffs:
  - {region: Emilia-Romagna, service_type: "Centro socio-riabilitativo diurno", variant: moderato, act_kind: DGR,
     act_number: "1234/2026", valid_from: 2026-01-15, amount: 68.00, unit: day, status: verified,
     source: "https://bur.example/1234.pdf", page: 2,
     staff: [{profile: OSS, level: C2, minutes: 160}, {profile: educatore professionale, level: D2, minutes: 50}],
     hourly_costs: [{level: A1, hourly_cost: 19.50}]}
  - {region: "08", service_type: csrd, variant: moderato, act_kind: DGR, act_number: "219/2010", valid_from: 2010-01-01,
     amount: 64.00, status: secondary, source: "https://www.uneba.org/..."}
"""


def test_import_list_show_explain_check(settings_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tariffe.yaml"
    path.write_text(TARIFFS, encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(cli, ["db", "upgrade"])
    assert dry.exit_code == 0, dry.output
    result = runner.invoke(cli, ["accreditation", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 nuove" in result.output and "2 violazioni" in result.output  # R-ACC-1 and R-ACC-2 on the 2026 tariff
    again = runner.invoke(cli, ["accreditation", "import", str(path)])
    assert "2 invariate" in again.output

    listing = runner.invoke(cli, ["accreditation", "list", "--region", "Emilia-Romagna", "--json"])
    rows = json.loads(listing.output)
    assert [r["act"] for r in rows] == ["DGR 219/2010", "DGR 1234/2026"]
    assert rows[1]["verdicts"]["R-ACC-1"] == "violation" and rows[0]["statuses"] == ["secondary"]
    text = runner.invoke(cli, ["accreditation", "list"]).output
    assert "fonte secondaria" in text and "R-ACC-1 VIOLAZIONE" in text

    tariff_id = rows[1]["id"]
    show = runner.invoke(cli, ["rules", "explain", "--tariff", str(tariff_id)])
    assert show.exit_code == 0, show.output
    assert "OSS (livello C2): 160 min/giorno × € 20,07/h (A1)" in show.output
    assert "Soglia minima personale (210 min × costo A1, DD 30/2024, gennaio 2026): € 70,25" in show.output
    assert "R-ACC-1 v1: VIOLAZIONE (warning)" in show.output and "R-ACC-3 v1: non verificabile" in show.output
    assert "tag: below_benchmark" in show.output  # +6,25 % on the 2010 tariff against +15,18 %
    assert runner.invoke(cli, ["rules", "explain"]).exit_code != 0

    check = runner.invoke(cli, ["accreditation", "check", "--dry-run"])
    assert "2 tariffe: 2 violazioni" in check.output

    bad = tmp_path / "bad.csv"
    bad.write_text("region,service_type,act_kind,amount\n08,cra,DGR,40\n", encoding="utf-8")
    failed = runner.invoke(cli, ["accreditation", "import", str(bad)], standalone_mode=False)
    assert failed.exception is not None and "no source" in str(failed.exception)


def test_report_and_watch_commands(settings_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["report", "--period", "2026-Q3", "--region", "Veneto", "--output", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert {p.suffix for p in (tmp_path / "r").iterdir()} >= {".html", ".pdf", ".xlsx"}
    wrong = runner.invoke(cli, ["report", "--period", "terzo trimestre", "--output", str(tmp_path / "x")],
                          standalone_mode=False)
    assert wrong.exception is not None and "2026-Q3" in str(wrong.exception)
    sources = runner.invoke(cli, ["watch", "sources"])
    assert "normattiva_aggiornati" in sources.output and "gu_serie_generale" in sources.output
    assert runner.invoke(cli, ["watch", "list", "--json"]).output.strip() == "[]"
