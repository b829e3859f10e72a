"""Fixtures for the distributed-crawl tests: the real Redis on this machine (TEST_REDIS_URL, default
127.0.0.1:6379 db 0) and a key prefix unique to each test, whose keys are deleted afterwards.

Locally an unreachable Redis skips these tests; in CI (CI=true) it is an error, like PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import IN_CI
from tests.crawlers.regional.conftest import regional_replay  # noqa: F401 - fixture of the crawl test

REDIS_TEST_URL = os.getenv("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        if IN_CI:
            raise RuntimeError(f"Redis is required in CI and unreachable at {REDIS_TEST_URL}: {exc}") from exc
        pytest.skip(f"Redis unreachable at {REDIS_TEST_URL}")
    finally:
        client.close()
    return REDIS_TEST_URL


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key prefix of this test only; every key under it is deleted at the end."""
    value = f"obs-test-{uuid.uuid4().hex[:12]}"
    yield value
    keys = list(redis_client.scan_iter(f"{value}:*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def unused_port() -> int:
    """A loopback port nobody listens on (an unreachable Redis)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
