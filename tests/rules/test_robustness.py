"""Odd field shapes (strings for numbers, dicts for strings, empty lists...) never crash a rule: each
still returns a verdict of its own, never the engine's "errore interno" fallback, and a message that
formats (messages are built when read, after the rule has returned)."""

from __future__ import annotations

import datetime as dt
import random

from rules.config import parse_config
from rules.context import ExecutionRecord, NoticeContext, PaymentRecord, context_from_json
from rules.engine import evaluate

CONFIG = parse_config({})
ODD_VALUES = [
    "12.345,67", "€ 1.000", "non indicato", 0, -5, 1e12, True, False, [], [None], [{}], {}, {"value": None},
    {"present": "sì"}, {"days": "trenta"}, [{"profile": None, "level": None, "hours": "molte"}],
    [{"profile": "OSS", "level": "Z9", "hours": 100}], [{"profile": "OSS", "level": "C2", "hours": 0}],
    {"present": True, "threshold_pct": "cinque", "share_pct": None, "index": 5}, "2025-99-99",
]
FIELDS = [
    "cpv", "base_amount", "labour_cost", "labour_cost_subject_to_discount", "safety_costs", "duration_months",
    "staff", "ccnl", "social_clause", "price_revision", "award_criterion", "technical_points", "economic_points",
    "payment_days", "economic_formula", "anomaly_elements", "daily_price", "centre_type", "labour_table",
]


def test_no_rule_crashes_on_odd_fields() -> None:
    rnd = random.Random(6)
    for _ in range(300):
        fields = {name: {"value": rnd.choice(ODD_VALUES), "evidence": rnd.choice([[], [{"page": "x"}], ["testo"]])}
                  for name in rnd.sample(FIELDS, rnd.randrange(1, len(FIELDS)))}
        # Odd values as the database could hold them (`rules check` refuses a file with, say, staff as a
        # string; the engine reads stored rows as they are).
        ctx = NoticeContext(published_on=dt.date.fromisoformat(rnd.choice(["2023-09-01", "2025-03-10", "2026-02-01"])),
                            cpv=rnd.choice(["85312000-9", "90910000-9"]), all_documents_read=rnd.random() < 0.5,
                            title=rnd.choice(["Assistenza domiciliare", "Accoglienza richiedenti protezione internazionale"]),
                            fields=fields)
        ctx.lots = [{"cpv": "85311000-2", "amount": "tanti"}, {"cpv": None, "amount": 5}]
        ctx.executions = [ExecutionRecord(cig="B1", start_on=dt.date(2024, 3, 1), events=[{"kind": None}, "testo"])]  # type: ignore[list-item]
        ctx.payments = [PaymentRecord(period="2025-Q9", itp_days=None, overdue_debt=None)]
        for evaluation in evaluate(ctx, CONFIG):
            assert "errore interno" not in (evaluation.verdict.reason or ""), (
                evaluation.rule.code, fields, evaluation.verdict.reason)
            assert "errore interno" not in evaluation.verdict.message, (evaluation.rule.code, fields)


def test_malformed_notice_lists_are_input_errors() -> None:
    import pytest

    from rules.errors import NoticeInputError

    for key in ("lots", "execution", "payments"):
        with pytest.raises(NoticeInputError, match=key):
            context_from_json({"notice": {key: ["testo"]}, "fields": {}})
    with pytest.raises(NoticeInputError, match="fields"):
        context_from_json({"notice": {}, "fields": ["cig"]})


def test_any_notice_file_is_either_read_or_refused_in_one_line() -> None:
    """`rules check` input of every odd shape: a context whose rules all run, or a one-line NoticeInputError;
    never another exception (which would reach the analyst as a traceback)."""
    from rules.errors import NoticeInputError
    from rules.notice_input import NOTICE_KEYS

    rnd = random.Random(15)
    odd = [None, "", "x", "2025-03-10", "10/03/2025", 5, -1, 2.5, True, [], ["85312000-9"], [1], {}, {"name": "A"},
           [{"cig": "B1", "amount": 5}], [{"start_on": "2025-01-01", "events": [{"kind": "revision"}]}], "Lombardia"]
    for _ in range(400):
        notice = {k: rnd.choice(odd) for k in rnd.sample(NOTICE_KEYS, rnd.randrange(0, 8))}
        fields = {k: rnd.choice(odd + ODD_VALUES) for k in rnd.sample(FIELDS, rnd.randrange(0, 5))}
        payload = rnd.choice([{"notice": notice, "fields": fields}, {"notice": notice}, notice, [notice], "x"])
        try:
            ctx = context_from_json(payload, region=lambda v: "03" if v == "Lombardia" else None)
        except NoticeInputError as exc:
            assert "\n" not in str(exc)
            continue
        for evaluation in evaluate(ctx, CONFIG):
            assert "errore interno" not in (evaluation.verdict.reason or ""), (evaluation.rule.code, payload)
