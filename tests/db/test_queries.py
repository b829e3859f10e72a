"""Idempotent upserts on both engines: the same notice twice is one row; a change is a new version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from db.models import ContractingAuthority, Document, Lot, Notice, Source
from db.queries.authorities import upsert_authority
from db.queries.notices import NoticeData, record_notice, upsert_document, upsert_lot
from db.queries.sources import upsert_source


def _notice(**overrides) -> NoticeData:  # type: ignore[no-untyped-def]
    base = dict(
        source_notice_id="PVL-1",
        title="Servizio di assistenza domiciliare",
        cpv="85320000",
        amount=Decimal("454440.30"),
        published_on=dt.date(2026, 6, 8),
        deadline_at=dt.datetime(2026, 7, 6, 10, 0, tzinfo=dt.UTC),
        in_scope=True,
        scope_reason="cpv 85320000 in the social-services list",
    )
    base.update(overrides)
    return NoticeData(**base)


def test_source_upsert_is_idempotent(session) -> None:  # type: ignore[no-untyped-def]
    a = upsert_source(session, "anac_pvl", name="ANAC PVL", kind="national", policy={"robots": "obey"})
    b = upsert_source(session, "anac_pvl", name="ANAC Pubblicità legale", kind="national")
    session.commit()
    assert a.id == b.id
    assert session.scalar(select(func.count()).select_from(Source)) == 1
    assert session.get(Source, a.id).name == "ANAC Pubblicità legale"
    assert session.get(Source, a.id).policy == {"robots": "obey"}


def test_notice_recorded_once_then_versioned(session) -> None:  # type: ignore[no-untyped-def]
    source = upsert_source(session, "anac_pvl", kind="national")
    first = record_notice(session, source.id, _notice())
    again = record_notice(session, source.id, _notice())
    session.commit()
    assert (first.status, again.status) == ("new", "unchanged")
    assert first.notice.id == again.notice.id
    assert session.scalar(select(func.count()).select_from(Notice)) == 1

    changed = record_notice(session, source.id, _notice(deadline_at=dt.datetime(2026, 7, 20, 10, tzinfo=dt.UTC)))
    session.commit()
    assert changed.status == "changed"
    assert changed.notice.version == 2
    assert changed.notice.previous_version_id == first.notice.id
    rows = session.scalars(select(Notice).order_by(Notice.version)).all()
    assert [(n.version, n.is_current) for n in rows] == [(1, False), (2, True)]
    assert rows[1].deadline_at == dt.datetime(2026, 7, 20, 10, tzinfo=dt.UTC)
    assert rows[1].amount == Decimal("454440.30")


def test_lot_and_document_upserts(session) -> None:  # type: ignore[no-untyped-def]
    source = upsert_source(session, "ted", kind="national")
    notice = record_notice(session, source.id, _notice(source_notice_id="TED-1")).notice
    upsert_lot(session, notice.id, "1", cig="BBEE0B3E8D", amount=Decimal("1000.00"))
    upsert_lot(session, notice.id, "1", cig="BBEE0B3E8D", amount=Decimal("2000.00"))
    doc = upsert_document(session, notice.id, "https://x.example/disciplinare.pdf", title="Disciplinare")
    doc2 = upsert_document(
        session, notice.id, "https://x.example/disciplinare.pdf", retrieval_status="failed",
        retrieval_reason="robots_denied",
    )
    session.commit()
    assert session.scalar(select(func.count()).select_from(Lot)) == 1
    assert session.scalars(select(Lot)).one().amount == Decimal("2000.00")
    assert doc.id == doc2.id
    stored = session.get(Document, doc.id)
    session.refresh(stored)
    assert (stored.title, stored.retrieval_status, stored.retrieval_reason) == (
        "Disciplinare", "failed", "robots_denied",
    )


def test_authority_upsert_fills_but_never_erases(session) -> None:  # type: ignore[no-untyped-def]
    a = upsert_authority(session, fiscal_code="80012000826", name="Comune di Ercolano", istat_region="15")
    b = upsert_authority(session, fiscal_code="80012000826", name="COMUNE DI ERCOLANO", istat_region=None,
                         istat_province="063")
    c = upsert_authority(session, fiscal_code=None, name="Prefettura di Napoli")
    d = upsert_authority(session, fiscal_code=None, name="PREFETTURA DI NAPOLI")
    session.commit()
    assert a.id == b.id and c.id == d.id and a.id != c.id
    row = session.get(ContractingAuthority, a.id)
    assert (row.istat_region, row.istat_province) == ("15", "063")
    assert session.scalar(select(func.count()).select_from(ContractingAuthority)) == 2
