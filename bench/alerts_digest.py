"""Alerts benchmark: queue and write the digests of many findings (SQLite, file backend).

Prints how long routing + rendering + storing took and how long writing the .eml files took, for
5,000 findings on 2,000 notices spread over every region. Figures, not a pass/fail test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alerts.service import queue_digests, send_pending  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, session_scope  # noqa: E402
from kernel.directory import SHIPPED_DIRECTORY, load_directory  # noqa: E402
from kernel.settings import load_settings  # noqa: E402
from tests.alerts import factories  # noqa: E402

NOTICES, FINDINGS_PER_NOTICE = int(sys.argv[1]) if len(sys.argv) > 1 else 2000, 2.5


def main() -> None:
    random.seed(4)
    work = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    engine = make_engine(f"sqlite:///{work / 'bench.sqlite3'}")
    upgrade(engine)
    settings = dataclasses.replace(load_settings(), mail_backend="file", outbox_dir=work / "outbox")
    directory = load_directory(SHIPPED_DIRECTORY)
    findings = 0
    with session_scope(engine) as session:
        src = factories.source(session)
        authorities = [
            factories.authority(session, f"Comune {i}", f"{i:011d}", istat_region=f"{i % 20 + 1:02d}")
            for i in range(300)
        ]
        for i in range(NOTICES):
            ntc = factories.notice(session, src, random.choice(authorities), f"Servizio sociale n. {i}", f"B{i:09d}")
            doc = factories.document(session, ntc)
            for _ in range(int(FINDINGS_PER_NOTICE + random.random())):
                factories.finding(
                    session, ntc, severity=random.choice(("info", "warning", "critical")),
                    evidence=[{"document_id": doc.id, "page": 3, "text": "Il costo orario è pari a euro 19,89."}],
                )
                findings += 1
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    with session_scope(engine) as session:
        queued = queue_digests(session, directory, settings, now=now)
    queue_s = time.perf_counter() - start
    start = time.perf_counter()
    stats = send_pending(engine, settings, now=now)
    send_s = time.perf_counter() - start
    size = sum(p.stat().st_size for p in settings.outbox_dir.glob("*.eml"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"findings: {findings} on {NOTICES} notices; digests queued: {queued}; sent: {stats['sent']}")
    print(f"queue (route + render + store): {queue_s:.2f} s ({findings / queue_s:,.0f} findings/s)")
    print(f"write .eml files: {send_s:.2f} s; outbox size {size / 1e6:.1f} MB; peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
