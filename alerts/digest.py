"""The finding digest: which findings are new for which Observatory, and the context its templates show.

A finding is *new for an Observatory* when it is current (`is_current`), is a violation or a
not-verifiable verdict, and no delivery of that Observatory carries it yet (`alert_delivery_finding`).
Compliant verdicts are not mailed. Violations are grouped by severity (critical, warning, info), then by
notice; not-verifiable verdicts form their own section, one entry per notice with every reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, joinedload

from alerts.accreditation import empty_section, plan_tariff_findings, section_context
from alerts.figures import format_figures
from alerts.rulebook import describe_rule
from authorities.routing import Route, route_notice
from db.models import AlertDeliveryFinding, Document, Finding, Notice, PaymentIndicator, Source
from kernel.directory import Directory, ObservatoryEntry

MAILED_RESULTS = ("violation", "not_verifiable")
IN_CHUNK = 5000
# Source health states meaning "its notices were not read this time".
DOWN_STATES = ("broken", "robots_denied")
SEVERITY_ORDER = ("critical", "warning", "info")
SEVERITY_LABELS = {
    "critical": "Criticità gravi",
    "warning": "Anomalie da verificare",
    "info": "Segnalazioni",
}
# Reasons the rules engine gives for a not-verifiable verdict, in the readers' words.
REASONS = {
    "document_not_retrieved": "documenti di gara non scaricati",
    "documents_not_retrieved": "documenti di gara non scaricati",
    "not_retrieved": "documenti di gara non scaricati",
    "scan_not_read": "documento scansionato non leggibile",
    "not_read": "documento non letto",
    "field_not_found": "dato non trovato nei documenti",
    "out_of_scope": "regola non applicabile a questa gara",
    "no_table": "nessuna tabella ministeriale per il profilo o il periodo",
}


@dataclass
class Item:
    """One finding bound for one Observatory."""

    finding: Finding
    route: Route
    copy_of: ObservatoryEntry | None = None  # set on the National copy of a regional finding


@dataclass
class DigestPlan:
    observatory: ObservatoryEntry
    items: list[Item] = field(default_factory=list)
    # New R-ACC verdicts on the region's tariffs: the digest's "Accreditamento" section (alerts.accreditation).
    tariff_findings: list[Any] = field(default_factory=list)

    @property
    def finding_ids(self) -> list[int]:
        return sorted(i.finding.id for i in self.items)


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """Id lists small enough for one IN (...) (SQLite caps the parameters of a statement)."""
    values = sorted(set(ids))
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def is_serious(finding: Finding) -> bool:
    return finding.result == "violation" and finding.severity == "critical"


def plan_digests(
    session: Session, directory: Directory, *, national_copy: bool, observatory_ids: dict[str, int]
) -> dict[str, DigestPlan]:
    """Route every undelivered finding; {observatory code: plan} for Observatories with something new."""
    national_id = observatory_ids[directory.national.code]
    delivered_anywhere = exists().where(AlertDeliveryFinding.finding_id == Finding.id)
    delivered_to_national = exists().where(
        AlertDeliveryFinding.finding_id == Finding.id, AlertDeliveryFinding.observatory_id == national_id
    )
    candidates: Any = ~delivered_anywhere
    if national_copy:
        serious = and_(Finding.result == "violation", Finding.severity == "critical")
        candidates = or_(~delivered_anywhere, and_(serious, ~delivered_to_national))
    findings = session.scalars(
        select(Finding)
        .where(Finding.is_current.is_(True), Finding.result.in_(MAILED_RESULTS), candidates)
        .options(joinedload(Finding.notice).joinedload(Notice.authority))
        .order_by(Finding.id)
    ).all()
    plans: dict[str, DigestPlan] = {}
    regions = {e.istat_region: e.code for e in directory.entries if e.istat_region}
    for code, tariff_findings in plan_tariff_findings(session, observatory_ids, regions).items():
        entry = directory.by_code(code)
        if entry is not None:
            plans.setdefault(code, DigestPlan(entry)).tariff_findings = tariff_findings
    if not findings:
        return plans
    delivered: set[tuple[int, int]] = set()
    for chunk in chunks(f.id for f in findings):
        rows = session.execute(
            select(AlertDeliveryFinding.observatory_id, AlertDeliveryFinding.finding_id).where(
                AlertDeliveryFinding.finding_id.in_(chunk)
            )
        )
        delivered.update((row[0], row[1]) for row in rows)
    routes: dict[int, Route] = {}
    for finding in findings:
        route = routes.get(finding.notice_id) or route_notice(finding.notice, directory)
        routes[finding.notice_id] = route
        targets: list[tuple[ObservatoryEntry, ObservatoryEntry | None]] = [(route.observatory, None)]
        if national_copy and is_serious(finding) and not route.observatory.is_national:
            targets.append((directory.national, route.observatory))
        for entry, copy_of in targets:
            if (observatory_ids[entry.code], finding.id) in delivered:
                continue
            plan = plans.setdefault(entry.code, DigestPlan(entry))
            plan.items.append(Item(finding, route, copy_of))
    return plans


def _reason_text(finding: Finding) -> str:
    reason = (finding.reason or "").strip()
    if not reason:
        return finding.message
    code, _, detail = reason.partition(":")
    known = REASONS.get(code.strip())
    if known:
        return f"{known}: {detail.strip()}" if detail.strip() else known
    return reason


def _documents(session: Session, findings: list[Finding]) -> dict[int, Document]:
    ids = {
        int(e["document_id"])
        for f in findings
        for e in (f.evidence or [])
        if isinstance(e, dict) and str(e.get("document_id") or "").isdigit()
    }
    return {
        d.id: d
        for chunk in chunks(ids)
        for d in session.scalars(select(Document).where(Document.id.in_(chunk)))
    }


def _late_payers(session: Session, authority_ids: set[int]) -> dict[int, PaymentIndicator]:
    """The latest payment-timeliness figure of each authority, when it says it pays late (ITP > 0)."""
    latest: dict[int, PaymentIndicator] = {}
    for chunk in chunks(authority_ids):
        rows = session.scalars(
            select(PaymentIndicator)
            .where(PaymentIndicator.authority_id.in_(chunk), PaymentIndicator.itp_days.is_not(None))
            .order_by(PaymentIndicator.authority_id, PaymentIndicator.period)
        )
        for row in rows:
            latest[row.authority_id] = row  # ordered by period: the last one wins
    return {a: p for a, p in latest.items() if p.itp_days is not None and p.itp_days > 0}


def _evidence_view(finding: Finding, documents: dict[int, Document]) -> list[dict[str, Any]]:
    out = []
    for ev in finding.evidence or []:
        if not isinstance(ev, dict):
            continue
        doc_id = ev.get("document_id")
        doc = documents.get(int(doc_id)) if str(doc_id or "").isdigit() else None
        name = (doc.title if doc is not None and doc.title else None) or (
            (doc.url.rsplit("/", 1)[-1] or doc.url) if doc is not None else None
        )
        out.append(
            {
                "quote": " ".join(str(ev.get("text") or "").split()),
                "document": name or ("dati della fonte" if doc_id is None else f"documento {doc_id}"),
                "page": ev.get("page"),
                "url": ev.get("url") or (doc.url if doc is not None else None),
            }
        )
    return out


def _notice_view(notice: Notice, route: Route, late: dict[int, PaymentIndicator]) -> dict[str, Any]:
    authority = notice.authority
    payment = late.get(authority.id) if authority is not None else None
    return {
        "id": notice.id,
        "title": " ".join((notice.title or "").split()) or "(senza titolo)",
        "authority": authority.name if authority is not None else "Ente non indicato",
        "authority_fiscal_code": authority.fiscal_code if authority is not None else None,
        "cig": notice.cig,
        "amount": notice.amount,
        "published_on": notice.published_on,
        "deadline_at": notice.deadline_at,
        "url": notice.url,
        "documents_url": notice.documents_url,
        "route_basis": route.basis,
        "route_resolved": route.resolved,
        "late_payment": (
            {"period": payment.period, "itp_days": payment.itp_days} if payment is not None else None
        ),
    }


def _finding_view(item: Item, documents: dict[int, Document], superseded: set[int]) -> dict[str, Any]:
    f = item.finding
    rule = describe_rule(f.rule_code, f.figures)
    return {
        "id": f.id,
        "rule_code": f.rule_code,
        "rule_name": rule.name,
        "legal_basis": rule.legal_basis,
        "severity": f.severity,
        "message": " ".join((f.message or "").split()),
        "summary": (f.figures or {}).get("summary"),
        "figures": format_figures(f.figures),
        "evidence": _evidence_view(f, documents),
        "uses_estimate": f.uses_estimate,
        "updated": f.supersedes_id is not None and f.supersedes_id in superseded,
        "copy_of": item.copy_of.name if item.copy_of is not None else None,
    }


def sources_health(session: Session) -> dict[str, Any]:
    """How the sources fared, for the digest's footer: silence must not read as "no anomalies"."""
    sources = session.scalars(select(Source).where(Source.health != "disabled").order_by(Source.name)).all()
    down = [s for s in sources if s.health in DOWN_STATES]
    return {
        "total": len(sources),
        "working": len(sources) - len(down),
        "down": [{"name": s.name, "reason": s.health_reason or s.health} for s in down],
    }


def digest_context(session: Session, plan: DigestPlan, *, today: dt.date) -> dict[str, Any]:
    findings = [i.finding for i in plan.items]
    documents = _documents(session, findings)
    late = _late_payers(
        session, {f.notice.authority_id for f in findings if f.notice.authority_id is not None}
    )
    previous_ids = {f.supersedes_id for f in findings if f.supersedes_id is not None}
    # Findings this digest replaces that an earlier digest carried: shown as "verdetto aggiornato".
    superseded = {
        finding_id
        for chunk in chunks(previous_ids)
        for finding_id in session.scalars(
            select(AlertDeliveryFinding.finding_id).where(AlertDeliveryFinding.finding_id.in_(chunk))
        )
    }

    by_severity: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    unverified: dict[int, dict[str, Any]] = {}
    for item in plan.items:
        f = item.finding
        if f.result == "violation":
            block = by_severity[f.severity].setdefault(
                f.notice_id, {"notice": _notice_view(f.notice, item.route, late), "findings": []}
            )
            block["findings"].append(_finding_view(item, documents, superseded))
        else:
            entry = unverified.setdefault(
                f.notice_id, {"notice": _notice_view(f.notice, item.route, late), "reasons": []}
            )
            # One line per distinct reason, naming every check it stopped ("letti 0 documenti su 2"
            # usually stops a dozen): the section stays readable.
            reason = _reason_text(f)
            same = next((r for r in entry["reasons"] if r["reason"] == reason), None)
            if same is None:
                same = {"reason": reason, "rules": []}
                entry["reasons"].append(same)
            same["rules"].append({"code": f.rule_code, "name": describe_rule(f.rule_code, f.figures).name})

    groups = []
    for severity in SEVERITY_ORDER:
        notices = list(by_severity.get(severity, {}).values())
        if notices:
            notices.sort(key=lambda b: (b["notice"]["authority"].lower(), b["notice"]["title"].lower()))
            groups.append(
                {
                    "severity": severity,
                    "label": SEVERITY_LABELS[severity],
                    "notices": notices,
                    "count": sum(len(b["findings"]) for b in notices),
                }
            )
    violation_notices = {i.finding.notice_id for i in plan.items if i.finding.result == "violation"}
    all_notices = {i.finding.notice_id for i in plan.items}
    authorities = {
        i.finding.notice.authority.name for i in plan.items if i.finding.notice.authority is not None
    }
    unplaced = sorted({i.route.basis for i in plan.items if not i.route.resolved})
    return {
        "observatory": {
            "code": plan.observatory.code,
            "name": plan.observatory.name,
            "is_national": plan.observatory.is_national,
        },
        "today": today,
        "groups": groups,
        "unverified": sorted(unverified.values(), key=lambda e: e["notice"]["authority"].lower()),
        "counts": {
            "violations": sum(g["count"] for g in groups),
            "violation_notices": len(violation_notices),
            "unverified_notices": len(unverified),
            "notices": len(all_notices),
            "by_severity": {g["severity"]: g["count"] for g in groups},
        },
        "single_authority": next(iter(authorities)) if len(authorities) == 1 else None,
        "accreditation": _accreditation(session, plan),
        "unplaced": unplaced,
        "sources": sources_health(session),
    }


def _accreditation(session: Session, plan: DigestPlan) -> dict[str, Any]:
    if not plan.tariff_findings:
        return empty_section()
    return section_context(session, plan.tariff_findings)
