"""The tariff rules (R-ACC-1..5) on the stored accreditation tariffs, with idempotent findings.

`run_tariff_rules(session)` evaluates every tariff against the rules whose subject is "tariff" and writes one
`TariffFinding` per tariff and rule, with the same idempotence as the notice engine: the fingerprint covers
the tariff, rule and version, result, severity, figures and evidence; a re-run writes nothing; a changed
verdict supersedes the old one. Each tariff sees the earlier tariffs of the same region, service type and
variant (R-ACC-3). The session is the caller's: this module never commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Tariff, TariffFinding
from rules.accreditation.context import EarlierTariff, TariffContext
from rules.base import Rule, not_verifiable
from rules.config import RulesConfig
from rules.context import to_float
from rules.engine import Evaluation, _successor_fingerprint, jsonable

log = logging.getLogger(__name__)


@dataclass
class TariffRunSummary:
    dry_run: bool
    tariffs_seen: int = 0
    violation: int = 0
    compliant: int = 0
    not_verifiable: int = 0
    findings_written: int = 0
    findings_superseded: int = 0
    findings_unchanged: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"tariffs_seen": self.tariffs_seen, "tariff_verdict_violation": self.violation,
                "tariff_verdict_compliant": self.compliant, "tariff_verdict_not_verifiable": self.not_verifiable,
                "tariff_findings_written": self.findings_written,
                "tariff_findings_superseded": self.findings_superseded,
                "tariff_findings_unchanged": self.findings_unchanged}


def evaluate_tariff(ctx: TariffContext, config: RulesConfig, rules: list[Rule] | None = None) -> list[Evaluation]:
    legal = config.legal
    out = []
    for rule in rules if rules is not None else config.instantiate(subject="tariff"):
        try:
            verdict = rule.evaluate(ctx, legal)  # type: ignore[arg-type]
        except Exception as exc:  # one broken rule must not stop the others
            log.exception("rule %s failed on tariff %s", rule.code, ctx.tariff_id)
            verdict = not_verifiable(f"errore interno della regola: {type(exc).__name__}: {exc}")
        severity = config.severities.get(rule.code) or verdict.severity or rule.effective_severity
        out.append(Evaluation(rule, verdict, True, severity))
    return out


def _num(value: Any) -> float | None:
    return to_float(value)


def context_from_row(tariff: Tariff, earlier: list[Tariff], later_exists: bool,
                     today: dt.date | None = None) -> TariffContext:
    return TariffContext(
        tariff_id=tariff.id, region=tariff.region, service_type=tariff.service_type,
        service_label=tariff.service_label, variant=tariff.variant or "", care_setting=tariff.care_setting,
        act_kind=tariff.act_kind, act_number=tariff.act_number, act_date=tariff.act_date, act_title=tariff.act_title,
        act_url=tariff.act_url, valid_from=tariff.valid_from, valid_to=tariff.valid_to, amount=_num(tariff.amount),
        unit=tariff.unit, health_share=_num(tariff.health_share), social_share=_num(tariff.social_share),
        increase_pct=_num(tariff.increase_pct), increase_since=tariff.increase_since,
        labour_share_pct=_num(tariff.labour_share_pct), staff=list(tariff.staff or []),
        hourly_costs=list(tariff.hourly_costs or []), other_costs=list(tariff.other_costs or []),
        revision_clause=tariff.revision_clause, sources=dict(tariff.sources or {}),
        earlier=[EarlierTariff(e.valid_from, _num(e.amount), _num(e.increase_pct), act_label(e),
                               str((e.sources or {}).get("amount", {}).get("status") or "unverified"),
                               _num(e.health_share), _num(e.social_share))
                 for e in earlier],
        later_exists=later_exists, today=today or dt.date.today(),
    )


def act_label(tariff: Tariff) -> str:
    text = " ".join(p for p in (tariff.act_kind, tariff.act_number) if p)
    if tariff.act_date:
        text += f" del {tariff.act_date.day}/{tariff.act_date.month}/{tariff.act_date.year}"
    return text or "atto"


def series_key(tariff: Tariff) -> tuple[str, str, str]:
    return (tariff.region, tariff.service_type, tariff.variant or "")


def contexts(session: Session, tariffs: list[Tariff], today: dt.date | None = None) -> list[TariffContext]:
    """Contexts with each tariff's earlier and later tariffs of the same series (region, service, variant)."""
    keys = {series_key(t) for t in tariffs}
    series: dict[tuple[str, str, str], list[Tariff]] = defaultdict(list)
    for row in session.scalars(select(Tariff).where(Tariff.region.in_({k[0] for k in keys}))):
        if series_key(row) in keys:
            series[series_key(row)].append(row)
    for rows in series.values():
        rows.sort(key=lambda t: (t.valid_from or dt.date.min, t.id))
    out = []
    for tariff in tariffs:
        rows = series[series_key(tariff)]
        start = tariff.valid_from or dt.date.min
        earlier = [t for t in rows if t.id != tariff.id and (t.valid_from or dt.date.min) < start]
        later = any(t.id != tariff.id and (t.valid_from or dt.date.min) > start for t in rows)
        out.append(context_from_row(tariff, earlier, later, today))
    return out


def fingerprint(tariff_id: int, rule: Rule, evaluation: Evaluation) -> str:
    verdict = evaluation.verdict
    material = json.dumps(["tariff", tariff_id, rule.code, rule.version, verdict.result, evaluation.severity,
                           jsonable(verdict.figures), jsonable(verdict.evidence)], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


def run_tariff_rules(session: Session, *, config: RulesConfig, region: str | None = None,
                     tariff_ids: list[int] | None = None, rule_codes: list[str] | None = None, dry_run: bool = False,
                     collect_rows: bool = False, today: dt.date | None = None) -> TariffRunSummary:
    """Evaluate the stored tariffs and write their findings (none with dry_run). Never commits. `config` is the
    installation's rules configuration (`observatory.app.rules_config`), whose legal data has the imported tables."""
    rules = [r for r in config.instantiate(subject="tariff") if not rule_codes or r.code in rule_codes]
    summary = TariffRunSummary(dry_run=dry_run)
    query = select(Tariff).order_by(Tariff.id)
    if region:
        query = query.where(Tariff.region == region.zfill(2))
    if tariff_ids:
        query = query.where(Tariff.id.in_(tariff_ids))
    tariffs = list(session.scalars(query))
    if not tariffs:
        return summary
    current: dict[tuple[int, str], TariffFinding] = {}
    if not dry_run:
        for finding in session.scalars(select(TariffFinding).where(TariffFinding.is_current.is_(True),
                                                                   TariffFinding.tariff_id.in_([t.id for t in tariffs]))):
            current[(finding.tariff_id, finding.rule_code)] = finding
    for tariff, ctx in zip(tariffs, contexts(session, tariffs, today), strict=True):
        summary.tariffs_seen += 1
        for evaluation in evaluate_tariff(ctx, config, rules):
            result = evaluation.verdict.result
            setattr(summary, result, getattr(summary, result) + 1)
            if collect_rows:
                summary.rows.append({"tariff_id": tariff.id, "region": tariff.region, "service_type": tariff.service_type,
                                     "variant": tariff.variant, "act": act_label(tariff), **evaluation.as_dict()})
            if not dry_run:
                _record(session, tariff.id, evaluation, current.get((tariff.id, evaluation.rule.code)), summary)
    session.flush()
    return summary


def _record(session: Session, tariff_id: int, evaluation: Evaluation, current: TariffFinding | None,
            summary: TariffRunSummary) -> None:
    rule, verdict = evaluation.rule, evaluation.verdict
    base = fingerprint(tariff_id, rule, evaluation)
    if current is not None and current.fingerprint in (base, _successor_fingerprint(base, current.supersedes_id)):
        summary.findings_unchanged += 1
        return
    fp = base
    if current is not None and session.scalar(select(TariffFinding.id).where(TariffFinding.fingerprint == fp)):
        fp = _successor_fingerprint(base, current.id)
    if current is not None:
        current.is_current = False
        summary.findings_superseded += 1
        session.flush()
    session.add(TariffFinding(
        tariff_id=tariff_id, rule_code=rule.code, rule_version=rule.version, result=verdict.result,
        severity=evaluation.severity, message=verdict.message, reason=verdict.reason,
        figures=jsonable(verdict.figures), evidence=jsonable(verdict.evidence), fingerprint=fp, is_current=True,
        supersedes_id=current.id if current else None, uses_estimate=verdict.uses_estimate,
    ))
    summary.findings_written += 1
