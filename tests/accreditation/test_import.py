"""Tariff files (CSV and YAML) validated and stored; the shipped known tariffs load; R-ACC on stored tariffs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from accreditation.records import ImportFileError, read_records
from accreditation.store import store_records
from db.models import Tariff, TariffFinding
from rules.config import parse_config
from rules.tariff_engine import run_tariff_rules

KNOWN = Path(__file__).resolve().parents[2] / "accreditation" / "data" / "tariffs_known.yaml"
CSV = """region,service_type,variant,act_kind,act_number,act_date,valid_from,amount,unit,staff,hourly_costs,other_costs,status,source,page
Emilia-Romagna,CRA,,DGR,999/2024,20/12/2024,2025-01-01,"40,00",giorno,OSS:C2:100/day; infermiere:D2:20/day; educatore:D1:10/day,A1:19.00,vitto:8.50,verified,https://bur.example/dgr-999.pdf,4
08,cra,,DGR,100/2019,,2019-01-01,38.00,day,,,,secondary,https://giornale.example/cra,
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_become_records(tmp_path: Path) -> None:
    first, second = read_records(_write(tmp_path, "t.csv", CSV))
    assert (first.region, first.service_type, first.amount, first.unit) == ("08", "cra", 40.0, "day")
    assert first.act_date.isoformat() == "2024-12-20"
    assert first.staff[0] == {"profile": "OSS", "level": "C2", "minutes": 100.0, "per": "day"}
    assert first.hourly_costs == [{"profile": None, "level": "A1", "hourly_cost": 19.0}]
    assert first.other_costs == [{"item": "vitto", "amount": 8.5}]
    assert first.sources["amount"] == {"source": "https://bur.example/dgr-999.pdf", "status": "verified", "page": "4"}
    assert set(first.sources) == {"amount", "staff", "hourly_costs", "other_costs"}
    assert second.sources["amount"]["status"] == "secondary"


@pytest.mark.parametrize(("row", "message"), [
    ("Atlantide,cra,,DGR,1,,2025-01-01,40,day,,,,verified,https://x,", "region"),
    ("08,mensa,,DGR,1,,2025-01-01,40,day,,,,verified,https://x,", "service_type"),
    ("08,cra,,DGR,1,,2025-01-01,40,day,,,,,https://x,", "status"),
    ("08,cra,,DGR,1,,2025-01-01,40,day,,,,verified,,", "no source"),
    ("08,cra,,DGR,1,,2025-01-01,4000,day,,,,verified,https://x,", "plausible"),
    ("08,cra,,DGR,1,,2025-01-01,40,anno,,,,verified,https://x,", "unit"),
    ("08,cra,,DGR,1,,2025-01-01,40,day,OSS:C2:tanti/day,,,verified,https://x,", "staff"),
    ("08,cra,,DGR,1,,2025-13-01,40,day,,,,verified,https://x,", "valid_from"),
    ("08,cra,,DGR,1,,2025-01-01,,day,,,,verified,https://x,", "no figure"),
])
def test_bad_rows_name_line_and_field(tmp_path: Path, row: str, message: str) -> None:
    header = CSV.splitlines()[0]
    with pytest.raises(ImportFileError, match=message) as info:
        read_records(_write(tmp_path, "bad.csv", f"{header}\n{row}\n"))
    assert "line 2" in str(info.value)


def test_known_tariffs_load_and_none_is_verified() -> None:
    records = read_records(KNOWN)
    assert len(records) >= 14
    statuses = {entry["status"] for r in records for entry in r.sources.values()}
    assert statuses <= {"secondary", "estimated"}, "no DGR annex was read: nothing shipped may claim verified"


def test_store_is_idempotent_and_updates(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = read_records(_write(tmp_path, "t.csv", CSV))
    assert store_records(session, records, origin="import:t.csv").as_dict() == {"created": 2, "updated": 0, "unchanged": 0}
    session.commit()
    assert store_records(session, read_records(_write(tmp_path, "t.csv", CSV)), origin="import:t.csv").unchanged == 2
    changed = read_records(_write(tmp_path, "t2.csv", CSV.replace('"40,00"', '"41,00"')))
    assert store_records(session, changed, origin="import:t2.csv").updated == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(Tariff)) == 2


def test_tariff_rules_on_stored_tariffs_write_once_and_supersede(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store_records(session, read_records(_write(tmp_path, "t.csv", CSV)), origin="import")
    session.commit()
    config = parse_config({})
    first = run_tariff_rules(session, config=config)
    session.commit()
    assert first.tariffs_seen == 2 and first.findings_written == 10  # five tariff rules on two tariffs
    violations = {f.rule_code for f in session.scalars(select(TariffFinding).where(TariffFinding.result == "violation"))}
    assert violations == {"R-ACC-1", "R-ACC-2"}  # 40,00 < 42,68 floor; A1 at 19,00 < 19,70, all read in the act
    # the 2025 tariff is compared with the 2019 one of the same series: +5,3 % against +15,18 %
    acc3 = session.scalar(select(TariffFinding).join(Tariff).where(TariffFinding.rule_code == "R-ACC-3",
                                                                   Tariff.act_number == "999/2024"))
    assert acc3.result == "not_verifiable" and acc3.figures["increase_pct"] == pytest.approx(5.26, abs=0.01)
    again = run_tariff_rules(session, config=config)
    assert again.findings_written == 0 and again.findings_unchanged == 10
    store_records(session, read_records(_write(tmp_path, "t.csv", CSV.replace('"40,00"', '"45,00"'))), origin="import")
    session.commit()
    third = run_tariff_rules(session, config=config)
    session.commit()
    assert third.findings_superseded >= 2  # R-ACC-1 (now above the floor) and R-ACC-3 (new increase)
    acc1 = session.scalar(select(TariffFinding).where(TariffFinding.rule_code == "R-ACC-1",
                                                      TariffFinding.is_current.is_(True),
                                                      TariffFinding.figures["tariff"].as_float() == 45.0))
    assert acc1 is not None and acc1.result == "not_verifiable" and acc1.supersedes_id is not None
