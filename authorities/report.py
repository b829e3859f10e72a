"""What `observatory authorities show` prints: one authority with its Observatory, payment record,
execution records and open findings. Built as data first (tests read it), rendered as text last."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from authorities.payments import payment_series
from db.models import ContractExecution, ContractingAuthority, Finding, Notice, PaymentIndicator
from kernel import territory
from kernel.directory import Directory, ObservatoryEntry


@dataclass
class AuthorityReport:
    authority: ContractingAuthority
    observatory: ObservatoryEntry | None
    routing: str  # why this Observatory (or why none)
    payments: list[PaymentIndicator]
    executions: list[ContractExecution]
    findings: list[tuple[Finding, Notice]]
    replaced_by: str | None = None
    notes: list[str] = field(default_factory=list)


def find_authority(session: Session, fiscal_code: str) -> ContractingAuthority | None:
    code = fiscal_code.strip().upper()
    found = session.scalars(select(ContractingAuthority).where(ContractingAuthority.fiscal_code == code)).first()
    if found is None and code.isdigit() and len(code) < 11:
        found = session.scalars(select(ContractingAuthority).where(
            ContractingAuthority.fiscal_code == code.zfill(11))).first()
    return found


def route(authority: ContractingAuthority, directory: Directory) -> tuple[ObservatoryEntry, str]:
    """The Observatory that receives this authority's findings, with the reason: the digests' own
    routing (`authorities.routing`), so that `authorities show` and the e-mails never disagree."""
    from authorities.routing import route_authority

    found = route_authority(authority, directory)
    if authority.is_national:
        reason = (authority.registry_data or {}).get("national_reason")
        return found.observatory, f"{found.basis} ({reason})" if reason else found.basis
    return found.observatory, found.basis


def authority_report(session: Session, fiscal_code: str, directory: Directory) -> AuthorityReport | None:
    authority = find_authority(session, fiscal_code)
    if authority is None:
        return None
    observatory, routing = route(authority, directory)
    executions = list(session.scalars(select(ContractExecution).where(ContractExecution.authority_id == authority.id)
                                      .order_by(ContractExecution.cig, ContractExecution.source)))
    rank = {"critical": 0, "warning": 1, "info": 2}
    findings = sorted(
        ((finding, notice) for finding, notice in session.execute(
            select(Finding, Notice).join(Notice, Finding.notice_id == Notice.id)
            .where(Notice.authority_id == authority.id, Finding.is_current.is_(True), Finding.result == "violation"))),
        key=lambda pair: (rank.get(pair[0].severity, 3), -pair[0].id))
    report = AuthorityReport(authority, observatory, routing, payment_series(session, authority.id), executions,
                             findings, replaced_by=(authority.registry_data or {}).get("replaced_by"))
    if not authority.registry_data:
        report.notes.append("non presente nell'anagrafe ANAC delle stazioni appaltanti importata: dati dalle fonti")
    return report


def _num(value: Decimal | int | None, decimals: int = 2) -> str:
    if value is None:
        return "-"
    text = f"{value:,.{decimals}f}" if decimals else f"{value:,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def render(report: AuthorityReport) -> str:
    a = report.authority
    lines = [f"{a.name}", f"  codice fiscale:   {a.fiscal_code or '-'}"]
    if a.previous_fiscal_code:
        lines.append(f"  codice precedente: {a.previous_fiscal_code} (cambio di codice fiscale, storico separato)")
    if report.replaced_by:
        lines.append(f"  sostituito da:    {report.replaced_by} (codice cessato)")
    lines.append(f"  natura giuridica: {a.legal_nature or '-'}   AUSA: {a.ausa_code or '-'}")
    comune = territory.comune(a.istat_comune) if a.istat_comune else None
    province = territory.province(a.istat_province) if a.istat_province else None
    where = ", ".join(filter(None, [comune.name if comune else None, province.sigla if province else None,
                                    territory.region_name(a.istat_region) if a.istat_region else None])) or "non collocata"
    lines.append(f"  sede:             {where}   [{a.place_source or '-'}]")
    observatory = f"{report.observatory.code} {report.observatory.name}" if report.observatory else "nessuno"
    lines.append(f"  osservatorio:     {observatory} — {report.routing}")
    lines.extend(f"  nota: {note}" for note in report.notes)

    lines.append("")
    lines.append("Tempestività dei pagamenti (ITP: giorni rispetto alla scadenza; negativo = in anticipo)")
    if not report.payments:
        lines.append("  nessun dato")
    for p in report.payments:
        figure = _num(p.itp_days) if p.status == "published" else p.status.upper()
        definition = "" if p.definition == "dpcm_weighted_delay" else f"  [{p.definition}]"
        lines.append(f"  {p.period:<10} {figure:>10}  debiti scaduti {_num(p.overdue_debt):>15}  "
                     f"imprese {_num(p.creditors_overdue, 0):>5}  {p.source}{definition}")
        if p.days_to_pay is not None or p.paid_amount is not None or p.invoices_amount is not None:
            # The national payment platform's own variables (L. 145/2018 c. 869), cumulated over the year.
            lines.append(f"             fatture ricevute {_num(p.invoices_amount)}  pagate {_num(p.paid_amount)}  "
                         f"tempo medio di pagamento {_num(p.days_to_pay)} giorni (cumulati da inizio anno)")
        if p.status != "published" or p.definition != "dpcm_weighted_delay":
            lines.append(f"             {p.note or p.sign_convention}")

    lines.append("")
    lines.append("Esecuzione dei contratti (per CIG e fonte, mai fuse)")
    if not report.executions:
        lines.append("  nessun dato")
    for e in report.executions:
        lines.append(f"  {e.cig} {e.source:<10} aggiudicato {_num(e.awarded_amount):>15} il {e.awarded_on or '-'}"
                     f"  criterio {e.award_criterion or '-'}  ribasso {_num(e.discount_pct)}%  "
                     f"dal {e.start_on or '-'} al {e.end_on or '-'}")
        for event in e.events or []:
            if event.get("kind") in ("variant", "suspension", "revision"):
                lines.append(f"      {event.get('kind')} {event.get('date') or '-'} {event.get('reason') or ''}".rstrip())
        for conflict in (e.data or {}).get("conflicts") or []:
            lines.append(f"      ATTENZIONE: {conflict.get('message')}: {conflict.get('values')}")

    lines.append("")
    lines.append("Segnalazioni aperte")
    if not report.findings:
        lines.append("  nessuna")
    for finding, notice in report.findings:
        lines.append(f"  [{finding.severity}] {finding.rule_code} — {notice.title[:80]}")
        lines.append(f"      {finding.message}")
    return "\n".join(lines)


def listing(session: Session, *, unplaced: bool = False, region: str | None = None,
            national: bool = False) -> list[dict[str, Any]]:
    query = select(ContractingAuthority).order_by(ContractingAuthority.name)
    if unplaced:
        query = query.where(ContractingAuthority.istat_region.is_(None), ContractingAuthority.is_national.is_(False))
    if region:
        query = query.where(ContractingAuthority.istat_region == region.zfill(2))
    if national:
        query = query.where(ContractingAuthority.is_national.is_(True))
    return [{"fiscal_code": a.fiscal_code, "name": a.name, "region": a.istat_region, "national": a.is_national,
             "place": a.place_source, "in_registry": bool(a.registry_data)} for a in session.scalars(query)]
