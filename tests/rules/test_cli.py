"""`observatory rules ...` and `observatory tables ...` end to end, on both databases where they need one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from db.session import session_scope
from observatory.cli import cli
from rules.errors import NoticeInputError
from rules.notice_input import NOTICE_KEYS
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
    assert base2["legal_basis"].startswith("art. 41") and base2["severity"] == "critical" and base2["version"] == "2"
    assert base2["options"]["tolerance_estimated_pct"] == 2.0


def test_rules_docs_are_generated_from_the_docstrings() -> None:
    result = CliRunner().invoke(cli, ["rules", "docs"])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n## R-") == 32  # with the six R-ACC
    assert "## R-BASE-2 — The labour cost of the tender is below the Ministry table cost" in result.output
    assert "**Flagged example.**" in result.output and "- `tolerance_pct` = 1.0: CCNL_COSTS.md §7" in result.output
    # Per rule: the legal basis with its date, and what the rule does not flag.
    base1 = result.output.split("## R-BASE-1", 1)[1].split("\n## ", 1)[0]
    assert "**Legal basis.** Art. 41 c. 14 D.Lgs. 36/2023, from 1/7/2023" in base1
    assert "**Does not flag.** A discount applied to a base that includes the labour cost" in base1


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


def _check(tmp_path: Path, payload: object, *args: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "notice.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return CliRunner().invoke(cli, ["rules", "check", str(path), *args])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"notice": {"published_on": "ieri"}}, "notice.published_on: 'ieri' is not an ISO date (YYYY-MM-DD"),
        ({"notice": {"published_on": "10/03/2025"}}, "not an ISO date"),
        ({"notice": {"published": "2025-03-10"}}, "unknown key 'published'; known keys: id, title"),
        ({"notice": {"authority": {"nome": "Comune"}}}, "notice.authority: unknown key 'nome'; known keys: name, fiscal_code"),
        ({"notizia": {}}, "unknown key 'notizia'; known keys: notice, fields"),
        ({"notice": {"amount": "300.000"}}, "notice.amount: must be a number"),
        ({"notice": {"all_documents_read": "si"}}, "must be true or false"),
        ({"notice": {"documents_total": -1}}, "whole number"),
        ({"notice": {"cpv": "assistenza"}}, "is not a CPV code"),
        ({"notice": {"cpv": 85312000}}, "a CPV code ('85312000-9') or a list of codes"),
        ({"notice": {"region": "Atlantide"}}, "unknown region 'Atlantide'; give the ISTAT code (01-20) or the name (Piemonte"),
        ({"notice": {"execution": [{"start_on": "1/3/2025"}]}}, "notice.execution[0].start_on"),
        ({"notice": {"lots": [{"cig": "B1", "importo": 3}]}}, "notice.lots[0]: unknown key 'importo'"),
        ({"notice": {}, "fields": {"ccnl": {"nome": "Cooperative sociali"}}}, "fields.ccnl: unknown key 'nome'"),
        ({"notice": {}, "fields": {"staff": "OSS"}}, "fields.staff: a list of"),
        ({"notice": {}, "fields": [1, 2]}, '"fields" must be an object'),
        ([], "the notice file must be an object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_rules_check_refuses_bad_input_in_one_line(tmp_path: Path, payload: object, message: str) -> None:
    result = _check(tmp_path, payload, "--json")
    assert result.exit_code != 0 and isinstance(result.exception, NoticeInputError), result.output
    assert message in str(result.exception) and "\n" not in str(result.exception)


def test_rules_check_accepts_what_extract_file_prints(tmp_path: Path) -> None:
    """cpv as a list (main code first), ccnl as the extraction's object, a region by name, extra fields."""
    payload = json.loads(json.dumps(NOTICE))
    payload["notice"] |= {"cpv": ["85312000-9", "85311000-2"], "region": "Lombardia"}
    payload["fields"]["ccnl"] = {"value": {"name": "Cooperative sociali", "cnel_code": "T151", "matched_text": "CCNL coop"},
                                 "evidence": [{"page": 2, "text": "CCNL delle cooperative sociali"}], "confidence": 0.9}
    payload["fields"]["cig"] = {"value": ["B1234567AA"], "evidence": []}
    result = _check(tmp_path, payload, "--json")
    assert result.exit_code == 0, result.output
    items = {i["rule"]: i for i in json.loads(result.stdout)}
    assert items["R-CCNL-4"]["result"] == "compliant" and items["R-CCNL-4"]["figures"]["registry"][0]["code"] == "T151"
    assert items["R-REV-3"]["applicable"] is True
    assert "campi non letti da alcuna regola: cig" in result.stderr


def test_rules_check_out_of_scope_notice_gets_no_verdict(tmp_path: Path) -> None:
    payload = {"notice": {"published_on": "2025-05-10", "cpv": "45214100-1", "all_documents_read": True,
                          "title": "Lavori di ristrutturazione dell'asilo nido comunale"},
               "fields": {"award_criterion": "lowest_price"}}
    result = _check(tmp_path, payload)
    assert result.exit_code == 0, result.output
    assert "fuori ambito" in result.output and "nessuna verifica" in result.output and "violation" not in result.output
    items = json.loads(_check(tmp_path, payload, "--json").stdout)
    assert not any(i["applicable"] for i in items) and {i["result"] for i in items} == {"not_verifiable"}


def test_rules_check_bad_input_is_one_line_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "notice.json"
    path.write_text('{"notice": {"published": "2025-03-10"}}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "OBSERVATORY_"))}
    env["OBSERVATORY_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "observatory", "rules", "check", str(path)], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: \"notice\": unknown key 'published'; known keys: " + ", ".join(NOTICE_KEYS)]


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
    assert "R-BASE-2 v2: violation (critical)" in explain.output
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


def test_committed_rules_reference_is_current() -> None:
    """docs/rules-reference.md is what `observatory rules docs` generates (regenerate it after changing a rule)."""
    result = CliRunner().invoke(cli, ["rules", "docs"])
    assert result.exit_code == 0, result.output
    committed = (ROOT / "docs" / "rules-reference.md").read_text(encoding="utf-8")
    assert committed == result.output, "run: observatory rules docs --output docs/rules-reference.md"
