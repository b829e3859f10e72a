"""StorePipeline: one unit of work per item -> authority, notice (versions), lots, document rows.

Also links notices together:
- a rettifica to the notice it corrects (`corrects_id`): the item names it
  (`corrects_source_notice_id`), or else the earliest non-rettifica notice of the same procedure
  (`procedure_key`, e.g. PVL idAppalto) of the same source;
- the same tender seen by two sources (`canonical_id`, see `find_canonical`): matched on CIG, else on
  authority + normalised title + deadline day. The first notice recorded is the canonical one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from scrapy.exceptions import DropItem
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from crawlers.items import NoticeItem
from crawlers.pipelines.database import current_engine
from db.models import Document, Lot, Notice
from db.queries.authorities import name_key, upsert_authority
from db.queries.executions import upsert_contract_execution
from db.queries.notices import NoticeData, record_notice, upsert_document, upsert_lot
from db.queries.sources import upsert_source
from db.session import session_scope


def find_canonical(session: Session, notice: Notice, lot_cigs: list[str]) -> Notice | None:
    """The first-recorded current notice of another source that is the same tender, if any."""
    others = select(Notice).where(
        Notice.source_id != notice.source_id, Notice.is_current.is_(True), Notice.id != notice.id
    )
    cigs = sorted({c for c in [notice.cig, *lot_cigs] if c})
    if cigs:
        by_notice_cig = session.scalars(others.where(Notice.cig.in_(cigs)).order_by(Notice.id)).first()
        by_lot_cig = session.scalars(
            others.join(Lot, Lot.notice_id == Notice.id).where(Lot.cig.in_(cigs)).order_by(Notice.id)
        ).first()
        found = [n for n in (by_notice_cig, by_lot_cig) if n is not None]
        if found:
            return min(found, key=lambda n: n.id)
    if notice.authority_id is None or notice.deadline_at is None:
        return None
    title_key = name_key(notice.title)
    candidates = session.scalars(
        others.where(Notice.authority_id == notice.authority_id, Notice.deadline_at.is_not(None)).order_by(Notice.id)
    )
    for candidate in candidates:
        if name_key(candidate.title) == title_key and _same_day(candidate.deadline_at, notice.deadline_at):
            return candidate
    return None


def _same_day(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    return a is not None and b is not None and a.astimezone(dt.UTC).date() == b.astimezone(dt.UTC).date()


def find_corrected(session: Session, notice: Notice, item: NoticeItem) -> Notice | None:
    base = select(Notice).where(Notice.source_id == notice.source_id, Notice.id != notice.id)
    if item.corrects_source_notice_id:
        return session.scalars(
            base.where(Notice.source_notice_id == item.corrects_source_notice_id, Notice.is_current.is_(True))
        ).first()
    if item.notice_type == "rettifica" and item.procedure_key:
        return session.scalars(
            base.where(
                Notice.procedure_key == item.procedure_key,
                func.coalesce(Notice.notice_type, "") != "rettifica",
                Notice.is_current.is_(True),
            ).order_by(Notice.id)
        ).first()
    return None


# NoticeData's fields that NoticeItem carries under the same name (a test checks they all exist there).
_SHARED_FIELDS = tuple(f.name for f in fields(NoticeData) if f.name not in ("authority_id", "in_scope"))


def notice_data(item: NoticeItem, authority_id: int | None) -> NoticeData:
    """The database's view of an item: its own fields, the authority row, and the scope decision."""
    return NoticeData(**{name: getattr(item, name) for name in _SHARED_FIELDS}, authority_id=authority_id,
                      in_scope=bool(item.in_scope))


def store_item(session: Session, source_id: int, item: NoticeItem) -> tuple[Notice, str]:
    """Write one item; returns the notice row and "new"/"changed"/"unchanged"."""
    authority_id = None
    if item.authority is not None:
        ref = item.authority
        authority = upsert_authority(
            session,
            fiscal_code=ref.fiscal_code,
            name=ref.name,
            legal_nature=ref.legal_nature,
            ausa_code=ref.ausa_code,
            istat_comune=ref.istat_comune,
            istat_province=ref.istat_province,
            istat_region=ref.istat_region,
            nuts=ref.nuts,
            place_source=ref.place_source,
            is_national=ref.is_national or None,
        )
        session.flush()
        authority_id = authority.id
    recorded = record_notice(session, source_id, notice_data(item, authority_id))
    notice = recorded.notice
    for lot in item.lots:
        upsert_lot(
            session, notice.id, lot.lot_key, cig=lot.cig, title=lot.title, cpv=lot.cpv, amount=lot.amount,
            award_criterion=lot.award_criterion, data=lot.data,
        )
    for ref in item.documents:
        fields: dict[str, Any] = {"title": ref.title} if ref.title else {}
        if ref.status == "failed":
            fields.update(retrieval_status="failed", retrieval_reason=ref.reason or "unsupported")
        upsert_document(session, notice.id, ref.url, **fields)
    settle_scope_documents(session, notice.id, in_scope=item.in_scope)
    for execution in item.executions:
        values = {k: v for k, v in execution.items() if k != "cig"}
        upsert_contract_execution(session, execution["cig"], item.source, authority_id=authority_id, **values)
    if item.documents_url and item.documents and all(ref.url != item.documents_url for ref in item.documents):
        # The documents page failed on an earlier run and was read now: its failure row is obsolete.
        session.execute(
            delete(Document).where(
                Document.notice_id == notice.id,
                Document.url == item.documents_url,
                Document.retrieval_status == "failed",
            )
        )
    if notice.corrects_id is None:
        corrected = find_corrected(session, notice, item)
        if corrected is not None:
            notice.corrects_id = corrected.id
    if notice.canonical_id is None:
        canonical = find_canonical(session, notice, [lot.cig for lot in item.lots if lot.cig])
        if canonical is not None:
            notice.canonical_id = canonical.canonical_id or canonical.id
    session.flush()
    return notice, recorded.status


OUT_OF_SCOPE_REASON = "out_of_scope: the notice is outside the Observatories' scope; not downloaded"


def settle_scope_documents(session: Session, notice_id: int, *, in_scope: bool) -> None:
    """Only documents of in-scope notices are downloaded (DocumentsPipeline), so those of a kept
    out-of-scope notice are marked "skipped" with the reason instead of staying "pending" forever
    (which status would report as a backlog). When the notice comes into scope (a corrected notice,
    a widened scope) they are pending again, and the documents pipeline fetches them."""
    if in_scope:
        session.execute(update(Document).where(Document.notice_id == notice_id, Document.retrieval_status == "skipped")
                        .values(retrieval_status="pending", retrieval_reason=None))
    else:
        session.execute(update(Document).where(Document.notice_id == notice_id, Document.retrieval_status == "pending")
                        .values(retrieval_status="skipped", retrieval_reason=OUT_OF_SCOPE_REASON))


class StorePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.source_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        policy = spider.policy
        with session_scope(current_engine(self.crawler.settings)) as session:
            source = upsert_source(
                session, spider.name, name=policy.name, kind=policy.kind, base_url=spider.base_url,
                policy=policy.as_dict(),
            )
            self.source_id = source.id

    def process_item(self, item: NoticeItem) -> NoticeItem:
        if not isinstance(item, NoticeItem):
            return item  # DocumentRetry: for the documents pipeline only
        assert self.source_id is not None
        stats = self.crawler.stats
        try:
            with session_scope(current_engine(self.crawler.settings)) as session:
                notice, status = store_item(session, self.source_id, item)
                item.notice_id = notice.id
        except Exception as exc:
            # One bad item must not stop the crawl; the run record says which and why.
            self.crawler.spider.record_error("store_failed", item.url, repr(exc)[:300], notice=item.source_notice_id)
            raise DropItem(f"not stored: {type(exc).__name__}") from exc
        stats.inc_value(f"observatory/notices_{status}")
        stats.inc_value("observatory/lots", len(item.lots))
        return item
