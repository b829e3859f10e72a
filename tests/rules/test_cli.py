"""`observatory rules ...` and `observatory tables ...` end to end, on both databases where they need one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from db.session import session_scope
from observatory.cli import cli
from tests.rules import factories as f

ROOT = Path(__file__).resolve().parents[2]
NOTICE = {
    "notice": {"published_on": "2025-11-03", "cpv": "85312000-9", "procedure": "procedura aperta",
               "title": "Servizio di assistenza domiciliare", "authority": {"name": "Comune di Prova"},
               "region": "01", "all_documents_read": True},
    "fields": {
        "labour_cost": {"value": 198900, "evidence": [{"page": 4, "text": "costi della manodopera € 198.900,00"}]},
        "staff": {"value": [{"profile": "OSS", "level": "C2", "hours": 10000, "count": 6}], "evidence": []},
    },
}


def _seed(engine) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        notice = f.notice(session, f.source(session), f.authority(session))
        return notice.id


def test_rules_list() -> None:
    result = CliRunner().invoke(cli, ["rules", "list", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert len(items) == 32  # 26 notice rules and the six R-ACC
    base2 = next(i for i in items if i["rule"] == "R-BASE-2")
    assert base2["legal_basis"].startswith("art. 41") and base2["severity"] == "critical" and base2["version"] == "1"


def test_rules_docs_are_generated_from_the_docstrings() -> None:
    result = CliRunner().invoke(cli, ["rules", "docs"])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n## R-") == 32  # with the six R-ACC
    assert "## R-BASE-2 — The labour cost of the tender is below the Ministry table cost" in result.output
    assert "**Flagged example**" in result.output and "`tolerance_pct` = 0.0" in result.output


def test_rules_check_json(tmp_path: Path) -> None:
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(NOTICE), encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert len(items) == 26  # the notice rules (R-ACC judge tariffs and acts)
    assert all({"rule", "result", "severity", "message", "figures", "evidence"} <= set(i) for i in items)
    base2 = next(i for i in items if i["rule"] == "R-BASE-2")
    assert base2["result"] == "violation" and base2["figures"]["gap_pct"] == -15.9
    assert base2["evidence"][0]["page"] == 4
    soc1 = next(i for i in items if i["rule"] == "R-SOC-1")
    assert soc1["result"] == "violation"  # every document read and no social clause


def test_rules_check_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "notice.json"
    path.write_text('{"notice": {"published_on": "ieri"}}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "check", str(path), "--json"])
    assert result.exit_code != 0 and "not a date" in str(result.exception)


def test_rules_run_outputs_and_explain(settings_env, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notice_id = _seed(engine)
    runner = CliRunner()
    dry = runner.invoke(cli, ["rules", "run", "--dry-run", "--format", "json"])
    assert dry.exit_code == 0, dry.output
    rows = json.loads(dry.stdout)
    assert {r["rule"] for r in rows} >= {"R-BASE-2"} and all(r["result"] == "violation" for r in rows)
    assert "dry run: nothing written" in dry.stderr

    csv_out = tmp_path / "out.csv"
    run = runner.invoke(cli, ["rules", "run", "--family", "R-BASE", "--format", "csv", "--output", str(csv_out),
                              "--all-results"])
    assert run.exit_code == 0, run.output
    lines = csv_out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("notice_id,") and len(lines) == 5  # header + the 4 R-BASE rules
    assert "4 findings written" in run.stderr

    again = runner.invoke(cli, ["rules", "run", "--family", "R-BASE"])
    assert "0 findings written" in again.stderr and "4 unchanged" in again.stderr

    xlsx = tmp_path / "out.xlsx"
    run = runner.invoke(cli, ["rules", "run", "--rule", "R-BASE-2", "--format", "xlsx", "--output", str(xlsx), "--dry-run"])
    assert run.exit_code == 0, run.output
    sheet = load_workbook(xlsx).active
    assert sheet.cell(1, 7).value == "rule" and sheet.cell(2, 7).value == "R-BASE-2"

    explain = runner.invoke(cli, ["rules", "explain", str(notice_id)])
    assert explain.exit_code == 0, explain.output
    assert "R-BASE-2 v1: violation (critical)" in explain.output
    assert "p. 4" in explain.output and "costi della manodopera" in explain.output
    assert "scope: in" in explain.output
    assert "lifecycle:" in explain.output and "Pubblicazione" in explain.output


def test_rules_run_needs_output_for_xlsx(settings_env) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["rules", "run", "--format", "xlsx"])
    assert result.exit_code == 2 and "--output" in result.output


def test_unknown_rule_in_config_is_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / "rules.yaml"
    config.write_text("rules:\n  R-NOPE-1: {severity: info}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "OBSERVATORY_"))}
    env.update({"OBSERVATORY_RULES_CONFIG": str(config), "OBSERVATORY_DATA_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-m", "observatory", "rules", "list"], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: ") and "unknown rule 'R-NOPE-1'" in result.stderr


def test_tables_import_and_list(settings_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from rules.legal import LEVELS

    path = tmp_path / "dd7.csv"
    rows = ["step,level,hourly_cost"] + [f"{s},{lv},{20 + i}" for s in ("2019-11", "2020-04", "2020-09")
                                         for i, lv in enumerate(LEVELS)]
    path.write_text("\n".join(rows) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["tables", "import", str(path), "--decree", "DD7-2020", "--source", "https://x/dd7.pdf"])
    assert result.exit_code == 0, result.output
    assert "imported 39 figures of DD7-2020" in result.output
    listing = runner.invoke(cli, ["tables", "list"])
    assert "DD7-2020 (T151, imported from dd7.csv): 39 verified" in listing.output, listing.output
    bad = runner.invoke(cli, ["tables", "import", str(path), "--decree", "DD7-2020", "--source", ""])
    assert bad.exit_code != 0


def test_rules_run_region_by_name(settings_env, engine) -> None:  # type: ignore[no-untyped-def]
    _seed(engine)  # authority in region 03 (Lombardia)
    runner = CliRunner()
    lombardia = runner.invoke(cli, ["rules", "run", "--dry-run", "--format", "json", "--region", "Lombardia"])
    assert lombardia.exit_code == 0, lombardia.output
    assert json.loads(lombardia.stdout) and "1 of 1 notices in scope" in lombardia.stderr
    sicilia = runner.invoke(cli, ["rules", "run", "--dry-run", "--format", "json", "--region", "Sicilia"])
    assert json.loads(sicilia.stdout) == [] and "0 of 0 notices" in sicilia.stderr
    unknown = runner.invoke(cli, ["rules", "run", "--dry-run", "--region", "Atlantide"])
    assert unknown.exit_code != 0 and "unknown region" in str(unknown.exception)
