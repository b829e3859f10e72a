"""Contract execution joined on CIG: ANAC BDNCP datasets -> `contract_execution`, and the
reconciliation of every source's rows for one CIG.

One row per (CIG, source): `anac_bdncp` gathers the five BDNCP datasets (aggiudicazioni,
avvio-contratto, fine-contratto, varianti, sospensioni), each import updating only its own part of
the row, so the files can arrive in any order and a re-import changes nothing. The OCDS releases are
written by the `anac_ocds` spider (source "anac_ocds", crawlers/spiders/anac_ocds.py). Sources are
never merged: when they (or two awards of one CIG) disagree on the awarded amount, every row involved
lists the disagreement under `data["conflicts"]`, and `observatory authorities show` prints it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from authorities import datasets
from db.models import ContractExecution, Lot, Notice

BDNCP_SOURCE = "anac_bdncp"
AMOUNT_TOLERANCE = Decimal("0.01")
CHUNK = 500  # CIGs per query when applying a dataset

# Documented columns of each dataset (SOURCES.md §1.3 for aggiudicazioni; the others as published by
# ANAC and read by public parsers: see tests/authorities/files/README.md). `required` must be present.
DATASETS: dict[str, dict[str, tuple[str, ...]]] = {
    "aggiudicazioni": {
        "columns": (
            "cig", "id_aggiudicazione", "data_aggiudicazione_definitiva", "esito", "criterio_aggiudicazione",
            "data_comunicazione_esito", "numero_offerte_ammesse", "numero_offerte_escluse",
            "importo_aggiudicazione", "ribasso_aggiudicazione", "num_imprese_offerenti", "flag_subappalto",
            "cod_esito", "num_imprese_richiedenti", "asta_elettronica", "num_imprese_invitate",
            "massimo_ribasso", "minimo_ribasso", "flag_scomputo", "cod_prestazioni_comprese",
            "prestazioni_comprese", "cig_prog_esterna", "data_incarico_prog", "data_cons_prog",
            "cod_modo_riaggiudicazione", "modo_riaggiudicazione", "flag_proc_accelerata", "n_manif_interesse",
        ),
        "required": ("cig", "importo_aggiudicazione", "criterio_aggiudicazione"),
    },
    "avvio-contratto": {
        "columns": (
            "cig", "data_stipula_contratto", "data_esecutivita_contratto", "data_termine_contrattuale",
            "data_verbale_consegna_definitiva", "data_inizio_effettiva", "data_verbale_prima_consegna",
            "consegna_frazionata", "consegna_sotto_riserva", "id_aggiudicazione",
        ),
        "required": ("cig", "data_inizio_effettiva", "data_termine_contrattuale"),
    },
    "fine-contratto": {
        "columns": (
            "cig", "cod_motivo_risoluzione", "motivo_risoluzione", "cod_motivo_interruzione_anticipata",
            "motivo_interruzione_anticipata", "data_conclusione_anticipata", "data_effettiva_ultimazione",
            "id_aggiudicazione", "giorni_proroga",
        ),
        "required": ("cig", "data_effettiva_ultimazione"),
    },
    "varianti": {
        "columns": ("id_variante", "cod_motivo_variante", "motivo_variante", "data_approvazione_variante", "cig",
                    "id_aggiudicazione"),
        "required": ("cig", "data_approvazione_variante"),
    },
    "sospensioni": {
        "columns": ("cig", "data_sospensione", "data_ripresa", "descrizione_motivo", "id_aggiudicazione"),
        "required": ("cig", "data_sospensione"),
    },
}


def criterion(text: str | None) -> str | None:
    """ANAC/OCDS wording -> "oepv" | "lowest_price" (the vocabulary of notices and rules)."""
    key = (text or "").upper()
    if not key:
        return None
    if "VANTAGGIOS" in key or "QUALIT" in key or "OEPV" in key:
        return "oepv"
    if "PREZZO" in key or "RIBASSO" in key or "COSTO" in key:
        return "lowest_price"
    return None


def discount_pct(value: str | None) -> Decimal | None:
    """`ribasso_aggiudicazione` is sometimes a fraction (0.123), sometimes a percentage (12.3)."""
    number = datasets.amount(value)
    if number is None:
        return None
    return (number * 100).quantize(Decimal("0.0001")) if abs(number) < 1 else number.quantize(Decimal("0.0001"))


@dataclass
class ExecutionReport:
    dataset: str
    rows: int = 0
    stored: int = 0
    skipped_unknown_cig: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    conflicts: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "rows": self.rows, "stored": self.stored,
                "skipped_unknown_cig": self.skipped_unknown_cig, "rejected": len(self.rejected),
                "conflicts": sorted(self.conflicts)}


def known_cigs(session: Session) -> set[str]:
    """CIGs of the notices and lots we hold: the join keys worth keeping from national files."""
    cigs = set(session.scalars(select(Notice.cig).where(Notice.cig.is_not(None))))
    cigs |= set(session.scalars(select(Lot.cig).where(Lot.cig.is_not(None))))
    return {c.upper() for c in cigs}


def _row_for(session: Session, cig: str, source: str) -> ContractExecution:
    row = session.scalars(select(ContractExecution).where(ContractExecution.cig == cig,
                                                         ContractExecution.source == source)).first()
    if row is None:
        row = ContractExecution(cig=cig, source=source, events=[], data={})
        session.add(row)
    return row


def _date_iso(value: str | None) -> str | None:
    parsed = datasets.date(value)
    return parsed.isoformat() if parsed else None


def _replace_events(row: ContractExecution, dataset: str, new: list[dict[str, Any]]) -> None:
    """The events of one dataset are replaced as a whole (idempotent re-import), others kept."""
    kept = [e for e in (row.events or []) if e.get("dataset") != dataset]
    seen: set[tuple[Any, ...]] = set()
    merged = []
    for event in kept + new:
        key = tuple(sorted((k, str(v)) for k, v in event.items()))
        if key not in seen:
            seen.add(key)
            merged.append(event)
    row.events = sorted(merged, key=lambda e: (e.get("date") or "", e.get("kind") or ""))


def _apply_aggiudicazioni(row: ContractExecution, records: list[dict[str, str]]) -> None:
    awards = []
    for rec in records:
        awards.append({
            "id_aggiudicazione": rec.get("id_aggiudicazione") or None,
            "date": _date_iso(rec.get("data_aggiudicazione_definitiva")),
            "amount": str(datasets.amount(rec.get("importo_aggiudicazione")))
            if rec.get("importo_aggiudicazione") else None,
            "criterion": rec.get("criterio_aggiudicazione") or None,
            "discount": rec.get("ribasso_aggiudicazione") or None,
            "offers": rec.get("num_imprese_offerenti") or rec.get("numero_offerte_ammesse") or None,
            "esito": rec.get("esito") or None,
        })
    awards.sort(key=lambda a: (a["date"] or "", a["id_aggiudicazione"] or ""))
    latest = max(records, key=lambda r: (datasets.date(r.get("data_aggiudicazione_definitiva")) or dt.date.min,
                                         r.get("id_aggiudicazione") or ""))
    row.award_criterion = criterion(latest.get("criterio_aggiudicazione"))
    row.discount_pct = discount_pct(latest.get("ribasso_aggiudicazione"))
    row.awarded_amount = datasets.amount(latest.get("importo_aggiudicazione"))
    row.offers_count = datasets.integer(latest.get("num_imprese_offerenti") or latest.get("numero_offerte_ammesse"))
    row.awarded_on = datasets.date(latest.get("data_aggiudicazione_definitiva"))
    row.data = {**(row.data or {}), "awards": awards}


def _apply_avvio(row: ContractExecution, records: list[dict[str, str]]) -> None:
    rec = records[-1]
    row.start_on = datasets.date(rec.get("data_inizio_effettiva")) or datasets.date(rec.get("data_stipula_contratto"))
    row.data = {**(row.data or {}), "start": {
        "signed_on": _date_iso(rec.get("data_stipula_contratto")),
        "start_on": _date_iso(rec.get("data_inizio_effettiva")),
        "expected_end_on": _date_iso(rec.get("data_termine_contrattuale")),
    }}
    if row.end_on is None and rec.get("data_termine_contrattuale"):
        row.data["end_is_expected"] = True
        row.end_on = datasets.date(rec.get("data_termine_contrattuale"))
    _replace_events(row, "avvio-contratto", [
        {"kind": "start", "date": _date_iso(rec.get("data_inizio_effettiva") or rec.get("data_stipula_contratto")),
         "dataset": "avvio-contratto"}])


def _apply_fine(row: ContractExecution, records: list[dict[str, str]]) -> None:
    rec = records[-1]
    end = datasets.date(rec.get("data_effettiva_ultimazione")) or datasets.date(rec.get("data_conclusione_anticipata"))
    row.end_on = end
    data = {**(row.data or {})}
    data.pop("end_is_expected", None)
    data["end"] = {
        "end_on": _date_iso(rec.get("data_effettiva_ultimazione")),
        "early_end_on": _date_iso(rec.get("data_conclusione_anticipata")),
        "termination": rec.get("motivo_risoluzione") or None,
        "early_termination": rec.get("motivo_interruzione_anticipata") or None,
        "extension_days": datasets.integer(rec.get("giorni_proroga")),
    }
    row.data = data
    _replace_events(row, "fine-contratto", [
        {"kind": "end", "date": end.isoformat() if end else None, "dataset": "fine-contratto",
         "reason": rec.get("motivo_risoluzione") or rec.get("motivo_interruzione_anticipata") or None}])


def _apply_varianti(row: ContractExecution, records: list[dict[str, str]]) -> None:
    _replace_events(row, "varianti", [
        {"kind": "variant", "date": _date_iso(r.get("data_approvazione_variante")), "dataset": "varianti",
         "reason": r.get("motivo_variante") or None, "code": r.get("cod_motivo_variante") or None,
         "id": r.get("id_variante") or None}
        for r in records])


def _apply_sospensioni(row: ContractExecution, records: list[dict[str, str]]) -> None:
    _replace_events(row, "sospensioni", [
        {"kind": "suspension", "date": _date_iso(r.get("data_sospensione")), "dataset": "sospensioni",
         "resumed_on": _date_iso(r.get("data_ripresa")), "reason": r.get("descrizione_motivo") or None}
        for r in records])


APPLY: dict[str, Callable[[ContractExecution, list[dict[str, str]]], None]] = {
    "aggiudicazioni": _apply_aggiudicazioni,
    "avvio-contratto": _apply_avvio,
    "fine-contratto": _apply_fine,
    "varianti": _apply_varianti,
    "sospensioni": _apply_sospensioni,
}


def import_bdncp(session: Session, dataset: str, rows: Iterable[dict[str, str]], *,
                 only_cigs: set[str] | None = None, origin: str = "") -> ExecutionReport:
    """Apply one BDNCP dataset (rows streamed); rows of one CIG are grouped, the rest skipped if filtered."""
    if dataset not in DATASETS:
        raise datasets.DatasetError(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
    report = ExecutionReport(dataset)
    grouped: dict[str, list[dict[str, str]]] = {}
    first = True
    for row in rows:
        report.rows += 1
        if first:
            datasets.check_header(row, DATASETS[dataset]["required"], dataset)
            first = False
        cig = (row.get("cig") or "").strip().upper()
        if len(cig) != 10:
            report.rejected.append((report.rows, f"invalid CIG {row.get('cig')!r}"))
            continue
        if only_cigs is not None and cig not in only_cigs:
            report.skipped_unknown_cig += 1
            continue
        grouped.setdefault(cig, []).append(row)
    cigs = list(grouped)
    for start in range(0, len(cigs), CHUNK):
        chunk = cigs[start:start + CHUNK]
        existing = {r.cig: r for r in session.scalars(select(ContractExecution).where(
            ContractExecution.source == BDNCP_SOURCE, ContractExecution.cig.in_(chunk)))}
        targets: dict[str, ContractExecution] = {}
        for cig in chunk:
            target = targets[cig] = existing.get(cig) or ContractExecution(cig=cig, source=BDNCP_SOURCE, events=[],
                                                                          data={})
            if target.id is None:
                session.add(target)
            try:
                APPLY[dataset](target, grouped[cig])
            except datasets.DatasetError as exc:
                report.rejected.append((0, f"{cig}: {exc}"))
                continue
            target.data = {**(target.data or {}),
                           "datasets": sorted({*(target.data or {}).get("datasets", []), dataset}),
                           **({"origin": origin} if origin else {})}
            report.stored += 1
        session.flush()
        # Only CIGs held by another source too, or with several awards, can disagree.
        shared = set(session.scalars(select(ContractExecution.cig).where(
            ContractExecution.cig.in_(chunk), ContractExecution.source != BDNCP_SOURCE)))
        shared |= {c for c, t in targets.items()
                   if len((t.data or {}).get("awards") or []) > 1 or (t.data or {}).get("conflicts")}
        for cig in sorted(shared):
            if reconcile(session, cig):
                report.conflicts.add(cig)
    link_authorities(session)
    return report


# -- reconciliation ---------------------------------------------------------------------------------


def reconcile(session: Session, cig: str) -> bool:
    """Record on every row of `cig` where sources (or awards within BDNCP) disagree on the amount.

    Returns True when there is a disagreement. Nothing is merged or overwritten: the figures stay
    per source; the authority linked by one source is copied to the others that have none.
    """
    rows = list(session.scalars(select(ContractExecution).where(ContractExecution.cig == cig)))
    amounts = {r.source: r.awarded_amount for r in rows if r.awarded_amount is not None}
    conflicts: list[dict[str, Any]] = []
    if len(amounts) > 1 and max(amounts.values()) - min(amounts.values()) > AMOUNT_TOLERANCE:
        conflicts.append({"field": "awarded_amount", "values": {k: str(v) for k, v in sorted(amounts.items())},
                          "message": "importo di aggiudicazione diverso tra le fonti"})
    for row in rows:
        awards = (row.data or {}).get("awards") or []
        distinct = {a["amount"] for a in awards if a.get("amount")}
        own = [dict(c) for c in conflicts]
        if len(distinct) > 1:
            own.append({"field": "awarded_amount", "values": {a["id_aggiudicazione"] or str(i): a["amount"]
                                                              for i, a in enumerate(awards)},
                        "message": "più aggiudicazioni con importi diversi per lo stesso CIG"})
        data = {**(row.data or {})}
        if own:
            data["conflicts"] = own
        else:
            data.pop("conflicts", None)
        row.data = data
    authority_ids = {r.authority_id for r in rows if r.authority_id}
    if len(authority_ids) == 1:
        for row in rows:
            row.authority_id = row.authority_id or next(iter(authority_ids))
    else:
        authority_id = _authority_of_cig(session, cig)
        for row in rows:
            row.authority_id = row.authority_id or authority_id
    return any((r.data or {}).get("conflicts") for r in rows)


def _authority_of_cig(session: Session, cig: str) -> int | None:
    found = session.scalar(select(Notice.authority_id).where(Notice.cig == cig, Notice.authority_id.is_not(None)))
    if found is None:
        found = session.scalar(select(Notice.authority_id).join(Lot, Lot.notice_id == Notice.id)
                               .where(Lot.cig == cig, Notice.authority_id.is_not(None)))
    return found


def link_authorities(session: Session) -> int:
    """Give execution rows without an authority the authority of the notice carrying their CIG."""
    rows = list(session.scalars(select(ContractExecution).where(ContractExecution.authority_id.is_(None))))
    linked = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        cigs = {r.cig for r in chunk}
        owners: dict[str, int] = {}
        by_lot = select(Lot.cig, Notice.authority_id).join(Notice, Lot.notice_id == Notice.id).where(
            Lot.cig.in_(cigs), Notice.authority_id.is_not(None)).order_by(Notice.id.desc())
        by_notice = select(Notice.cig, Notice.authority_id).where(
            Notice.cig.in_(cigs), Notice.authority_id.is_not(None)).order_by(Notice.id.desc())
        for query in (by_lot, by_notice):  # the notice's own CIG wins over a lot's; the earliest notice wins
            owners.update({cig.upper(): authority for cig, authority in session.execute(query)})
        for row in chunk:
            row.authority_id = owners.get(row.cig)
            linked += row.authority_id is not None
    return linked


def reconcile_all(session: Session) -> int:
    """Reconcile every CIG present in more than one row (after any source wrote); returns conflicting CIGs."""
    from sqlalchemy import func

    cigs = session.scalars(select(ContractExecution.cig).group_by(ContractExecution.cig)
                           .having(func.count(ContractExecution.id) > 1))
    multi_award = session.scalars(select(ContractExecution.cig).where(ContractExecution.source == BDNCP_SOURCE))
    return sum(reconcile(session, cig) for cig in sorted(set(cigs) | set(multi_award)))
