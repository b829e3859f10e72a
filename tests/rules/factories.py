"""Rows for the engine tests, built directly (minimal, named for what they hold)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db.models import ContractingAuthority, Document, Lot, Notice, NoticeTerms, Source

SOCIAL_FIELDS: dict[str, Any] = {
    "ccnl": {"value": "CCNL Cooperative sociali", "evidence": [{"page": 5, "text": "CCNL Cooperative sociali"}]},
    "labour_cost": {"value": 198900, "evidence": [{"page": 4, "text": "costi della manodopera € 198.900,00"}]},
    "base_amount": {"value": 300000, "evidence": [{"page": 3, "text": "importo a base di gara € 300.000,00"}]},
    "staff": {"value": [{"profile": "OSS", "level": "C2", "hours": 10000, "count": 6}], "evidence": []},
    "award_criterion": {"value": "oepv", "evidence": []},
    "social_clause": {"value": {"present": True, "strength": "binding", "staff_list": True}, "evidence": []},
    "price_revision": {"value": {"present": True, "threshold_pct": 5, "share_pct": 80}, "evidence": []},
}


def source(session: Session, code: str = "anac_pvl") -> Source:
    row = Source(code=code, name=code, kind="national")
    session.add(row)
    session.flush()
    return row


def authority(session: Session, fiscal_code: str = "00100200300", region: str = "03", name: str = "Comune di Prova") -> ContractingAuthority:
    row = ContractingAuthority(fiscal_code=fiscal_code, name=name, name_key=name.lower(), istat_region=region)
    session.add(row)
    session.flush()
    return row


def notice(session: Session, src: Source, auth: ContractingAuthority | None, *, key: str = "N1",
           title: str = "Servizio di assistenza domiciliare anziani", cpv: str = "85312000",
           published_on: dt.date = dt.date(2025, 11, 3), fields: dict[str, Any] | None = None,
           all_read: bool = True, cig: str | None = "B1234567AA", documents: list[dict[str, Any]] | None = None) -> Notice:
    row = Notice(source_id=src.id, source_notice_id=key, content_hash=key, title=title, cpv=cpv, cig=cig,
                 published_on=published_on, authority_id=auth.id if auth else None, amount=Decimal("300000"))
    session.add(row)
    session.flush()
    rows = [Document(notice_id=row.id, **{"retrieval_status": "retrieved", "extraction_status": "extracted", **doc})
            for doc in documents or [{"url": f"https://example.org/{key}/disciplinare.pdf"}]]
    session.add_all(rows)
    session.flush()
    # The merged evidence names its document, as extract/merge.py writes it.
    fields = copy.deepcopy(SOCIAL_FIELDS if fields is None else fields)
    for value in fields.values():
        for item in value.get("evidence", []) if isinstance(value, dict) else []:
            item.setdefault("document_id", rows[0].id)
    session.add(Lot(notice_id=row.id, lot_key="1", cig=cig, cpv=cpv, amount=Decimal("300000")))
    total = len(documents or [1])
    session.add(NoticeTerms(notice_id=row.id, fields=fields,
                            all_documents_read=all_read, documents_total=total, documents_read=total if all_read else 0))
    session.flush()
    return row
