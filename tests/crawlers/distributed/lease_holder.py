"""A runner on "another machine" for the lease tests, run as its own process:

    python -m tests.crawlers.distributed.lease_holder REDIS_URL PREFIX HOST TTL_SECONDS

Prints "acquired" (then holds the lease with its heartbeat until its stdin closes, releases it and
prints "released") or "busy" (another holder has the host) and exits.
"""

from __future__ import annotations

import sys

from crawlers.distributed import HostLease, connect


def main(url: str, prefix: str, host: str, ttl: str) -> None:
    lease = HostLease(connect(url), host, prefix=prefix, ttl=float(ttl))
    if not lease.acquire():
        print("busy", flush=True)
        return
    lease.start_heartbeat()
    print("acquired", flush=True)
    sys.stdin.read()  # hold until the test closes our stdin (or kills us)
    print("released" if lease.release() else "lost", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
