"""The "Accreditamento" section of a Regional Observatory's digest: new verdicts of the R-ACC rules on the
tariffs of its region, each tariff with its act, its figures (and their sources' status) and its build-up
(minutes × hourly cost + other costs = floor, against the tariff).

Self-contained: `plan_tariff_findings` says which verdicts are new for which Observatory, `section_context`
builds the section's context, `attach` records them on the delivery that carries them (each verdict reaches an
Observatory once, like the notice findings). Mailed: violations, and not-verifiable verdicts that carry
figures (an estimated gap, an update shown against the renewal's +15,18 %); a rule that does not apply to a
tariff is not mailed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from alerts.formatting import it_money, it_number
from alerts.rulebook import describe_rule
from db.models import AlertDelivery, AlertDeliveryTariffFinding, Tariff, TariffFinding
from rules.accreditation.buildup import UNIT_LABELS, describe_figures
from rules.accreditation.data import load as accreditation_data
from rules.tariff_engine import act_label

MAILED_RESULTS = ("violation", "not_verifiable")
SHORT_STATUS = {"verified": "letto nell'atto", "secondary": "fonte secondaria", "unverified": "non verificato",
                "estimated": "stima"}
# The figures a reader needs next to the message (the rest stays in the finding, for `rules explain --tariff`).
MONEY = {"tariff": "Tariffa complessiva", "floor_staff_cost": "Soglia minima del personale (livello A1)",
         "full_cost": "Costo ai livelli indicati", "gap_floor": "Differenza sulla soglia minima",
         "health_share": "Quota sanitaria", "total": "Tariffa complessiva"}
PERCENT = {"increase_pct": "Aumento dopo il rinnovo", "benchmark_pct": "Riferimento (aumento del costo del lavoro)",
           "share_pct": "Quota sanitaria sulla tariffa"}


def plan_tariff_findings(session: Session, observatory_ids: dict[str, int], region_codes: dict[str, str]
                         ) -> dict[str, list[TariffFinding]]:
    """{observatory code: new tariff verdicts of its region}; `region_codes` maps ISTAT region -> Observatory."""
    delivered = exists().where(AlertDeliveryTariffFinding.tariff_finding_id == TariffFinding.id)
    findings = session.scalars(
        select(TariffFinding).join(Tariff)
        .where(TariffFinding.is_current.is_(True), TariffFinding.result.in_(MAILED_RESULTS), ~delivered)
        .options(joinedload(TariffFinding.tariff)).order_by(TariffFinding.id)
    ).all()
    plans: dict[str, list[TariffFinding]] = {}
    for finding in findings:
        if finding.result == "not_verifiable" and not finding.figures:
            continue
        code = region_codes.get(finding.tariff.region)
        if code is not None and code in observatory_ids:
            plans.setdefault(code, []).append(finding)
    return plans


def _money(value: Any) -> float | None:
    return None if value is None else float(value)


def _figures(figures: dict[str, Any]) -> list[tuple[str, str]]:
    out = [(label, it_money(figures[key])) for key, label in MONEY.items() if isinstance(figures.get(key), int | float)]
    out += [(label, f"{it_number(figures[key], 2)} %") for key, label in PERCENT.items()
            if isinstance(figures.get(key), int | float)]
    for row in figures.get("rows") or []:  # R-ACC-2: each assumed hourly cost against the table
        if row.get("gap_pct") is not None:
            estimate = "" if row.get("table_status") == "verified" else " (stima)"
            out.append((f"Costo orario {row.get('level')}", f"{it_money(row['hourly_cost'])}/h contro "
                        f"{it_money(row['table_hourly_cost'])}/h{estimate}: {it_number(row['gap_pct'], 1)} %"))
    return out


def _tariff_view(tariff: Tariff) -> dict[str, Any]:
    figures = []
    for name, label in (("amount", "Tariffa"), ("health_share", "Quota sanitaria"), ("social_share", "Quota sociale")):
        value = getattr(tariff, name)
        if value is not None:
            status = (tariff.sources or {}).get(name, {}).get("status", "unverified")
            figures.append({"label": label, "amount": float(value), "status": SHORT_STATUS.get(status, status)})
    if tariff.increase_pct is not None:
        status = (tariff.sources or {}).get("increase_pct", {}).get("status", "unverified")
        figures.append({"label": "Aumento dichiarato", "pct": float(tariff.increase_pct),
                        "status": SHORT_STATUS.get(status, status)})
    return {
        "id": tariff.id, "service_type": tariff.service_type,
        "service_label": tariff.service_label or tariff.service_type.upper().replace("_", " "),
        "variant": tariff.variant, "act": act_label(tariff), "act_title": tariff.act_title, "act_url": tariff.act_url,
        "valid_from": tariff.valid_from, "unit": UNIT_LABELS.get(tariff.unit, tariff.unit), "figures": figures,
    }


def _build_up(findings: list[TariffFinding], tariff: Tariff) -> list[str]:
    """The build-up R-ACC-1 computed (its figures), for every tariff with a staff standard."""
    for finding in findings:
        if finding.rule_code == "R-ACC-1" and finding.tariff_id == tariff.id:
            return describe_figures(finding.figures or {}, tariff.unit)
    return []


def section_context(session: Session, findings: list[TariffFinding]) -> dict[str, Any]:
    current = list(session.scalars(select(TariffFinding).where(
        TariffFinding.is_current.is_(True), TariffFinding.rule_code == "R-ACC-1",
        TariffFinding.tariff_id.in_({f.tariff_id for f in findings}))))
    blocks: dict[int, dict[str, Any]] = {}
    for finding in findings:
        block = blocks.get(finding.tariff_id)
        if block is None:
            block = blocks[finding.tariff_id] = {"tariff": _tariff_view(finding.tariff),
                                                 "build_up": _build_up(current, finding.tariff), "findings": []}
        rule = describe_rule(finding.rule_code, finding.figures)
        block["findings"].append({
            "rule_code": finding.rule_code, "rule_name": rule.name, "legal_basis": rule.legal_basis,
            "result": finding.result, "severity": finding.severity, "message": " ".join(finding.message.split()),
            "figures": _figures(finding.figures or {}),
            "tags": list((finding.figures or {}).get("tags") or []), "uses_estimate": finding.uses_estimate,
            "updated": finding.supersedes_id is not None,
        })
    ordered = sorted(blocks.values(), key=lambda b: (b["tariff"]["service_type"], b["tariff"]["variant"] or ""))
    return {
        "blocks": ordered,
        "violations": sum(1 for f in findings if f.result == "violation"),
        "tariffs": len(ordered),
        "benchmark_pct": accreditation_data().renewal_increase_pct,
    }


def empty_section() -> dict[str, Any]:
    return {"blocks": [], "violations": 0, "tariffs": 0, "benchmark_pct": accreditation_data().renewal_increase_pct}


def attach(session: Session, message_id: str, observatory_id: int, findings: list[TariffFinding]) -> None:
    """Record the tariff verdicts on the queued delivery (same transaction as the message)."""
    if not findings:
        return
    delivery_id = session.scalar(select(AlertDelivery.id).where(AlertDelivery.message_id == message_id))
    session.add_all(AlertDeliveryTariffFinding(delivery_id=delivery_id, tariff_finding_id=f.id,
                                               observatory_id=observatory_id) for f in findings)
    session.flush()

