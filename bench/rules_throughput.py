"""One million generated notices through all the rules: notices per second and peak memory.

Goal (issue 6): under 60 s on one core. The notices are generated in memory (no database) in a
realistic mix: social-service tenders with full or partial extracted fields, CAS tenders, awarded
contracts with execution and payment data, and out-of-scope notices (works, supplies) that the
scope classifier drops. Notices are streamed, never held, so the peak memory is the engine's own.

Measured on the 2-core development machine (Python 3.11), seed 6: 55 s of CPU for the million
notices (18,200 notices/s; 43 s in the rules, the rest generating the notices), 51 MiB peak; it was
94 s before the last round of issue 6 (messages formatted when read, cheaper verdicts and contexts,
look-ups by date memoised, out-of-scope evaluations shared, cheaper random draws here). The figures
vary by a few seconds with the load of the machine. The verdict counts of a seed must not change when
the code gets faster: for seed 6 and 200,000 notices, compliant 905,829, not_verifiable 1,544,742,
violation 604,236 (since issue 15's corrections: scope by the contract's object, law versions by date,
tolerance bands; before them 881,269 / 1,490,930 / 690,654). Issue 15 made the rules about 15 % slower
(more checks per notice: the law in force, the CNEL codes, the tables known at publication), measured
against the previous code side by side on the same, loaded, machine.

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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rules.config import load_config  # noqa: E402
from rules.context import ExecutionRecord, NoticeContext, PaymentRecord  # noqa: E402
from rules.engine import evaluate  # noqa: E402

LEVELS = ("A1", "B1", "C1", "C2", "D1", "D2", "E1")
SOCIAL_CPVS = ("85312000-9", "85311000-2", "85320000-8", "80110000-8", "85312100-0")
OTHER_CPVS = ("45233000-9", "30192000-1", "34144000-8", "72000000-5")
CCNLS = ("CCNL Cooperative sociali", "CCNL Multiservizi", "CCNL UNEBA", "CCNL UNCI")
CRITERIA = ("oepv", "oepv", "lowest_price")
STRENGTHS = ("binding", "conditional")
INDEXES = ("FOI", "retribuzioni contrattuali")
START = dt.date(2023, 9, 1)
DAYS = 900  # publication dates: 900 days from START
TODAY = dt.date(2026, 6, 30)
T = TypeVar("T")
# Where each field was found (page, sentence). The evidence is the same for every notice, so each list is
# built once and shared: the engine copies what it keeps and never mutates what it reads.
EVIDENCE = {
    name: [{"page": page, "text": text, "document_id": 1}]
    for name, page, text in (
        ("base_amount", 3, "importo a base di gara"), ("staff", 12, "tabella personale"),
        ("labour_cost", 4, "costi della manodopera"), ("ccnl", 5, "CCNL"), ("award_criterion", 2, "criterio"),
        ("economic_points", 20, "punti"), ("technical_points", 20, "punti"),
        ("social_clause", 9, "clausola sociale"), ("price_revision", 14, "revisione prezzi"),
        ("payment_days", 30, "pagamento"), ("duration_months", 2, "durata"),
        ("daily_price", 6, "prezzo pro capite pro die"),
    )
}


def _field(name: str, value: object) -> dict[str, object]:
    return {"value": value, "evidence": EVIDENCE[name]}


def _draws(rnd: random.Random) -> tuple[Callable[[Sequence[T]], T], Callable[[int, int], int]]:
    """`rnd.choice(seq)` and `rnd.randrange(start, stop)` without their argument checks, which cost more than
    the draw itself: the same numbers, drawn the way CPython's Random draws them (getrandbits of the bit
    length of n until below n), so that a seed gives the same notices and verdict counts as before."""
    getrandbits = rnd.getrandbits

    def below(n: int) -> int:
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return r

    def choice(seq: Sequence[T]) -> T:
        return seq[below(len(seq))]

    def randrange(start: int, stop: int) -> int:
        return start + below(stop - start)

    return choice, randrange


def generate(count: int, seed: int) -> Iterator[NoticeContext]:
    """The notices of one seed. The random numbers are drawn in a fixed order (so a seed always gives the
    same notices and verdicts); dates are looked up in tables rather than computed, for speed."""
    rnd = random.Random(seed)
    random_, uniform = rnd.random, rnd.uniform
    choice, randrange = _draws(rnd)
    dates = [START + dt.timedelta(days=d) for d in range(DAYS + 900 + 1)]  # up to the last contract's end
    for i in range(count):
        kind = random_()
        day = randrange(0, DAYS)
        published = dates[day]
        if kind < 0.30:  # works and supplies: out of scope
            yield NoticeContext(notice_id=i, title="Fornitura di materiale", cpv=choice(OTHER_CPVS),
                                published_on=published, amount=randrange(10_000, 5_000_000))
            continue
        cas = kind > 0.90
        hours = randrange(2_000, 60_000)
        level = choice(LEVELS)
        rate = uniform(17.0, 28.0)
        labour = round(hours * rate, 2)
        base = round(labour / uniform(0.45, 0.9), 2)
        fields: dict[str, object] = {
            "base_amount": _field("base_amount", base),
            "staff": _field("staff", [{"profile": "OSS", "level": level, "hours": hours, "count": 5}]),
        }
        if random_() < 0.6:  # the full set of extracted fields
            fields["labour_cost"] = _field("labour_cost", labour)
            fields["ccnl"] = _field("ccnl", choice(CCNLS))
            fields["award_criterion"] = _field("award_criterion", choice(CRITERIA))
            fields["economic_points"] = _field("economic_points", choice((20, 30, 40)))
            fields["technical_points"] = _field("technical_points", 70)
            fields["social_clause"] = _field("social_clause", {
                "present": random_() < 0.8, "strength": choice(STRENGTHS), "staff_list": random_() < 0.5})
            fields["price_revision"] = _field("price_revision", {
                "present": random_() < 0.7, "threshold_pct": choice((5, 10)), "share_pct": 80,
                "index": choice(INDEXES)})
            fields["payment_days"] = _field("payment_days", choice((30, 60, 90)))
            fields["duration_months"] = _field("duration_months", choice((12, 24, 36)))
        if cas:
            fields["daily_price"] = _field("daily_price", round(uniform(22, 38), 2))
        awarded = random_() < 0.25
        cpv = choice(SOCIAL_CPVS)
        all_read = random_() < 0.7
        executions = [ExecutionRecord(cig="B000000000", source="anac", awarded_amount=base * 0.9,
                                      discount_pct=uniform(1, 35), start_on=dates[day + 120],
                                      end_on=dates[day + 900])] if awarded else []
        payments = [PaymentRecord(period="2025-Q2", itp_days=uniform(-10, 60),
                                  overdue_debt=randrange(0, 10**6),
                                  sign_convention="DPCM 22/9/2014, negativo = in anticipo", source="bench")
                    ] if random_() < 0.5 else []
        yield NoticeContext(
            notice_id=i,
            title="Accoglienza richiedenti protezione internazionale" if cas else "Servizio di assistenza domiciliare",
            cpv=cpv, published_on=published, procedure="procedura aperta", amount=base,
            authority_name="Prefettura" if cas else "Comune di Esempio", all_documents_read=all_read,
            documents_total=3, documents_read=3, fields=fields, executions=executions, payments=payments,
            today=TODAY,
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
            verdicts.update([result.verdict.result for result in results if result.applicable])
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
