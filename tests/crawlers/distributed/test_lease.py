"""Host leases across machines: real processes contending on the real Redis."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from crawlers.distributed import HostLease, connect
from crawlers.runner import PROJECT_ROOT

HOST = "portal.example.it"


def _holder(redis_url: str, prefix: str, ttl: float = 5.0) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and helper module
        [sys.executable, "-m", "tests.crawlers.distributed.lease_holder", redis_url, prefix, HOST, str(ttl)],
        cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )


def _wait_until(condition, limit: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def processes() -> list[subprocess.Popen[str]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_only_one_of_several_processes_gets_the_host(redis_url, redis_client, prefix, processes):
    processes.extend(_holder(redis_url, prefix) for _ in range(5))
    answers = [process.stdout.readline().strip() for process in processes]
    assert sorted(answers) == ["acquired", "busy", "busy", "busy", "busy"]
    holder = processes[answers.index("acquired")]
    key = f"{prefix}:lease:host:{HOST}"
    assert redis_client.get(key) is not None

    out, _ = holder.communicate("", timeout=30)  # stdin closed: the holder releases
    assert out.strip() == "released" and redis_client.get(key) is None
    processes.append(_holder(redis_url, prefix))
    assert processes[-1].stdout.readline().strip() == "acquired"  # the next runner gets the host


def test_the_heartbeat_keeps_the_lease_and_a_killed_holder_loses_it_by_ttl(redis_url, redis_client, prefix, processes):
    ttl = 1.0
    processes.append(_holder(redis_url, prefix, ttl))
    assert processes[0].stdout.readline().strip() == "acquired"
    key = f"{prefix}:lease:host:{HOST}"
    token = redis_client.get(key)
    time.sleep(3 * ttl)  # three TTLs: only the heartbeat can keep the key alive this long
    assert redis_client.get(key) == token

    processes[0].kill()  # SIGKILL: no release, no more heartbeats
    processes[0].wait(timeout=10)
    survivor = HostLease(connect(redis_url), HOST, prefix=prefix, ttl=30)
    assert redis_client.get(key) == token and not survivor.acquire()  # still leased right after the kill
    assert _wait_until(survivor.acquire), "the dead holder's lease never expired"
    assert redis_client.get(key) == survivor.token and 0 < redis_client.pttl(key) <= 30_000
    assert survivor.release()


def test_release_never_deletes_someone_elses_lease(redis_url, redis_client, prefix):
    client = connect(redis_url)
    stalled = HostLease(client, HOST, prefix=prefix, ttl=0.2)  # its heartbeat never runs: the lease lapses
    assert stalled.acquire()
    assert _wait_until(lambda: redis_client.get(stalled.key) is None)
    other = HostLease(client, HOST, prefix=prefix, ttl=30)
    assert other.acquire()

    assert stalled.release() is False
    assert stalled.renew() is False and stalled.lost is False  # released already: not "lost", just gone
    assert redis_client.get(other.key) == other.token
    assert other.release() is True and redis_client.get(other.key) is None


def test_a_renewal_that_finds_the_lease_taken_marks_it_lost(redis_url, redis_client, prefix):
    client = connect(redis_url)
    lease = HostLease(client, HOST, prefix=prefix, ttl=30)
    assert lease.acquire()
    redis_client.set(lease.key, "another-machine")  # e.g. our lease lapsed and another runner took it
    assert lease.renew() is False and lease.lost
    assert redis_client.get(lease.key) == "another-machine"


def test_an_unreachable_redis_is_one_clear_error(unused_port):
    from crawlers.distributed import CrawlCoordinator, RedisUnavailable

    url = f"redis://:secret@127.0.0.1:{unused_port}/0"
    with pytest.raises(RedisUnavailable, match=f"Redis unreachable at redis://\\*\\*\\*@127.0.0.1:{unused_port}/0"):
        connect(url)
    coordinator = CrawlCoordinator.from_url(url)
    assert coordinator.client is None and "Redis unreachable" in coordinator.error
    with coordinator.host(HOST) as acquired:  # local-only: every host is ours
        assert acquired


def test_without_redis_url_nothing_is_leased():
    from crawlers.distributed import CrawlCoordinator

    coordinator = CrawlCoordinator.from_url(None)
    assert coordinator.client is None and coordinator.error is None
