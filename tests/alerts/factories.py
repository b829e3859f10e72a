"""Build notices and findings directly with the models (the rules engine is not needed to test alerts)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db.models import ContractingAuthority, Document, Finding, Notice, Source


def source(session: Session, code: str = "anac_pvl", **kw: Any) -> Source:
    row = Source(code=code, name=kw.pop("name", f"Fonte {code}"), kind=kw.pop("kind", "national"), **kw)
    session.add(row)
    session.flush()
    return row


def authority(session: Session, name: str, fiscal_code: str | None = None, **kw: Any) -> ContractingAuthority:
    row = ContractingAuthority(
        name=name, name_key=name.lower(), fiscal_code=fiscal_code or uuid.uuid4().hex[:11], **kw
    )
    session.add(row)
    session.flush()
    return row


def notice(
    session: Session,
    src: Source,
    auth: ContractingAuthority | None,
    title: str,
    cig: str | None = None,
    **kw: Any,
) -> Notice:
    row = Notice(
        source_id=src.id,
        source_notice_id=kw.pop("source_notice_id", uuid.uuid4().hex[:12]),
        content_hash=uuid.uuid4().hex,
        title=title,
        cig=cig,
        authority_id=auth.id if auth is not None else None,
        in_scope=True,
        url=kw.pop("url", "https://portale.example.it/bandi/123"),
        deadline_at=kw.pop("deadline_at", dt.datetime(2026, 12, 15, 11, 0, tzinfo=dt.UTC)),
        amount=kw.pop("amount", Decimal("1250000.00")),
        published_on=kw.pop("published_on", dt.date(2026, 11, 20)),
        **kw,
    )
    session.add(row)
    session.flush()
    return row


def document(session: Session, ntc: Notice, title: str = "Disciplinare di gara.pdf") -> Document:
    row = Document(
        notice_id=ntc.id,
        url=f"https://portale.example.it/doc/{uuid.uuid4().hex[:6]}.pdf",
        title=title,
        retrieval_status="retrieved",
    )
    session.add(row)
    session.flush()
    return row


def finding(
    session: Session,
    ntc: Notice,
    *,
    rule_code: str = "R-BASE-2",
    result: str = "violation",
    severity: str = "critical",
    message: str = "Il costo orario implicito è inferiore al costo delle tabelle ministeriali.",
    figures: dict[str, Any] | None = None,
    evidence: list[dict[str, Any]] | None = None,
    reason: str | None = None,
    **kw: Any,
) -> Finding:
    row = Finding(
        notice_id=ntc.id,
        rule_code=rule_code,
        rule_version="1",
        result=result,
        severity=severity,
        message=message,
        reason=reason,
        figures=figures
        if figures is not None
        else {
            "summary": "€ 19,89/h contro € 23,65/h del CCNL (livello D2, ottobre 2025): -15,9 %",
            "hourly_cost": 19.89,
            "table_cost": 23.65,
            "gap_pct": -15.9,
            "level": "D2",
        },
        evidence=evidence if evidence is not None else [],
        fingerprint=uuid.uuid4().hex + uuid.uuid4().hex,
        **kw,
    )
    session.add(row)
    session.flush()
    return row


def digest_world(session: Session) -> dict[str, Any]:
    """Two regional authorities with violations, one unplaceable authority, one not-verifiable notice."""
    src = source(session)
    torino = authority(session, "Comune di Torino", "00514490010", istat_region="01", istat_comune="001272")
    milano = authority(session, "Comune di Milano", "01199250158", istat_province="015")
    nowhere = authority(session, "Consorzio Servizi Sociali Ignoto", "99999999999")
    n1 = notice(session, src, torino, "Servizio di assistenza domiciliare anziani 2026-2028", "B123456789")
    doc = document(session, n1)
    f1 = finding(
        session,
        n1,
        evidence=[
            {
                "document_id": doc.id,
                "page": 12,
                "text": "Il costo orario posto a base di gara è pari a euro 19,89.",
            }
        ],
    )
    f2 = finding(
        session,
        n1,
        rule_code="R-REV-1",
        severity="warning",
        message="Il bando non prevede la clausola di revisione dei prezzi.",
        figures={},
    )
    n2 = notice(session, src, milano, "Gestione centro diurno disabili", "C987654321")
    f3 = finding(
        session,
        n2,
        rule_code="R-CRIT-1",
        severity="critical",
        message="Servizio sociale aggiudicato al minor prezzo.",
        figures={"award_criterion": "lowest_price", "base_amount": 480000},
    )
    n3 = notice(session, src, milano, "Servizio educativo scolastico", "D111111111")
    f4 = finding(
        session,
        n3,
        rule_code="R-SOC-1",
        result="not_verifiable",
        severity="warning",
        message="Clausola sociale non verificabile.",
        reason="document_not_retrieved: HTTP 403",
    )
    n4 = notice(session, src, nowhere, "Servizio di trasporto sociale", "E222222222")
    f5 = finding(
        session,
        n4,
        rule_code="R-CCNL-1",
        severity="warning",
        message="Il bando non indica il CCNL.",
        figures={},
    )
    compliant = finding(session, n2, rule_code="R-PAY-1", result="compliant", severity="info", message="ok")
    return {
        "findings": [f1, f2, f3, f4, f5],
        "compliant": compliant,
        "notices": [n1, n2, n3, n4],
        "authorities": [torino, milano, nowhere],
        "source": src,
    }
