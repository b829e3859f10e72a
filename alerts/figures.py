"""Turn a finding's figures (a JSON object written by a rule) into labelled Italian text.

Rules write figures with English keys and raw numbers (`{"hourly_cost": 19.89, "table_cost": 23.65,
"gap_pct": -15.9, "level": "D2"}`); the digest shows `Costo orario: € 19,89`. The unit is read from the
key's suffix or words (`_pct` per cent, `_eur`/amount/cost/price money, `_days` days, `_hours` hours),
so a new rule's figures read well without touching this file; known keys get a proper label.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from alerts.formatting import it_date, it_money, it_number, it_percent

# Keys the digest shows elsewhere (rule name, legal basis) or as the finding's sentence.
RESERVED = {"rule_name", "legal_basis", "summary", "text"}

LABELS = {
    # The comparison a reader looks for first: the tender's figure, the reference, the gap.
    "implied_hourly_cost": "Costo orario implicito nel bando",
    "hourly_cost": "Costo orario implicito nel bando",
    "table_hourly_cost": "Costo orario delle tabelle ministeriali",
    "table_cost": "Costo orario delle tabelle ministeriali",
    "gap_pct": "Scarto",
    "gap_eur": "Differenza",
    "level": "Livello CCNL",
    "ccnl_level": "Livello CCNL",
    "profile": "Profilo",
    "labour_cost": "Costo della manodopera",
    "table_total_cost": "Costo complessivo secondo le tabelle",
    "hours": "Ore",
    "total_hours": "Ore complessive",
    "rows": "Personale",
    "table": "Tabella",
    "table_step": "Scaglione della tabella",
    "table_figures_status": "Valori di tabella",
    "table_period": "Periodo della tabella",
    "implied_hourly_cost_end": "Costo orario implicito a fine contratto",
    "table_step_end": "Scaglione della tabella a fine contratto",
    "table_hourly_cost_end": "Costo orario delle tabelle a fine contratto",
    "gap_pct_end": "Scarto a fine contratto",
    "base_amount": "Base d'asta",
    "safety_costs": "Oneri per la sicurezza",
    "labour_share_pct": "Incidenza del costo del lavoro",
    "award_criterion": "Criterio di aggiudicazione",
    "economic_points": "Punteggio economico",
    "technical_points": "Punteggio tecnico",
    "max_economic_points": "Punteggio economico massimo",
    "threshold_pct": "Soglia",
    "share_pct": "Quota riconosciuta",
    "legal_threshold_pct": "Soglia di legge",
    "legal_share_pct": "Quota di legge",
    "max_discount_pct": "Ribasso massimo",
    "other_share_pct": "Quota di altre attività",
    "payment_days": "Termine di pagamento",
    "max_days": "Termine massimo",
    "runs_from": "Decorrenza",
    "itp_days": "Indicatore di tempestività dei pagamenti",
    "overdue_debt": "Debiti scaduti",
    "period": "Periodo",
    "ccnl": "CCNL indicato",
    "named": "Indicato",
    "matched": "Riconosciuto",
    "whitelisted": "Tra i CCNL dei sindacati più rappresentativi",
    "signatories": "Firmatari",
    "registry_status": "Stato nell'archivio CNEL",
    "main_activity": "Attività principale",
    "present": "Clausola presente",
    "strength": "Formulazione",
    "index": "Indice",
    "duration_months": "Durata",
    "daily_price": "Prezzo giornaliero",
    "reference_price": "Prezzo di riferimento",
    "reference_source": "Fonte del riferimento",
    "reference_status": "Stato del riferimento",
    "steps_crossed": "Aumenti del CCNL intervenuti",
    "start_on": "Inizio del contratto",
    "published_on": "Data di pubblicazione",
    "law_version": "Testo di legge applicato",
    "documents_read": "Documenti letti",
    "documents_total": "Documenti della gara",
    "direct_award": "Affidamento diretto",
    "subject_to_discount": "Soggetto a ribasso",
    "level_from": "Fonte del livello",
    "status": "Stato",
    "sign_convention": "Convenzione di segno",
    "source": "Fonte",
    "cig": "CIG",
    "cpv": "CPV",
}

# Identifiers that look like numbers but must be shown as written (no thousands separators).
IDENTIFIERS = {
    "cpv",
    "cig",
    "cup",
    "year",
    "anno",
    "period",
    "istat",
    "nuts",
    "fiscal_code",
    "level",
    "version",
}

# Words rules write as values, in the readers' language.
VALUE_WORDS = {
    "estimated": "stimati (da verificare sul decreto)",
    "verified": "verificati",
    "weak": "debole",
    "strong": "forte",
    "rigid": "rigida",
    "absent": "assente",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ROW_ORDER = ("profile", "count", "level", "level_from", "hours", "hourly_cost", "status")

# Costs per hour whose key does not say so.
HOURLY_KEYS = {"table_cost", "ccnl_cost", "reference_cost"}

CRITERIA = {"oepv": "offerta economicamente più vantaggiosa", "lowest_price": "minor prezzo"}


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, str):
        try:
            Decimal(value)
        except ArithmeticError:
            return False
        return bool(value.strip())
    return False


def _label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def format_value(key: str, value: Any) -> str:
    k = key.lower()
    if value is None:
        return "non trovata" if k == "present" else "n.d."
    if isinstance(value, bool):
        return "sì" if value else "no"
    if k == "award_criterion" and isinstance(value, str):
        return CRITERIA.get(value, value)
    if _is_number(value) and not (k in IDENTIFIERS or k.endswith(("_code", "_id", "_year"))):
        if k.endswith(("_pct", "_percent", "percent")) or k in {"pct", "percentage"}:
            return it_percent(value)
        if k.endswith("_days") or k == "days":
            return f"{it_number(value)} giorni"
        if k.endswith("_months") or k == "months":
            return f"{it_number(value)} mesi"
        if k.endswith("_hours") or k == "hours":
            return f"{it_number(value)} ore"
        if any(w in k for w in ("amount", "cost", "price", "_eur", "importo", "costo", "prezzo")):
            hourly = k in HOURLY_KEYS or any(w in k for w in ("hourly", "per_hour", "orario"))
            suffix = "/h" if hourly else ""
            return f"{it_money(value)}{suffix}"
        return it_number(value)
    if isinstance(value, list):
        return "; ".join(format_value(key, v) for v in value) or "nessuno"
    if isinstance(value, dict):
        return _format_row(value)
    if isinstance(value, str) and ISO_DATE.match(value):
        return it_date(dt.date.fromisoformat(value))
    return VALUE_WORDS.get(value, value) if isinstance(value, str) else str(value)


def _format_row(row: dict[str, Any]) -> str:
    """A row of a table a rule reports (e.g. one staff line): `OSS, livello C2, 10.000 ore, € 22,10/h`."""
    parts: list[str] = []
    order = {key: index for index, key in enumerate(ROW_ORDER)}
    for key, value in sorted(row.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        if value is None or value == "":
            continue
        if key == "profile":
            parts.append(str(value))
        elif key == "level":
            parts.append(f"livello {value}")
        elif key == "level_from":
            parts.append(f"livello da {value}")
        elif key == "hourly_cost":
            parts.append(f"{it_money(value)}/h" if _is_number(value) else str(value))
        elif key == "status":
            if value == "estimated":
                parts.append("valore stimato")
        else:
            text = format_value(str(key), value)
            parts.append(text if key == "hours" else f"{_label(str(key)).lower()}: {text}")
    return ", ".join(parts)


def format_figures(figures: dict[str, Any] | None) -> list[tuple[str, str]]:
    """[(label, text)]: known keys in the order of LABELS (the comparison first), then the others.

    The rule's own order cannot be relied on: JSONB stores object keys sorted.
    """
    rank = {key: index for index, key in enumerate(LABELS)}
    keys = sorted(
        (k for k in (figures or {}) if k not in RESERVED), key=lambda k: (rank.get(k, len(rank)), k)
    )
    return [(_label(k), format_value(k, (figures or {})[k])) for k in keys]
