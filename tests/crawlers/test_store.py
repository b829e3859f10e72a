"""StorePipeline's unit of work on both engines: versions, rettifica links, cross-source dedupe
(CIG, else authority + title + deadline), lots, documents and contract execution rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from crawlers.items import AuthorityRef, DocumentRef, LotItem, NoticeItem
from crawlers.pipelines.store import store_item
from db.models import ContractExecution, Document, Notice
from db.queries.sources import upsert_source

DEADLINE = dt.datetime(2026, 7, 6, 10, 0, tzinfo=dt.UTC)
ERCOLANO = AuthorityRef(name="COMUNE DI ERCOLANO", fiscal_code="80017980634")


def item(source: str, notice_id: str, **fields) -> NoticeItem:
    values = {"title": "ASSISTENZA DOMICILIARE ANZIANI", "authority": ERCOLANO, "in_scope": True, "scope_reason": "test"}
    return NoticeItem(source=source, source_notice_id=notice_id, **{**values, **fields})


def test_same_notice_twice_is_one_row_and_a_change_is_a_new_version(session):
    source = upsert_source(session, "anac_pvl", kind="national")
    first, status = store_item(session, source.id, item("anac_pvl", "A1", amount=Decimal("100.00")))
    again, status_again = store_item(session, source.id, item("anac_pvl", "A1", amount=Decimal("100.00")))
    changed, status_changed = store_item(session, source.id, item("anac_pvl", "A1", amount=Decimal("120.00")))
    assert (status, status_again, status_changed) == ("new", "unchanged", "changed")
    assert again.id == first.id and changed.previous_version_id == first.id and changed.version == 2
    assert session.scalars(select(Notice).where(Notice.is_current.is_(True))).all() == [changed]


def test_rettifica_links_to_the_notice_of_the_same_procedure(session):
    source = upsert_source(session, "anac_pvl", kind="national")
    original, _ = store_item(session, source.id, item("anac_pvl", "A1", procedure_key="P-1", notice_type="avviso"))
    correction, _ = store_item(session, source.id, item("anac_pvl", "R1", procedure_key="P-1", notice_type="rettifica"))
    other, _ = store_item(session, source.id, item("anac_pvl", "R2", procedure_key="P-2", notice_type="rettifica"))
    assert correction.corrects_id == original.id and other.corrects_id is None


def test_a_notice_in_two_feeds_is_one_tender_matched_on_cig(session):
    pvl = upsert_source(session, "anac_pvl", kind="national")
    cig = upsert_source(session, "anac_cig", kind="national")
    first, _ = store_item(session, pvl.id, item("anac_pvl", "A1", lots=[LotItem("BBEE0B3E8D", cig="BBEE0B3E8D")]))
    second, _ = store_item(session, cig.id, item("anac_cig", "BBEE0B3E8D", cig="BBEE0B3E8D", title="altro titolo"))
    unrelated, _ = store_item(session, cig.id, item("anac_cig", "ZZZZ0B3E8D", cig="ZZZZ0B3E8D", title="altro"))
    assert first.canonical_id is None and second.canonical_id == first.id and unrelated.canonical_id is None


def test_without_cig_authority_title_and_deadline_day_match(session):
    regional = upsert_source(session, "traspare", kind="platform")
    pvl = upsert_source(session, "anac_pvl", kind="national")
    first, _ = store_item(session, regional.id, item("traspare", "427", title="Assistenza domiciliare anziani!", deadline_at=DEADLINE))
    same, _ = store_item(session, pvl.id, item("anac_pvl", "A1", deadline_at=DEADLINE + dt.timedelta(hours=2)))
    other_day, _ = store_item(session, pvl.id, item("anac_pvl", "A2", deadline_at=DEADLINE + dt.timedelta(days=3)))
    assert same.canonical_id == first.id and other_day.canonical_id is None


def test_lots_documents_and_executions(session):
    source = upsert_source(session, "anac_ocds", kind="execution")
    notice, _ = store_item(session, source.id, item(
        "anac_ocds", "ocds-1", documents_url="https://x/page",
        lots=[LotItem("L1", cig="BBEE0B3E8D", amount=Decimal("10.00"))],
        documents=[DocumentRef("https://x/a.pdf", "Disciplinare"), DocumentRef("https://x/page", None, "failed", "forbidden")],
        executions=[{"cig": "BBEE0B3E8D", "awarded_amount": Decimal("9.50"), "awarded_on": dt.date(2025, 1, 2)}],
    ))
    docs = {d.url: d for d in session.scalars(select(Document).where(Document.notice_id == notice.id))}
    assert docs["https://x/a.pdf"].retrieval_status == "pending" and docs["https://x/a.pdf"].title == "Disciplinare"
    assert (docs["https://x/page"].retrieval_status, docs["https://x/page"].retrieval_reason) == ("failed", "forbidden")
    # Next run: the documents page was read, so its failure row goes; the attachment row stays.
    store_item(session, source.id, item(
        "anac_ocds", "ocds-1", documents_url="https://x/page", lots=[LotItem("L1", cig="BBEE0B3E8D", amount=Decimal("10.00"))],
        documents=[DocumentRef("https://x/a.pdf", "Disciplinare")],
        executions=[{"cig": "BBEE0B3E8D", "awarded_amount": Decimal("9.75")}],
    ))
    assert [d.url for d in session.scalars(select(Document).where(Document.notice_id == notice.id))] == ["https://x/a.pdf"]
    [execution] = session.scalars(select(ContractExecution)).all()
    assert (execution.cig, execution.source, execution.awarded_amount) == ("BBEE0B3E8D", "anac_ocds", Decimal("9.75"))
    assert execution.authority_id == notice.authority_id


def test_documents_of_an_out_of_scope_notice_are_skipped_until_it_comes_into_scope(session):
    source = upsert_source(session, "regione_veneto", kind="regional")
    docs = [DocumentRef("https://portal.example/a.pdf", "Disciplinare"),
            DocumentRef("https://portal.example/page", "Documenti", status="failed", reason="not_found")]
    out, _ = store_item(session, source.id, item("regione_veneto", "V1", title="Lavori stradali", in_scope=False,
                                                  documents=docs))
    rows = {d.url: d for d in session.scalars(select(Document).where(Document.notice_id == out.id))}
    assert (rows["https://portal.example/a.pdf"].retrieval_status,
            rows["https://portal.example/a.pdf"].retrieval_reason.split(":")[0]) == ("skipped", "out_of_scope")
    assert rows["https://portal.example/page"].retrieval_status == "failed"  # a real failure stays one
    # The same notice, in scope under a widened scope: its document is to be fetched again.
    now_in, _ = store_item(session, source.id, item("regione_veneto", "V1", title="Lavori stradali", in_scope=True,
                                                     documents=docs[:1]))
    doc = session.scalars(select(Document).where(Document.notice_id == now_in.id,
                                                 Document.url == "https://portal.example/a.pdf")).one()
    assert (doc.retrieval_status, doc.retrieval_reason) == ("pending", None)


def test_every_notice_data_field_is_carried_by_the_item():
    from dataclasses import fields

    from db.queries.notices import NoticeData

    item_fields = {f.name for f in fields(NoticeItem)}
    missing = {f.name for f in fields(NoticeData)} - item_fields - {"authority_id"}
    assert missing == set(), f"NoticeItem lacks {missing}: a crawler could not fill them"
