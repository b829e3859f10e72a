"""Contract execution joined on CIG: the real OCDS awards of the corpus (as the anac_ocds spider
writes them) against the BDNCP datasets (built fixtures, documented headers); conflicts kept visible."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from authorities import datasets
from authorities.execution import DATASETS, import_bdncp, known_cigs, reconcile_all
from authorities.refresh import refresh_post_award
from crawlers.spiders.anac_ocds import AnacOcdsSpider
from db.models import ContractExecution, Notice
from db.queries.authorities import upsert_authority
from db.queries.executions import upsert_contract_execution
from db.queries.lifecycle import notice_lifecycle
from db.queries.notices import NoticeData, record_notice, upsert_lot
from db.queries.sources import upsert_source


def _ocds(session, corpus_dir: Path) -> int:  # noqa: ANN001
    """The corpus's real compiled releases, written the way the anac_ocds spider's pipeline writes them."""
    spider = AnacOcdsSpider()
    count = 0
    for line in (corpus_dir / "anac_ocds" / "bandiradar_anac_ocds_history.jsonl").read_text().splitlines():
        for execution in spider._executions(json.loads(line)):
            values = {k: v for k, v in execution.items() if k != "cig"}
            upsert_contract_execution(session, execution["cig"], "anac_ocds", **values)
            count += 1
    return count


def _bdncp(session, files: Path, only: set[str] | None = None) -> dict[str, object]:  # noqa: ANN001
    return {d: import_bdncp(session, d, datasets.iter_rows(files / "bdncp" / f"{d}.csv"), only_cigs=only, origin=d)
            for d in DATASETS}


def _rows(session, cig: str) -> dict[str, ContractExecution]:  # noqa: ANN001
    return {r.source: r for r in session.scalars(select(ContractExecution).where(ContractExecution.cig == cig))}


def test_bdncp_datasets_fill_one_row_per_cig(session, files: Path) -> None:
    reports = _bdncp(session, files)
    session.commit()
    assert reports["aggiudicazioni"].rejected == [(7, "invalid CIG 'NOT-A-CIG'")]
    row = _rows(session, "8998391B27")["anac_bdncp"]
    assert (row.award_criterion, row.awarded_amount, row.discount_pct, row.offers_count) == (
        "oepv", Decimal("6359227.39"), Decimal("3.1000"), 2)
    assert (row.awarded_on, row.start_on, row.end_on) == (dt.date(2022, 7, 18), dt.date(2023, 3, 7), dt.date(2031, 7, 31))
    assert row.data["end_is_expected"] is True
    assert [(e["kind"], e["date"]) for e in row.events] == [("start", "2023-03-07"), ("suspension", "2024-06-10")]
    assert row.events[1]["resumed_on"] == "2024-09-02"
    ended = _rows(session, "8949845DB9")["anac_bdncp"]
    assert ended.end_on == dt.date(2023, 3, 15) and "end_is_expected" not in ended.data
    assert ended.award_criterion == "lowest_price" and ended.discount_pct == Decimal("1.0824")
    variant = _rows(session, "90612571D4")["anac_bdncp"]
    assert [e["kind"] for e in variant.events] == ["start", "variant"]
    assert variant.events[1]["reason"].startswith("REVISIONE PREZZI")


def test_reimport_is_idempotent(session, files: Path) -> None:
    _bdncp(session, files)
    session.commit()
    before = {(r.cig, r.source): (r.awarded_amount, r.events) for r in session.scalars(select(ContractExecution))}
    _bdncp(session, files)
    session.commit()
    after = {(r.cig, r.source): (r.awarded_amount, r.events) for r in session.scalars(select(ContractExecution))}
    assert before == after


def test_a_cig_with_different_amounts_in_two_sources_is_flagged_not_merged(session, files: Path, corpus_dir: Path) -> None:
    assert _ocds(session, corpus_dir) == 48
    _bdncp(session, files)
    session.commit()
    rows = _rows(session, "90612571D4")
    assert rows["anac_ocds"].awarded_amount == Decimal("624198.40")  # real OCDS award
    assert rows["anac_bdncp"].awarded_amount == Decimal("642198.40")  # the BDNCP fixture's figure
    for row in rows.values():
        [conflict] = row.data["conflicts"]
        assert conflict["values"] == {"anac_bdncp": "642198.40", "anac_ocds": "624198.40"}
    agreeing = _rows(session, "8949845DB9")
    assert agreeing["anac_ocds"].awarded_amount == agreeing["anac_bdncp"].awarded_amount
    assert "conflicts" not in agreeing["anac_bdncp"].data


def test_conflicts_found_whatever_the_order_of_the_sources(session, files: Path, corpus_dir: Path) -> None:
    _bdncp(session, files)
    session.commit()
    _ocds(session, corpus_dir)  # OCDS after BDNCP: the upsert knows nothing of conflicts
    session.commit()
    assert "conflicts" not in _rows(session, "90612571D4")["anac_bdncp"].data
    assert reconcile_all(session) == 2  # 90612571D4 across sources, 7512878F0A within BDNCP
    session.commit()
    assert _rows(session, "90612571D4")["anac_bdncp"].data["conflicts"][0]["field"] == "awarded_amount"


def test_two_awards_of_one_cig_are_both_kept(session, files: Path) -> None:
    _bdncp(session, files)
    session.commit()
    row = _rows(session, "7512878F0A")["anac_bdncp"]
    assert row.awarded_amount == Decimal("3395700")  # the later award
    assert [a["amount"] for a in row.data["awards"]] == ["3430000", "3395700"]
    assert row.data["conflicts"][0]["values"] == {"70100001": "3430000", "70100002": "3395700"}


def _notice(session, cig: str, title: str = "Servizio di assistenza domiciliare") -> Notice:  # noqa: ANN001
    source = upsert_source(session, "anac_pvl", name="ANAC PVL", kind="national")
    authority = upsert_authority(session, fiscal_code="80017980634", name="COMUNE DI ERCOLANO")
    recorded = record_notice(session, source.id, NoticeData(
        source_notice_id=f"n-{cig}", title=title, cig=cig, authority_id=authority.id,
        published_on=dt.date(2026, 6, 8), amount=Decimal("454440.30")))
    upsert_lot(session, recorded.notice.id, "1", cig=cig)
    return recorded.notice


def test_only_known_cigs_are_kept_and_linked_to_their_authority(session, files: Path) -> None:
    notice = _notice(session, "BBEE0B3E8D")
    session.commit()
    assert known_cigs(session) == {"BBEE0B3E8D"}
    reports = _bdncp(session, files, only=known_cigs(session))
    session.commit()
    assert reports["aggiudicazioni"].stored == 1 and reports["aggiudicazioni"].skipped_unknown_cig == 5
    [row] = session.scalars(select(ContractExecution)).all()
    assert row.cig == "BBEE0B3E8D" and row.authority_id == notice.authority_id


def test_notice_lifecycle_from_call_to_execution(session, files: Path) -> None:
    notice = _notice(session, "BBEE0B3E8D")
    _bdncp(session, files)
    refresh_post_award(session)
    session.commit()
    lifecycle = notice_lifecycle(session, notice.id)
    assert lifecycle.cigs == ["BBEE0B3E8D"] and lifecycle.awarded
    assert [e.kind for e in lifecycle.events] == ["call", "award", "start", "expected_end"]
    assert [e.on for e in lifecycle.events] == [dt.date(2026, 6, 8), dt.date(2026, 9, 15), dt.date(2026, 10, 1),
                                                 dt.date(2029, 9, 30)]
    award = lifecycle.events[1]
    assert "€ 417.040,18" in award.label and "ribasso 8,23%" in award.label and "3 offerte" in award.label
    assert lifecycle.conflicts == []
    with pytest.raises(LookupError):
        notice_lifecycle(session, notice.id + 999)


def test_lifecycle_shows_conflicts_and_variants(session, files: Path, corpus_dir: Path) -> None:
    notice = _notice(session, "90612571D4", "Servizio di portierato")
    _ocds(session, corpus_dir)
    _bdncp(session, files)
    session.commit()
    lifecycle = notice_lifecycle(session, notice.id)
    kinds = [e.kind for e in lifecycle.events]
    assert kinds.count("award") == 2 and "variant" in kinds and "milestone" in kinds
    assert lifecycle.conflicts[0]["values"] == {"anac_bdncp": "642198.40", "anac_ocds": "624198.40"}


def test_a_dataset_file_without_its_columns_is_refused(session, tmp_path: Path) -> None:
    wrong = tmp_path / "varianti.csv"
    wrong.write_text("cig;data\nA;1\n", encoding="utf-8")
    with pytest.raises(datasets.DatasetError, match="varianti lacks column"):
        import_bdncp(session, "varianti", datasets.iter_rows(wrong))


def test_lifecycle_includes_rettifiche_and_the_same_tender_elsewhere(session, files: Path) -> None:
    notice = _notice(session, "BBEE0B3E8D")
    other_source = upsert_source(session, "ted", name="TED", kind="national")
    rettifica = record_notice(session, notice.source_id, NoticeData(
        source_notice_id="r1", title="Rettifica: proroga termini", notice_type="rettifica",
        published_on=dt.date(2026, 6, 20))).notice
    rettifica.corrects_id = notice.id
    elsewhere = record_notice(session, other_source.id, NoticeData(
        source_notice_id="ted-1", title="Assistenza domiciliare (TED)", published_on=dt.date(2026, 6, 9))).notice
    elsewhere.canonical_id = notice.id
    session.commit()
    # Asked from the copy on the other source, the lifecycle is the canonical notice's.
    lifecycle = notice_lifecycle(session, elsewhere.id)
    assert lifecycle.notice_id == notice.id
    assert [(e.kind, e.on) for e in lifecycle.events] == [
        ("call", dt.date(2026, 6, 8)), ("other_source", dt.date(2026, 6, 9)), ("rettifica", dt.date(2026, 6, 20))]
    assert lifecycle.events[2].label.startswith("Rettifica (anac_pvl): Rettifica: proroga termini")
    assert not lifecycle.awarded
