"""The rules engine: scope -> rules -> verdicts -> idempotent findings.

`run_rules(session, ...)` evaluates the current notices (one per tender: duplicates found by two
sources point to the first through `canonical_id`), records the scope classifier's decision on each
notice, and writes one `Finding` per notice and applicable rule. A finding's fingerprint covers the
notice, rule code and version, result, severity, figures and evidence: a re-run on the same data
writes nothing; a changed verdict writes a new finding that `supersedes_id` the old one, which stops
being current. The session is the caller's: this module never commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import (
    ContractExecution,
    ContractingAuthority,
    Finding,
    Notice,
    NoticeTerms,
    PaymentIndicator,
    Source,
)
from rules.base import Rule, Verdict, not_verifiable
from rules.config import RulesConfig
from rules.context import ExecutionRecord, NoticeContext, PaymentRecord, to_float
from rules.registry import select as select_rules
from rules.scope import SCOPE_TAGS, Scope, classify

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class RuleFilters:
    rules: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    region: str | None = None  # ISTAT region code ("03")
    authority: str | None = None  # fiscal code, or the authority id
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    source: str | None = None  # source code (spider name)
    notice_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Evaluation:
    """One rule's verdict on one notice, as the engine and the CLI report it. The evaluations of rules out
    of the notice's scope are shared between notices (see `_plan`), like their verdicts: never mutated."""

    rule: Rule
    verdict: Verdict
    applicable: bool
    severity: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.code, "result": self.verdict.result, "severity": self.severity,
            "message": self.verdict.message, "reason": self.verdict.reason, "figures": jsonable(self.verdict.figures),
            "evidence": jsonable(self.verdict.evidence), "uses_estimate": self.verdict.uses_estimate,
        }


@dataclass
class RulesRunSummary:
    """What a run did; flat numbers, so that the pipeline's run record shows every count."""

    dry_run: bool
    notices_seen: int = 0
    notices_in_scope: int = 0
    violation: int = 0
    compliant: int = 0
    not_verifiable: int = 0
    findings_written: int = 0
    findings_superseded: int = 0
    findings_unchanged: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # filled only with collect_rows=True

    @property
    def verdicts(self) -> dict[str, int]:
        return {"violation": self.violation, "compliant": self.compliant, "not_verifiable": self.not_verifiable}

    def counts(self) -> dict[str, int]:
        """For the pipeline's run record (`verdict_<result>` keys, as the ops stage reads them)."""
        return {
            "notices_seen": self.notices_seen, "notices_in_scope": self.notices_in_scope,
            **{f"verdict_{k}": v for k, v in self.verdicts.items()},
            "findings_written": self.findings_written, "findings_superseded": self.findings_superseded,
            "findings_unchanged": self.findings_unchanged,
        }


def jsonable(value: Any) -> Any:
    """Plain JSON types only (dates as ISO strings, Decimals as floats), so stored == computed."""
    return json.loads(json.dumps(value, default=_default, sort_keys=True))


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def fingerprint(notice_id: int, rule: Rule, verdict: Verdict, severity: str) -> str:
    material = json.dumps(
        [notice_id, rule.code, rule.version, verdict.result, severity, jsonable(verdict.figures),
         jsonable(verdict.evidence)], sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _successor_fingerprint(base: str, superseded_id: int | None) -> str:
    """When a verdict returns to an earlier one (A -> B -> A), the new row needs its own fingerprint."""
    return hashlib.sha256(f"{base}:after:{superseded_id or 0}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------------
# Evaluation of one notice (shared by run_rules, `rules check` and the benchmark)
# --------------------------------------------------------------------------------------------------
def evaluate(ctx: NoticeContext, config: RulesConfig, rules: list[Rule] | None = None) -> list[Evaluation]:
    legal = config.legal
    scope: Scope = ctx.scope or classify(ctx, legal)
    ctx.scope = scope
    plan = _plan(rules if rules is not None else config.instantiate(), scope, config.severities)
    results = list(plan.template)  # the shared out-of-scope evaluations, None where a rule applies
    for index, rule, configured in plan.applicable:
        try:
            verdict = rule.evaluate(ctx, legal)
        except Exception as exc:  # one broken rule must not stop the others; the verdict says why
            log.exception("rule %s failed on notice %s", rule.code, ctx.notice_id)
            verdict = not_verifiable(f"errore interno della regola: {type(exc).__name__}: {exc}")
        # The configured severity wins over the verdict's (severity bands), which wins over the rule's.
        severity = configured or verdict.severity or rule.effective_severity
        results[index] = Evaluation(rule, verdict, True, severity)
    return results  # type: ignore[return-value]  # every None was replaced


@dataclass(slots=True)
class _Plan:
    """The rules' evaluations for one combination of scope tags and configured severities: `template` has the
    out-of-scope evaluations, shared between notices, and None for each rule in `applicable` (its position,
    the rule, its configured severity)."""

    template: list[Evaluation | None]
    applicable: list[tuple[int, Rule, str | None]]


def _plan(rules: list[Rule], scope: Scope, severities: dict[str, str]) -> _Plan:
    """The plan depends only on the rules, the configured severities and the notice's tags (a handful of
    combinations), so it is worked out once per combination."""
    known = _PLANS.get(id(rules))
    if known is None or known[0] != rules:  # a new list of rules, or one changed since: plan again
        if len(_PLANS) > 64:  # a long-lived process that instantiates the rules on every call
            _PLANS.clear()
        # The copy keeps the rules alive, so that a later list with the same id is recognised as another.
        known = _PLANS[id(rules)] = (list(rules), {})
    key = (scope.tags, tuple(severities.items()))
    plan = known[1].get(key)
    if plan is None:
        in_scope, tags = scope.in_scope, scope.tags
        out_of_scope = _OUT_OF_SCOPE.setdefault(tags, {})
        plan = known[1][key] = _Plan([], [])
        for index, rule in enumerate(rules):
            configured = severities.get(rule.code)
            if in_scope and not rule.scope_tags.isdisjoint(tags):
                plan.template.append(None)
                plan.applicable.append((index, rule, configured))
                continue
            verdict = out_of_scope.get(rule.code)
            if verdict is None:
                verdict = out_of_scope[rule.code] = not_verifiable(_out_of_scope_reason(rule, tags))
            severity = configured or verdict.severity or rule.effective_severity
            plan.template.append(Evaluation(rule, verdict, False, severity))
    return plan


TAG_LABELS = {"social": "servizi sociali", "labour_intensive": "servizi ad alta intensità di manodopera",
              "labour_share_presumed": "intensità di manodopera presunta", "cas": "accoglienza CAS",
              "care_catering": "ristorazione ospedaliera, assistenziale o scolastica",
              "post_award": "contratti aggiudicati con dati di esecuzione", "direct_award": "affidamento diretto",
              "direct_award_below_threshold": "affidamento diretto sotto soglia",
              "preliminary": "avvisi preliminari"}
# Out-of-scope verdicts depend only on the rule and the notice's tags (a handful of combinations), so they
# are built once and shared: verdicts are never mutated.
_OUT_OF_SCOPE: dict[frozenset[str], dict[str, Verdict]] = {}
# id(rules) -> (a copy of the rules, {(tags, configured severities): plan})
_PLANS: dict[int, tuple[list[Rule], dict[tuple[Any, ...], _Plan]]] = {}


def _out_of_scope_reason(rule: Rule, tags: frozenset[str]) -> str:
    wanted = " o ".join(TAG_LABELS.get(t, t) for t in rule.applies_to)
    if tags.isdisjoint(SCOPE_TAGS):
        return (f"regola fuori ambito: riguarda {wanted}, e la gara non è né un servizio sociale, né ad alta "
                "intensità di manodopera, né un CAS, né ristorazione ospedaliera, assistenziale o scolastica")
    have = ", ".join(TAG_LABELS.get(t, t) for t in sorted(tags))
    return f"regola fuori ambito: riguarda {wanted}; la gara rientra in: {have}"


# --------------------------------------------------------------------------------------------------
# Database side
# --------------------------------------------------------------------------------------------------
def _notice_query(filters: RuleFilters) -> Any:
    query = (
        select(Notice)
        # One evaluation per tender: the current version, not the copy found by a second source
        # (canonical_id) nor a rettifica (corrects_id), which `rules explain` shows in the lifecycle.
        .where(Notice.is_current.is_(True), Notice.canonical_id.is_(None), Notice.corrects_id.is_(None))
        .options(selectinload(Notice.lots), selectinload(Notice.documents), selectinload(Notice.authority))
        .order_by(Notice.id)
    )
    if filters.notice_ids:
        query = query.where(Notice.id.in_(filters.notice_ids))
    if filters.date_from:
        query = query.where(Notice.published_on >= filters.date_from)
    if filters.date_to:
        query = query.where(Notice.published_on <= filters.date_to)
    if filters.source:
        query = query.join(Source, Source.id == Notice.source_id).where(Source.code == filters.source)
    if filters.authority or filters.region:
        query = query.outerjoin(ContractingAuthority, ContractingAuthority.id == Notice.authority_id)
    if filters.authority:
        if filters.authority.isdigit() and len(filters.authority) < 11:
            query = query.where(Notice.authority_id == int(filters.authority))
        else:
            query = query.where(ContractingAuthority.fiscal_code == filters.authority)
    if filters.region:
        region = filters.region.zfill(2)
        query = query.where(
            (ContractingAuthority.istat_region == region)
            | (ContractingAuthority.istat_region.is_(None) & (Notice.place_istat_region == region))
        )
    return query


def _unread(notice: Notice) -> list[dict[str, Any]]:
    unread = []
    for doc in notice.documents:
        if doc.retrieval_status != "retrieved":
            why = f"non recuperato ({doc.retrieval_reason})" if doc.retrieval_reason else f"non recuperato ({doc.retrieval_status})"
        elif doc.extraction_status != "extracted":
            why = f"non letto ({doc.extraction_reason or doc.extraction_status})"
        else:
            continue
        unread.append({"document_id": doc.id, "url": doc.url, "why": why})
    return unread


def build_context(notice: Notice, terms: NoticeTerms | None, executions: list[ContractExecution],
                  payments: list[PaymentIndicator]) -> NoticeContext:
    authority = notice.authority
    documents_total = terms.documents_total if terms else len(notice.documents)
    return NoticeContext(
        notice_id=notice.id,
        title=notice.title or "",
        description=notice.description,
        published_on=notice.published_on,
        cpv=notice.cpv,
        procedure=notice.procedure,
        award_criterion=notice.award_criterion,
        amount=to_float(notice.amount),
        region=(authority.istat_region if authority else None) or notice.place_istat_region,
        authority_name=authority.name if authority else None,
        authority_fiscal_code=authority.fiscal_code if authority else None,
        authority_legal_nature=authority.legal_nature if authority else None,
        all_documents_read=bool(terms and terms.all_documents_read),
        documents_total=documents_total,
        documents_read=terms.documents_read if terms else 0,
        unread=_unread(notice),
        read_documents=[{"document_id": d.id, "url": d.url} for d in notice.documents
                        if d.retrieval_status == "retrieved" and d.extraction_status == "extracted"],
        fields=dict(terms.fields or {}) if terms else {},
        lots=[{"cig": lot.cig, "cpv": lot.cpv, "amount": to_float(lot.amount), "title": lot.title,
               "award_criterion": lot.award_criterion} for lot in notice.lots],
        executions=[
            ExecutionRecord(cig=e.cig, source=e.source, award_criterion=e.award_criterion,
                            discount_pct=to_float(e.discount_pct), awarded_amount=to_float(e.awarded_amount),
                            offers_count=e.offers_count, awarded_on=e.awarded_on, start_on=e.start_on,
                            end_on=e.end_on, events=list(e.events or []))
            for e in executions
        ],
        payments=[
            PaymentRecord(period=p.period, itp_days=to_float(p.itp_days), overdue_debt=to_float(p.overdue_debt),
                          creditors_overdue=p.creditors_overdue, sign_convention=p.sign_convention, source=p.source,
                          source_url=p.source_url, note=p.note)
            for p in payments
        ],
        document_urls={d.id: d.url for d in notice.documents},
    )


def contexts_for(session: Session, notices: list[Notice]) -> list[NoticeContext]:
    """Contexts for a chunk of notices, with their terms, executions and payments fetched in bulk."""
    ids = [n.id for n in notices]
    terms = {t.notice_id: t for t in session.scalars(select(NoticeTerms).where(NoticeTerms.notice_id.in_(ids)))}
    cigs = {c for n in notices for c in [n.cig, *(lot.cig for lot in n.lots)] if c}
    executions: dict[str, list[ContractExecution]] = {}
    if cigs:
        for e in session.scalars(select(ContractExecution).where(ContractExecution.cig.in_(cigs))):
            executions.setdefault(e.cig, []).append(e)
    authority_ids = {n.authority_id for n in notices if n.authority_id}
    payments: dict[int, list[PaymentIndicator]] = {}
    if authority_ids:
        for p in session.scalars(select(PaymentIndicator).where(PaymentIndicator.authority_id.in_(authority_ids))):
            payments.setdefault(p.authority_id, []).append(p)
    contexts = []
    for n in notices:
        notice_cigs = dict.fromkeys(c for c in [n.cig, *(lot.cig for lot in n.lots)] if c)
        contexts.append(build_context(
            n, terms.get(n.id), [e for c in notice_cigs for e in executions.get(c, [])],
            payments.get(n.authority_id, []) if n.authority_id else [],
        ))
    return contexts


def run_rules(session: Session, *, config: RulesConfig, filters: RuleFilters | None = None,
              dry_run: bool = False, collect_rows: bool = False) -> RulesRunSummary:
    """Evaluate the current in-scope notices and write findings (none with dry_run). Never commits.

    `config` is the installation's rules configuration (the application builds it from its settings:
    `observatory.app.rules_config`)."""
    filters = filters or RuleFilters()
    # Tariff rules (R-ACC) judge tariffs, not notices: rules.tariff_engine runs them.
    rules = config.instantiate([r for r in select_rules(filters.rules or None, filters.families or None)
                                if r.subject == "notice"])
    summary = RulesRunSummary(dry_run=dry_run)
    last_id = 0
    while True:
        chunk = list(session.scalars(_notice_query(filters).where(Notice.id > last_id).limit(CHUNK)).unique())
        if not chunk:
            break
        last_id = chunk[-1].id
        current = {}
        if not dry_run:
            for finding in session.scalars(select(Finding).where(
                    Finding.notice_id.in_([n.id for n in chunk]), Finding.is_current.is_(True))):
                current[(finding.notice_id, finding.rule_code)] = finding
        for notice, ctx in zip(chunk, contexts_for(session, chunk), strict=True):
            summary.notices_seen += 1
            scope = classify(ctx, config.legal)
            ctx.scope = scope
            if not dry_run and (notice.in_scope != scope.in_scope or notice.scope_reason != scope.describe()):
                notice.in_scope, notice.scope_reason = scope.in_scope, scope.describe()
            if not scope.in_scope:
                continue
            summary.notices_in_scope += 1
            for evaluation in evaluate(ctx, config, rules):
                if not evaluation.applicable:
                    continue
                result = evaluation.verdict.result
                setattr(summary, result, getattr(summary, result) + 1)
                if collect_rows:
                    summary.rows.append(_row(notice, evaluation))
                if not dry_run:
                    _record(session, notice.id, evaluation, current.get((notice.id, evaluation.rule.code)), summary)
        session.flush()
    return summary


def _row(notice: Notice, evaluation: Evaluation) -> dict[str, Any]:
    authority = notice.authority
    return {
        "notice_id": notice.id, "published_on": notice.published_on.isoformat() if notice.published_on else None,
        "cig": notice.cig, "title": notice.title, "authority": authority.name if authority else None,
        "region": (authority.istat_region if authority else None) or notice.place_istat_region,
        **evaluation.as_dict(),
    }


def _record(session: Session, notice_id: int, evaluation: Evaluation, current: Finding | None,
            summary: RulesRunSummary) -> None:
    rule, verdict = evaluation.rule, evaluation.verdict
    base = fingerprint(notice_id, rule, verdict, evaluation.severity)
    if current is not None and current.fingerprint in (base, _successor_fingerprint(base, current.supersedes_id)):
        summary.findings_unchanged += 1
        return
    fp = base
    # An older, superseded finding may carry this fingerprint (A -> B -> A). Superseded findings always
    # have a current successor for the same notice and rule, so without a current one there is none.
    if current is not None and session.scalar(select(Finding.id).where(Finding.fingerprint == fp)) is not None:
        fp = _successor_fingerprint(base, current.id)
    if current is not None:
        current.is_current = False
        summary.findings_superseded += 1
        session.flush()
    session.add(Finding(
        notice_id=notice_id, rule_code=rule.code, rule_version=rule.version, result=verdict.result,
        severity=evaluation.severity, message=verdict.message, reason=verdict.reason,
        figures=jsonable(verdict.figures), evidence=jsonable(verdict.evidence), fingerprint=fp, is_current=True,
        supersedes_id=current.id if current else None, uses_estimate=verdict.uses_estimate,
    ))
    summary.findings_written += 1
