"""The report's figures, read from the database for one period (and optionally one region).

Every figure says what it shows, how it was computed and on which data (`method`), so that a union and a
cooperative federation reading the same report read the same thing. The provenance of the whole report
(period, region, sources and their last good crawl, extractor and rules versions) is in `Provenance`.

Notices counted: the current version of each tender (not the copy a second source found, not a rettifica),
in scope, published in the period; region = the contracting authority's, else the place the notice gives.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    ContractingAuthority,
    Finding,
    Notice,
    NoticeTerms,
    PaymentIndicator,
    Source,
    Tariff,
    TariffFinding,
)
from reports.period import Period
from reports.regions import region_label

GROUPS_FILE = Path(__file__).resolve().parent / "data" / "service_groups.yaml"
GAP_BINS = (-40, -30, -20, -15, -10, -5, -2, 0, 2, 5, 10, 20, 40)


@dataclass
class Figure:
    key: str
    title: str
    method: str
    columns: list[tuple[str, str]]  # (row key, Italian header)
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, Any] | None = None  # {"kind": "bar"|"hbar"|"grouped", "x": key, "y": [keys], "labels": [...]}
    note: str | None = None
    summary: str | None = None


@dataclass
class Provenance:
    period: Period
    region: str | None
    generated_at: dt.datetime
    extractor_version: str
    rules: dict[str, str]
    sources: list[dict[str, Any]]
    notices: int
    code_version: str


@dataclass
class ReportData:
    provenance: Provenance
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@lru_cache(maxsize=1)
def _groups() -> list[tuple[str, str]]:
    raw = yaml.safe_load(GROUPS_FILE.read_text(encoding="utf-8"))
    return sorted(((str(g["prefix"]), g["label"]) for g in raw["groups"]), key=lambda g: -len(g[0]))


def service_group(cpv: str | None) -> str:
    code = (cpv or "").replace("-", "")
    for prefix, label in _groups():
        if code.startswith(prefix):
            return label
    return "CPV non indicato" if not code else "Altri servizi"


def _notice_region(notice: Notice, authority: ContractingAuthority | None) -> str | None:
    return (authority.istat_region if authority is not None else None) or notice.place_istat_region


def notices_in(session: Session, period: Period, region: str | None) -> list[tuple[Notice, str | None]]:
    rows = session.execute(
        select(Notice, ContractingAuthority)
        .outerjoin(ContractingAuthority, ContractingAuthority.id == Notice.authority_id)
        .where(Notice.is_current.is_(True), Notice.canonical_id.is_(None), Notice.corrects_id.is_(None),
               Notice.in_scope.is_(True), Notice.published_on >= period.start, Notice.published_on <= period.end)
        .order_by(Notice.id)
    ).all()
    out = [(notice, _notice_region(notice, authority)) for notice, authority in rows]
    return [(n, r) for n, r in out if region is None or r == region]


def calls_by_region_and_service(pairs: list[tuple[Notice, str | None]]) -> Figure:
    counts: Counter[tuple[str, str]] = Counter((region_label(r), service_group(n.cpv)) for n, r in pairs)
    by_region: Counter[str] = Counter(region_label(r) for _, r in pairs)
    rows = [{"region": region, "service": service, "calls": count}
            for (region, service), count in sorted(counts.items(), key=lambda i: (-by_region[i[0][0]], i[0][0], -i[1]))]
    return Figure(
        "calls", "Gare monitorate per regione e tipo di servizio",
        "Bandi e avvisi in ambito (servizi sociali, socio-sanitari ed educativi, accoglienza) pubblicati nel periodo, "
        "una riga per gara (versione corrente; esclusi i duplicati trovati da una seconda fonte e le rettifiche). "
        "Regione: quella dell'ente, altrimenti il luogo indicato dal bando. Tipo di servizio dal codice CPV principale.",
        [("region", "Regione"), ("service", "Tipo di servizio"), ("calls", "Gare")], rows,
        {"kind": "hbar", "data": sorted(by_region.items(), key=lambda i: i[1]), "xlabel": "Gare"},
        summary=f"{len(pairs)} gare in ambito nel periodo, in {len(by_region)} regioni.")


def _violations(session: Session, period: Period, region: str | None) -> Counter[tuple[str, str]]:
    rows = session.execute(
        select(Finding.rule_code, Notice, ContractingAuthority)
        .join(Notice, Notice.id == Finding.notice_id)
        .outerjoin(ContractingAuthority, ContractingAuthority.id == Notice.authority_id)
        .where(Finding.is_current.is_(True), Finding.result == "violation",
               Notice.published_on >= period.start, Notice.published_on <= period.end)
    ).all()
    counts: Counter[tuple[str, str]] = Counter()
    for code, notice, authority in rows:
        place = _notice_region(notice, authority)
        if region is None or place == region:
            counts[(code, region_label(place))] += 1
    return counts


def violations_by_rule_and_region(session: Session, period: Period, region: str | None, titles: dict[str, str]) -> Figure:
    now, before = _violations(session, period, region), _violations(session, period.previous(), region)
    keys = sorted(set(now) | set(before), key=lambda k: (k[0], k[1]))
    rows = [{"rule": code, "rule_title": titles.get(code, code), "region": place, "count": now.get((code, place), 0),
             "previous": before.get((code, place), 0), "change": now.get((code, place), 0) - before.get((code, place), 0)}
            for code, place in keys]
    by_rule_now: Counter[str] = Counter()
    by_rule_before: Counter[str] = Counter()
    for (code, _), count in now.items():
        by_rule_now[code] += count
    for (code, _), count in before.items():
        by_rule_before[code] += count
    rules = sorted(set(by_rule_now) | set(by_rule_before))
    return Figure(
        "violations", "Violazioni per regola e regione, con l'andamento sul periodo precedente",
        f"Verdetti correnti «violazione» delle regole sulle gare pubblicate nel periodo, contati per regola e regione, "
        f"accanto agli stessi conteggi per il periodo precedente ({period.previous().label}). Un verdetto corrente è "
        "l'ultimo dato dalla regola sulla gara: una gara corretta da una rettifica non conta più.",
        [("rule", "Regola"), ("rule_title", "Descrizione"), ("region", "Regione"), ("count", "Violazioni"),
         ("previous", "Periodo precedente"), ("change", "Variazione")], rows,
        {"kind": "grouped", "categories": rules, "series": [(period.previous().label, [by_rule_before[r] for r in rules]),
                                                            (period.label, [by_rule_now[r] for r in rules])],
         "ylabel": "Violazioni"},
        summary=f"{sum(now.values())} violazioni nel periodo ({sum(before.values())} nel precedente).")


def labour_gap_distribution(session: Session, period: Period, region: str | None) -> Figure:
    rows = session.execute(
        select(Finding.figures, Finding.uses_estimate, Notice, ContractingAuthority)
        .join(Notice, Notice.id == Finding.notice_id)
        .outerjoin(ContractingAuthority, ContractingAuthority.id == Notice.authority_id)
        .where(Finding.is_current.is_(True), Finding.rule_code == "R-BASE-2",
               Finding.result.in_(("violation", "compliant")),
               Notice.published_on >= period.start, Notice.published_on <= period.end)
    ).all()
    gaps, estimated = [], 0
    for figures, uses_estimate, notice, authority in rows:
        if region is not None and _notice_region(notice, authority) != region:
            continue
        gap = (figures or {}).get("gap_pct")
        if isinstance(gap, int | float):
            gaps.append(float(gap))
            estimated += bool(uses_estimate)
    edges = list(GAP_BINS)
    bins = [{"bin": f"da {lo:+d} a {hi:+d} %", "low": lo, "high": hi,
             "count": sum(1 for g in gaps if lo <= g < hi)} for lo, hi in zip(edges, edges[1:], strict=False)]
    outside = [g for g in gaps if g < edges[0] or g >= edges[-1]]
    median = statistics.median(gaps) if gaps else None
    summary = (f"{len(gaps)} gare con il costo della manodopera confrontabile; scarto mediano "
               f"{median:+.1f} %." if gaps else "Nessuna gara con il costo della manodopera confrontabile nel periodo.")
    return Figure(
        "labour_gap", "Distribuzione dello scarto tra costo della manodopera e tabelle ministeriali",
        "Per ogni gara su cui la regola R-BASE-2 ha potuto fare il confronto: (costo orario implicito nel bando − costo "
        "orario delle tabelle del Ministero del Lavoro per i livelli richiesti, alla data di pubblicazione) / costo di "
        f"tabella. Valori negativi = sotto le tabelle. {estimated} dei {len(gaps)} confronti usano valori di tabella "
        "stimati (solo A1, F2 e D2 di gennaio 2026 sono verificati finché l'allegato ufficiale del DD 30/2024 non è "
        "importato).", [("bin", "Scarto"), ("count", "Gare")], bins,
        {"kind": "bar", "data": [(b["bin"], b["count"]) for b in bins], "ylabel": "Gare"},
        note=f"{len(outside)} valori fuori dall'intervallo del grafico." if outside else None, summary=summary)


def lowest_price_share(session: Session, pairs: list[tuple[Notice, str | None]]) -> Figure:
    terms = {t.notice_id: t for t in session.scalars(
        select(NoticeTerms).where(NoticeTerms.notice_id.in_([n.id for n, _ in pairs])))} if pairs else {}
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for notice, place in pairs:
        field_value = ((terms[notice.id].fields or {}).get("award_criterion") or {}) if notice.id in terms else {}
        criterion = (field_value.get("value") if isinstance(field_value, dict) else None) or notice.award_criterion
        by_region[region_label(place)][criterion if criterion in ("lowest_price", "oepv") else "unknown"] += 1
    rows = []
    for place, counts in sorted(by_region.items()):
        known = counts["lowest_price"] + counts["oepv"]
        rows.append({"region": place, "lowest_price": counts["lowest_price"], "oepv": counts["oepv"],
                     "unknown": counts["unknown"], "share": round(counts["lowest_price"] / known * 100, 1) if known else None})
    total_lp = sum(r["lowest_price"] for r in rows)
    total_known = total_lp + sum(r["oepv"] for r in rows)
    return Figure(
        "lowest_price", "Quota di aggiudicazioni al prezzo più basso nei servizi sociali",
        "Gare in ambito del periodo con il criterio di aggiudicazione letto nei documenti (disciplinare) o, in mancanza, "
        "dato dalla fonte. Quota = prezzo più basso / (prezzo più basso + offerta economicamente più vantaggiosa); le "
        "gare con criterio non noto sono contate a parte. Per i servizi sociali l'art. 108 c. 2 D.Lgs. 36/2023 esclude "
        "il solo prezzo.",
        [("region", "Regione"), ("lowest_price", "Prezzo più basso"), ("oepv", "OEPV"), ("unknown", "Criterio non noto"),
         ("share", "Quota prezzo più basso (%)")], rows,
        {"kind": "hbar", "data": [(r["region"], r["share"] or 0) for r in rows if r["share"] is not None],
         "xlabel": "% al prezzo più basso"},
        summary=(f"{total_lp} gare su {total_known} con criterio noto al prezzo più basso "
                 f"({total_lp / total_known * 100:.1f} %)." if total_known else "Nessun criterio noto nel periodo."))


def payment_timeliness(session: Session, period: Period, region: str | None, limit: int = 15) -> Figure:
    year = str(period.end.year)
    rows = session.execute(
        select(PaymentIndicator, ContractingAuthority)
        .join(ContractingAuthority, ContractingAuthority.id == PaymentIndicator.authority_id)
        .where(PaymentIndicator.itp_days.is_not(None), PaymentIndicator.status == "published",
               PaymentIndicator.period.like(f"{year}%"))
    ).all()
    latest: dict[int, tuple[PaymentIndicator, ContractingAuthority]] = {}
    for indicator, authority in rows:
        if region is not None and authority.istat_region != region:
            continue
        known = latest.get(authority.id)
        if known is None or indicator.period > known[0].period:
            latest[authority.id] = (indicator, authority)
    worst = sorted(latest.values(), key=lambda p: -float(p[0].itp_days or 0))[:limit]
    out = [{"authority": a.name, "region": region_label(a.istat_region), "period": i.period,
            "itp_days": float(i.itp_days or 0), "source": i.source} for i, a in worst]
    return Figure(
        "payments", "Enti con i peggiori tempi di pagamento",
        f"Indicatore di tempestività dei pagamenti (DPCM 22/9/2014: giorni di ritardo medi ponderati sugli importi; "
        f"negativo = pagamento in anticipo), l'ultimo periodo pubblicato nel {year} da ciascun ente (pagine "
        "«Amministrazione trasparente» e piattaforma PCC). I {limit} valori più alti.",
        [("authority", "Ente"), ("region", "Regione"), ("period", "Periodo"), ("itp_days", "Giorni di ritardo"),
         ("source", "Fonte")], out,
        {"kind": "hbar", "data": [(r["authority"][:40], r["itp_days"]) for r in reversed(out)], "xlabel": "Giorni"},
        summary=f"{len(latest)} enti con l'indicatore pubblicato nel {year}.")


def tariff_updates(session: Session, period: Period, region: str | None, benchmark: float) -> Figure:
    query = (select(TariffFinding, Tariff).join(Tariff, Tariff.id == TariffFinding.tariff_id)
             .where(TariffFinding.is_current.is_(True), TariffFinding.rule_code == "R-ACC-3"))
    rows = []
    for finding, tariff in session.execute(query).all():
        if (region is not None and tariff.region != region) or (tariff.valid_from and tariff.valid_from > period.end):
            continue
        figures = finding.figures or {}
        if "increase_pct" not in figures:
            continue
        rows.append({"region": region_label(tariff.region), "service": tariff.service_type, "variant": tariff.variant,
                     "valid_from": tariff.valid_from.isoformat() if tariff.valid_from else "",
                     "increase_pct": figures["increase_pct"], "benchmark_pct": figures.get("benchmark_pct", benchmark),
                     "result": "coerente" if finding.result == "compliant" else
                     ("nessun aggiornamento" if "no_ccnl_update" in (figures.get("tags") or []) else "sotto il riferimento")})
    rows.sort(key=lambda r: (r["region"], r["service"], r["variant"]))
    return Figure(
        "tariffs", "Aggiornamenti delle tariffe dell'accreditamento dopo il rinnovo del CCNL",
        f"Per ogni tariffa registrata (atti regionali letti dai bollettini e tariffe importate, ciascuna con la fonte di "
        f"ogni importo) l'aumento dopo il rinnovo (1/2/2024) calcolato dalla regola R-ACC-3: tariffa / ultima tariffa "
        f"dello stesso servizio prima del rinnovo, oppure gli aumenti percentuali dichiarati dagli atti. Riferimento: "
        f"+{benchmark:.2f} % del costo del lavoro 2023-2025 (tabelle ministeriali), per la quota del lavoro quando l'atto "
        "la indica. Un aumento inferiore non è di per sé una violazione.",
        [("region", "Regione"), ("service", "Servizio"), ("variant", "Variante"), ("valid_from", "In vigore dal"),
         ("increase_pct", "Aumento (%)"), ("benchmark_pct", "Riferimento (%)"), ("result", "Esito")], rows,
        {"kind": "hbar", "data": [(f"{r['region']} {r['service']} {r['variant']}"[:45], r["increase_pct"]) for r in rows],
         "xlabel": "% di aumento", "reference": benchmark},
        summary=f"{len(rows)} tariffe confrontate con il +{benchmark:.2f} %.")


def unverifiable(session: Session, period: Period, region: str | None, limit: int = 20) -> Figure:
    rows = session.execute(
        select(Finding.reason, Finding.rule_code, Notice, ContractingAuthority)
        .join(Notice, Notice.id == Finding.notice_id)
        .outerjoin(ContractingAuthority, ContractingAuthority.id == Notice.authority_id)
        .where(Finding.is_current.is_(True), Finding.result == "not_verifiable",
               Notice.published_on >= period.start, Notice.published_on <= period.end)
    ).all()
    reasons: Counter[str] = Counter()
    rules: dict[str, set[str]] = defaultdict(set)
    for reason, code, notice, authority in rows:
        if region is not None and _notice_region(notice, authority) != region:
            continue
        key = _reason_key(reason)
        reasons[key] += 1
        rules[key].add(code)
    out = [{"reason": key, "checks": count, "rules": ", ".join(sorted(rules[key]))} for key, count in reasons.most_common(limit)]
    return Figure(
        "unverifiable", "Cosa non è stato possibile verificare e perché",
        "Verdetti correnti «non verificabile» sulle gare del periodo, raggruppati per motivo (documenti non scaricati o "
        "non leggibili, dato non trovato, regola fuori ambito, valori stimati). Ogni riga conta i controlli che quel "
        "motivo ha fermato: una gara con un solo documento illeggibile ferma molti controlli.",
        [("reason", "Motivo"), ("checks", "Controlli"), ("rules", "Regole")], out,
        {"kind": "hbar", "data": [(r["reason"][:50], r["checks"]) for r in reversed(out[:10])], "xlabel": "Controlli"},
        summary=f"{sum(reasons.values())} controlli non eseguibili nel periodo, {len(reasons)} motivi distinti.")


def _reason_key(reason: str | None) -> str:
    text = " ".join((reason or "motivo non indicato").split())
    for cut in (" (", ": ", "; "):
        if cut in text[12:]:
            text = text[: text.index(cut, 12)]
    return text[:110]


def provenance(session: Session, period: Period, region: str | None, notices: int) -> Provenance:
    from extract import EXTRACTOR_VERSION
    from rules.registry import all_rules

    sources = [{"code": s.code, "name": s.name, "health": s.health,
                "last_success_at": s.last_success_at.isoformat(timespec="minutes") if s.last_success_at else None}
               for s in session.scalars(select(Source).order_by(Source.code))]
    return Provenance(period, region, dt.datetime.now(dt.UTC), EXTRACTOR_VERSION,
                      {r.code: r.version for r in all_rules()}, sources, notices, _code_version())


def _code_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("observatory")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "sconosciuta"


def collect(session: Session, period: Period, region: str | None = None) -> ReportData:
    from alerts.rulebook import describe_rule
    from rules.accreditation.data import load as accreditation_data
    from rules.registry import all_rules

    titles = {r.code: describe_rule(r.code, {}).name for r in all_rules()}
    pairs = notices_in(session, period, region)
    figures = [
        calls_by_region_and_service(pairs),
        violations_by_rule_and_region(session, period, region, titles),
        labour_gap_distribution(session, period, region),
        lowest_price_share(session, pairs),
        payment_timeliness(session, period, region),
        tariff_updates(session, period, region, accreditation_data().renewal_increase_pct),
        unverifiable(session, period, region),
    ]
    return ReportData(provenance(session, period, region, len(pairs)), figures)

