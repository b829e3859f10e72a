"""The notice file of `observatory rules check`, checked before any rule reads it: an analyst who types
`"published"` for `"published_on"` or a date as 10/03/2025 must get a one-line error naming what is
accepted, never a silent "data di pubblicazione sconosciuta" nor a traceback.

Shape: `{"notice": {...}, "fields": {...}}`, fields as `observatory extract-file --json` prints them
(`NAME: value` or `NAME: {"value": ..., "evidence": [{"page", "text", ...}], ...}`). `lots`,
`execution` and `payments` may sit in `notice` or at the top level. Dates are ISO (YYYY-MM-DD, or an ISO
date-time); `cpv` may be a code or a list of codes (the main one first, as extract-file prints them);
the `ccnl` field may be a name, a list of names, or the extraction's object
`{"name", "cnel_code", "matched_text"}`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from rules.errors import NoticeInputError

TOP_KEYS = ("notice", "fields", "lots", "execution", "payments")
NOTICE_KEYS = ("id", "title", "description", "published_on", "publication_date", "cpv", "procedure", "award_criterion",
               "amount", "region", "authority", "all_documents_read", "documents_total", "documents_read",
               "documents", "lots", "execution", "payments", "today")
AUTHORITY_KEYS = ("name", "fiscal_code", "legal_nature")
DOCUMENT_KEYS = ("url", "read", "why", "document_id")
LOT_KEYS = ("cig", "cpv", "amount", "title", "award_criterion", "lot", "lot_key", "labour_cost")
EXECUTION_KEYS = ("cig", "source", "award_criterion", "discount_pct", "awarded_amount", "offers_count", "awarded_on",
                  "start_on", "end_on", "events")
PAYMENT_KEYS = ("period", "itp_days", "overdue_debt", "creditors_overdue", "sign_convention", "source", "source_url",
                "note")
CCNL_KEYS = ("name", "cnel_code", "matched_text", "code")
# The fields the rules read; other fields (cig, cup, deadline, ...) are accepted and reported as unused.
RULE_FIELDS = ("cpv", "procedure", "base_amount", "base_amount_excludes_safety", "labour_cost",
               "labour_cost_subject_to_discount", "safety_costs", "duration_months", "staff", "ccnl", "social_clause",
               "price_revision", "award_criterion", "technical_points", "economic_points", "payment_days",
               "economic_formula", "anomaly_elements", "labour_table", "daily_price", "centre_type")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?$")
TEXT_KEYS = ("title", "description", "procedure", "award_criterion")
NUMBER_KEYS = ("amount",)
COUNT_KEYS = ("documents_total", "documents_read")


def _keys(where: str, item: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise NoticeInputError(f"{where}: unknown key {', '.join(map(repr, unknown))}; known keys: {', '.join(allowed)}")


def _type_name(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def iso_date(value: Any, where: str) -> dt.date | None:
    """An ISO date ('2025-03-10', or an ISO date-time), None for null/''; anything else is an error."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise NoticeInputError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD, e.g. 2025-03-10)")


def _number(value: Any, where: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise NoticeInputError(f"{where}: must be a number (e.g. 300000.50), got {_type_name(value)} {value!r}")


def _list_of_objects(value: Any, where: str, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise NoticeInputError(f'{where}: must be a list of objects with keys {", ".join(allowed)}')
    for index, item in enumerate(value):
        _keys(f"{where}[{index}]", item, allowed)
    return value


def validate(payload: Any, region: Callable[[str], str | None] | None = None) -> dict[str, Any]:
    """Check the notice file and return it normalised (region as ISTAT code, `cpv` list split into the
    main code and the documents' list); raises NoticeInputError with one line naming what is accepted.
    `region` turns a region as written into its ISTAT code (None when unknown)."""
    if not isinstance(payload, dict):
        raise NoticeInputError('the notice file must be an object {"notice": {...}, "fields": {...}}')
    _keys("the notice file", payload, TOP_KEYS)
    notice = payload.get("notice")
    if notice is None:
        notice = {}
    if not isinstance(notice, dict):
        raise NoticeInputError('"notice" must be an object of the notice\'s data (published_on, cpv, title, ...)')
    _keys('"notice"', notice, NOTICE_KEYS)
    fields = payload.get("fields")
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise NoticeInputError('"fields" must be an object of NAME: value or NAME: {"value": ..., "evidence": [...]}')
    notice, fields = dict(notice), dict(fields)

    for key in TEXT_KEYS:
        if notice.get(key) is not None and not isinstance(notice[key], str):
            raise NoticeInputError(f"notice.{key}: must be a string, got {_type_name(notice[key])}")
    for key in NUMBER_KEYS:
        _number(notice.get(key), f"notice.{key}")
    for key in COUNT_KEYS:
        value = notice.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise NoticeInputError(f"notice.{key}: must be a whole number ≥ 0, got {value!r}")
    if notice.get("all_documents_read") is not None and not isinstance(notice["all_documents_read"], bool):
        raise NoticeInputError(f"notice.all_documents_read: must be true or false, got {notice['all_documents_read']!r}")
    for key in ("published_on", "publication_date", "today"):
        iso_date(notice.get(key), f"notice.{key}")

    cpv = notice.get("cpv")
    if isinstance(cpv, list):
        if not all(isinstance(c, str) for c in cpv):
            raise NoticeInputError("notice.cpv: a CPV code ('85312000-9') or a list of codes, as strings")
        notice["cpv"] = cpv[0] if cpv else None
        if len(cpv) > 1 and "cpv" not in fields:
            fields["cpv"] = cpv
    elif cpv is not None and not isinstance(cpv, str):
        raise NoticeInputError(f"notice.cpv: a CPV code ('85312000-9') or a list of codes, got {_type_name(cpv)}")
    if notice.get("cpv") and not re.fullmatch(r"\s*\d{8}(-\d)?\s*", str(notice["cpv"])):
        raise NoticeInputError(f"notice.cpv: {notice['cpv']!r} is not a CPV code (8 digits, optional check digit: 85312000-9)")

    authority = notice.get("authority")
    if isinstance(authority, dict):
        _keys("notice.authority", authority, AUTHORITY_KEYS)
    elif authority is not None and not isinstance(authority, str):
        raise NoticeInputError('notice.authority: the name, or an object {"name", "fiscal_code", "legal_nature"}')

    if notice.get("region") not in (None, ""):
        if not isinstance(notice["region"], str | int) or isinstance(notice["region"], bool):
            raise NoticeInputError("notice.region: the ISTAT code or the name of the region")
        if region is not None:
            code = region(str(notice["region"]))
            if code is None:
                raise NoticeInputError(f"notice.region: unknown region {notice['region']!r}; give the ISTAT code (01-20) "
                                       "or the name (Piemonte, Valle d'Aosta, Lombardia, Trentino-Alto Adige, Veneto, "
                                       "Friuli-Venezia Giulia, Liguria, Emilia-Romagna, Toscana, Umbria, Marche, Lazio, "
                                       "Abruzzo, Molise, Campania, Puglia, Basilicata, Calabria, Sicilia, Sardegna)")
            notice["region"] = code

    _list_of_objects(notice.get("documents"), "notice.documents", DOCUMENT_KEYS)
    for key, allowed in (("lots", LOT_KEYS), ("execution", EXECUTION_KEYS), ("payments", PAYMENT_KEYS)):
        if key in notice and key in payload:
            raise NoticeInputError(f'"{key}" given both in "notice" and at the top level: keep one')
        where = f"notice.{key}" if key in notice else key
        items = _list_of_objects(notice.get(key, payload.get(key)), where, allowed)
        for index, item in enumerate(items):
            for name, value in item.items():
                if name.endswith("_on"):
                    iso_date(value, f"{where}[{index}].{name}")
                elif name in ("amount", "discount_pct", "awarded_amount", "itp_days", "overdue_debt", "labour_cost"):
                    _number(value, f"{where}[{index}].{name}")
        if key == "execution":
            for index, item in enumerate(items):
                if item.get("events") is not None and not (isinstance(item["events"], list)
                                                           and all(isinstance(e, dict) for e in item["events"])):
                    raise NoticeInputError(f'{where}[{index}].events: a list of {{"kind", "date"}}')
    for name, raw in fields.items():
        _field(name, raw)
    return {**{k: v for k, v in payload.items() if k != "fields"}, "notice": notice, "fields": fields}


def _field(name: str, raw: Any) -> None:
    value = raw
    if isinstance(raw, dict) and "value" in raw:
        value = raw["value"]
        evidence = raw.get("evidence")
        if evidence is not None and not (isinstance(evidence, list) and all(isinstance(e, dict) for e in evidence)):
            raise NoticeInputError(f'fields.{name}.evidence: a list of {{"page", "text", ...}}')
    if name == "ccnl" and value is not None:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                _keys("fields.ccnl", item, CCNL_KEYS)
                if not (item.get("name") or item.get("cnel_code") or item.get("code")):
                    raise NoticeInputError('fields.ccnl: the object needs "name" or "cnel_code"')
            elif not isinstance(item, str):
                raise NoticeInputError('fields.ccnl: a name, a list of names, or {"name", "cnel_code", "matched_text"}')
    if name == "staff" and value is not None and not (isinstance(value, list) and all(isinstance(r, dict) for r in value)):
        raise NoticeInputError('fields.staff: a list of {"profile", "level", "hours", "count"}')


def unused_fields(payload: dict[str, Any]) -> list[str]:
    """Fields of the notice file that no rule reads (a typo, or a field of the extraction the rules ignore)."""
    return sorted(set(payload.get("fields") or {}) - set(RULE_FIELDS))
