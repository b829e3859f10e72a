"""Extract every retrieved document still pending, outside the crawl, then merge each touched notice.

Each document is read in its own child process (memory limit, timeout); its outcome is written in
its own transaction, so a crash or a bad file never loses the work done on the others, and a
document left pending by an interrupted run is picked up by the next one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from sqlalchemy import Engine, delete, or_, select

from db.models import Document, Extraction, Notice, NoticeTerms
from db.session import session_scope
from extract import EXTRACTOR_VERSION
from extract.errors import MISSING_FILE, STORE_MISMATCH
from extract.isolation import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, Outcome, extract_file_isolated
from extract.merge import merge_notice

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (documents done, documents to do)


def mark_outdated_pending(engine: Engine) -> int:
    """Set back to pending the documents whose extraction was made by another extractor version."""
    with session_scope(engine) as session:
        current = select(Extraction.document_id).where(Extraction.extractor_version == EXTRACTOR_VERSION)
        read_before = select(Extraction.document_id).where(Extraction.extractor_version != EXTRACTOR_VERSION)
        documents = session.scalars(
            select(Document).where(
                Document.id.in_(read_before), Document.id.not_in(current), Document.retrieval_status == "retrieved"
            )
        ).all()
        for document in documents:
            document.extraction_status = "pending"
            document.extraction_reason = None
        return len(documents)


def _pending(engine: Engine, limit: int | None) -> list[tuple[int, str | None, str | None]]:
    with session_scope(engine) as session:
        query = (
            select(Document.id, Document.stored_path, Document.sha256)
            .where(Document.extraction_status == "pending", Document.retrieval_status == "retrieved")
            .order_by(Document.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [tuple(row) for row in session.execute(query).all()]


def _extract_one(
    document_store: Path, stored_path: str | None, sha256: str | None, *, timeout_s: float, memory_mb: int
) -> Outcome:
    if not stored_path:
        return Outcome("failed", MISSING_FILE, "the document row has no stored_path")
    path = (document_store / stored_path).resolve()
    if not path.is_file():
        return Outcome("failed", MISSING_FILE, f"{stored_path} is not in the document store")
    if sha256:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            return Outcome("failed", STORE_MISMATCH, f"{stored_path} does not match the recorded sha256")
    return extract_file_isolated(path, timeout_s=timeout_s, memory_mb=memory_mb)


def _record(engine: Engine, document_id: int, outcome: Outcome) -> int:
    """Write one document's outcome; returns its notice id."""
    with session_scope(engine) as session:
        document = session.get(Document, document_id)
        document.extraction_status = outcome.status
        document.extraction_reason = outcome.reason_text
        session.execute(
            delete(Extraction).where(Extraction.document_id == document_id, Extraction.extractor_version == EXTRACTOR_VERSION)
        )
        if outcome.status == "extracted" and outcome.result:
            meta = outcome.result["document"]
            if meta.get("media_type"):
                document.media_type = meta["media_type"]
            session.add(
                Extraction(
                    document_id=document_id,
                    extractor_version=EXTRACTOR_VERSION,
                    document_kind=meta.get("kind"),
                    pages=meta.get("pages"),
                    ocr=bool(meta.get("ocr")),
                    fields=outcome.result["fields"],
                    warnings=list(outcome.warnings) + ([{"envelope": outcome.envelope}] if outcome.envelope else []),
                )
            )
        return document.notice_id


def run_pending(
    engine: Engine,
    document_store: Path,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    workers: int = 2,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> dict[str, int]:
    """Extract pending retrieved documents; returns counts (pending, extracted, failed, skipped, notices_merged)."""
    document_store = Path(document_store)
    todo = _pending(engine, limit)
    counts = {"pending": len(todo), "extracted": 0, "failed": 0, "skipped": 0, "notices_merged": 0}
    notices: set[int] = set()
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {
            pool.submit(_extract_one, document_store, stored, sha, timeout_s=timeout_s, memory_mb=memory_mb): doc_id
            for doc_id, stored, sha in todo
        }
        for future in as_completed(futures):
            document_id = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - recorded on the document; the batch goes on
                log.exception("extraction of document %s failed", document_id)
                outcome = Outcome("failed", "error", f"{exc.__class__.__name__}: {exc}"[:500])
            notices.add(_record(engine, document_id, outcome))
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            if outcome.status != "extracted":
                log.warning("document %s: %s %s", document_id, outcome.status, outcome.reason_text)
            done += 1
            if progress:
                progress(done, len(todo))
    # Also notices whose documents changed since their last merge without needing a read (a new
    # attachment that could not be downloaded: "all documents read" must not stay true), and in-scope
    # notices never merged.
    notices.update(_stale_notices(engine))
    for notice_id in sorted(notices):
        with session_scope(engine) as session:
            merge_notice(session, notice_id)
        counts["notices_merged"] += 1
    return counts


def _stale_notices(engine: Engine) -> set[int]:
    with session_scope(engine) as session:
        query = (
            select(Document.notice_id)
            .outerjoin(NoticeTerms, NoticeTerms.notice_id == Document.notice_id)
            .where(or_(NoticeTerms.notice_id.is_(None), Document.updated_at > NoticeTerms.merged_at))
            .distinct()
        )
        stale = set(session.scalars(query).all())
        # In-scope notices with no document at all still get their feed data as terms.
        bare = (
            select(Notice.id)
            .outerjoin(NoticeTerms, NoticeTerms.notice_id == Notice.id)
            .where(Notice.in_scope.is_(True), Notice.is_current.is_(True), NoticeTerms.notice_id.is_(None))
        )
        return stale | set(session.scalars(bare).all())
