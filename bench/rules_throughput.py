"""One million generated notices through all the rules: notices per second and peak memory.

Goal (issue 6): under 60 s on one core. The notices are generated in memory (no database) in a
realistic mix: social-service tenders with full or partial extracted fields, CAS tenders, awarded
contracts with execution and payment data, and out-of-scope notices (works, supplies) that the
scope classifier drops. Notices are streamed, never held, so the peak memory is the engine's own.

    .venv/bin/python bench/rules_throughput.py [--notices N] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rules.config import load_config  # noqa: E402
from rules.context import ExecutionRecord, NoticeContext, PaymentRecord  # noqa: E402
from rules.engine import evaluate  # noqa: E402

LEVELS = ("A1", "B1", "C1", "C2", "D1", "D2", "E1")
SOCIAL_CPVS = ("85312000-9", "85311000-2", "85320000-8", "80110000-8", "85312100-0")
OTHER_CPVS = ("45233000-9", "30192000-1", "34144000-8", "72000000-5")


def _field(value: object, page: int, text: str) -> dict[str, object]:
    return {"value": value, "evidence": [{"page": page, "text": text, "document_id": 1}]}


def generate(count: int, seed: int) -> Iterator[NoticeContext]:
    rnd = random.Random(seed)
    start = dt.date(2023, 9, 1)
    for i in range(count):
        kind = rnd.random()
        published = start + dt.timedelta(days=rnd.randrange(900))
        if kind < 0.30:  # works and supplies: out of scope
            yield NoticeContext(notice_id=i, title="Fornitura di materiale", cpv=rnd.choice(OTHER_CPVS),
                                published_on=published, amount=rnd.randrange(10_000, 5_000_000))
            continue
        cas = kind > 0.90
        hours = rnd.randrange(2_000, 60_000)
        level = rnd.choice(LEVELS)
        rate = rnd.uniform(17.0, 28.0)
        labour = round(hours * rate, 2)
        base = round(labour / rnd.uniform(0.45, 0.9), 2)
        fields: dict[str, object] = {
            "base_amount": _field(base, 3, "importo a base di gara"),
            "staff": _field([{"profile": "OSS", "level": level, "hours": hours, "count": 5}], 12, "tabella personale"),
        }
        full = rnd.random() < 0.6
        if full:
            fields |= {
                "labour_cost": _field(labour, 4, "costi della manodopera"),
                "ccnl": _field(rnd.choice(["CCNL Cooperative sociali", "CCNL Multiservizi", "CCNL UNEBA", "CCNL UNCI"]),
                               5, "CCNL"),
                "award_criterion": _field(rnd.choice(["oepv", "oepv", "lowest_price"]), 2, "criterio"),
                "economic_points": _field(rnd.choice([20, 30, 40]), 20, "punti"),
                "technical_points": _field(70, 20, "punti"),
                "social_clause": _field({"present": rnd.random() < 0.8, "strength": rnd.choice(["binding", "conditional"]),
                                         "staff_list": rnd.random() < 0.5}, 9, "clausola sociale"),
                "price_revision": _field({"present": rnd.random() < 0.7, "threshold_pct": rnd.choice([5, 10]),
                                          "share_pct": 80, "index": rnd.choice(["FOI", "retribuzioni contrattuali"])},
                                         14, "revisione prezzi"),
                "payment_days": _field(rnd.choice([30, 60, 90]), 30, "pagamento"),
                "duration_months": _field(rnd.choice([12, 24, 36]), 2, "durata"),
            }
        if cas:
            fields["daily_price"] = _field(round(rnd.uniform(22, 38), 2), 6, "prezzo pro capite pro die")
        awarded = rnd.random() < 0.25
        yield NoticeContext(
            notice_id=i,
            title="Accoglienza richiedenti protezione internazionale" if cas else "Servizio di assistenza domiciliare",
            cpv=rnd.choice(SOCIAL_CPVS), published_on=published, procedure="procedura aperta", amount=base,
            authority_name="Prefettura" if cas else "Comune di Esempio", all_documents_read=rnd.random() < 0.7,
            documents_total=3, documents_read=3, fields=fields,
            executions=[ExecutionRecord(cig="B000000000", source="anac", awarded_amount=base * 0.9,
                                        discount_pct=rnd.uniform(1, 35), start_on=published + dt.timedelta(days=120),
                                        end_on=published + dt.timedelta(days=900))] if awarded else [],
            payments=[PaymentRecord(period="2025-Q2", itp_days=rnd.uniform(-10, 60), overdue_debt=rnd.randrange(0, 10**6),
                                    sign_convention="DPCM 22/9/2014, negativo = in anticipo", source="bench")]
            if rnd.random() < 0.5 else [],
            today=dt.date(2026, 6, 30),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    config = load_config()
    rules = config.instantiate()
    verdicts: Counter[str] = Counter()
    in_scope = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    in_rules = 0.0
    clock = time.process_time
    for ctx in generate(args.notices, args.seed):
        before = clock()
        results = evaluate(ctx, config, rules)
        in_rules += clock() - before
        if ctx.scope.in_scope:
            in_scope += 1
            for result in results:
                if result.applicable:
                    verdicts[result.verdict.result] += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"notices           {args.notices:,}  ({in_scope:,} in scope, {len(rules)} rules)")
    print(f"wall time         {elapsed:.1f} s   (cpu {cpu:.1f} s, one process, one core)")
    print(f"throughput        {args.notices / elapsed:,.0f} notices/s  ({elapsed / args.notices * 1e6:.0f} µs per notice,"
          " generation included)")
    print(f"rules alone       {in_rules:.1f} s cpu  ({args.notices / in_rules:,.0f} notices/s; the rest is generating"
          " the notices)")
    print("verdicts          " + ", ".join(f"{k} {v:,}" for k, v in sorted(verdicts.items())))
    print(f"peak memory (RSS) {peak_mib:.0f} MiB")
    projected = cpu * 1_000_000 / args.notices
    print(f"goal              under 60 s of one core for 1,000,000 notices: {'met' if projected < 60 else 'NOT met'}"
          f" ({projected:.0f} s cpu{', extrapolated' if args.notices != 1_000_000 else ''})")


if __name__ == "__main__":
    main()
