"""Crawling one night's sources from several machines through a shared Redis (REDIS_URL).

Two pieces, both off when REDIS_URL is unset (the crawl then behaves exactly as on one machine):

- `HostLease`: a per-host lease across machines. `run_crawls` takes it before a source's process
  starts (SET NX PX with a random token), a heartbeat thread renews it while the crawl runs, and it
  is released with a compare-and-delete script, so a runner never deletes a lease that expired and
  was taken by another machine. A runner killed mid-crawl stops renewing: its lease expires by TTL.
  A source whose host is leased elsewhere is reported "skipped" (the next run picks it up).
- `RedisDupeFilter`: Scrapy's request-fingerprint dupefilter with the seen set in Redis, keyed per
  source and crawl window (the night, Europe/Rome) and expiring, so that a source split across
  machines (e.g. by date windows) fetches no page twice in one night. A page counts as fetched once
  answered 2xx/3xx; until then it is only claimed (expiring), so a page that failed is not lost for
  the next run of the night.

Redis unreachable while configured: the runner logs a warning and crawls without leases; the
dupefilter writes one `redis_unreachable` error line into the crawl's run record (not blocking: the
crawl is complete, only the sharing is lost) and falls back to the local in-memory filter.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from redis.exceptions import RedisError
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request

from crawlers.policy import ROME

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "observatory"
# A lease outlives a stalled heartbeat by this much; a killed runner's hosts are free again after it.
LEASE_TTL_SECONDS = 60.0
# Seen fingerprints of a night are kept this long (a night's crawl lasts hours, never a day and a half).
DUPEFILTER_TTL_SECONDS = 36 * 3600
# A page scheduled by one process is not scheduled by another for this long while it waits for its
# response (a queue of a slow portal can hold pages long; a dead process's claims lapse after it).
CLAIM_TTL_SECONDS = 3600
# A night's crawl starts in the evening and ends in the morning: shifting by this many hours makes
# the whole night one window (23:00 on the 1st and 04:00 on the 2nd both belong to the 1st).
NIGHT_SHIFT_HOURS = 12
CONNECT_TIMEOUT_SECONDS = 3.0
HOST_BUSY = "host busy on another machine"

# Delete / extend the lease only if it still holds our token (atomic in Redis).
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""
_RENEW_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
"""


class RedisUnavailable(Exception):
    """REDIS_URL is set but the server cannot be reached (the crawl falls back to local-only)."""


def connect(url: str) -> redis.Redis:
    """A client for `url` that answered a PING, or RedisUnavailable with the reason."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=CONNECT_TIMEOUT_SECONDS,
        decode_responses=True,
    )
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        client.close()
        raise RedisUnavailable(f"Redis unreachable at {_safe_url(url)}: {exc}") from exc
    return client


def _safe_url(url: str) -> str:
    """The URL without its password (it goes to logs and run records)."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def holder_id() -> str:
    """Who holds a lease (for the operator reading Redis): host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"


class HostLease:
    """An exclusive, expiring lease on one crawled host, shared by every machine using this Redis."""

    def __init__(
        self, client: redis.Redis, host: str, *, prefix: str = DEFAULT_PREFIX, ttl: float = LEASE_TTL_SECONDS
    ) -> None:
        self.client = client
        self.host = host
        self.key = f"{prefix}:lease:host:{host}"
        self.ttl_ms = max(1, int(ttl * 1000))
        self.token = holder_id()
        self.held = False
        # Set when a renewal found the lease gone or taken (e.g. a heartbeat stalled beyond the TTL).
        self.lost = False
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def acquire(self) -> bool:
        self.held = bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        return self.held

    def holder(self) -> str | None:
        """The token of whoever holds the host now (None when free)."""
        return self.client.get(self.key)

    def renew(self) -> bool:
        renewed = bool(self.client.eval(_RENEW_SCRIPT, 1, self.key, self.token, self.ttl_ms))
        if not renewed and self.held:
            self.lost = True
            logger.warning("lease on %s lost (expired or taken by another machine)", self.host)
        return renewed

    def release(self) -> bool:
        """Delete the lease only if it is still ours; True when it was."""
        self.stop_heartbeat()
        released = bool(self.client.eval(_RELEASE_SCRIPT, 1, self.key, self.token))
        self.held = False
        return released

    def start_heartbeat(self, interval: float | None = None) -> None:
        """Renew every third of the TTL in a daemon thread until release()."""
        every = interval if interval is not None else self.ttl_ms / 3000

        def beat() -> None:
            while not self._stop.wait(every):
                try:
                    if not self.renew():
                        return
                except RedisError as exc:  # a blip: try again next beat, the TTL covers two misses
                    logger.warning("lease on %s: renewal failed: %s", self.host, exc)

        self._heartbeat = threading.Thread(target=beat, name=f"lease-{self.host}", daemon=True)
        self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._heartbeat is not None and self._heartbeat is not threading.current_thread():
            self._heartbeat.join()
        self._heartbeat = None


class CrawlCoordinator:
    """What `run_crawls` uses: host leases when Redis answers, nothing (local-only) otherwise."""

    def __init__(self, client: redis.Redis | None, *, prefix: str = DEFAULT_PREFIX, error: str | None = None) -> None:
        self.client = client
        self.prefix = prefix
        # Why the crawl runs local-only although REDIS_URL is set (None when Redis answered).
        self.error = error

    @classmethod
    def from_url(cls, url: str | None, *, prefix: str = DEFAULT_PREFIX) -> CrawlCoordinator:
        if not url:
            return cls(None, prefix=prefix)
        try:
            return cls(connect(url), prefix=prefix)
        except RedisUnavailable as exc:
            logger.warning("%s; crawling without host leases (local-only)", exc)
            return cls(None, prefix=prefix, error=str(exc))

    @contextmanager
    def host(self, host: str) -> Iterator[bool]:
        """Hold `host` for the duration of the block; yields False when another machine holds it."""
        if self.client is None:
            yield True
            return
        lease = HostLease(self.client, host, prefix=self.prefix)
        try:
            acquired = lease.acquire()
        except RedisError as exc:  # Redis went away between runs: the crawl goes on, local-only
            logger.warning("host lease for %s not taken (%s); crawling local-only", host, exc)
            yield True
            return
        if not acquired:
            yield False
            return
        lease.start_heartbeat()
        try:
            yield True
        finally:
            try:
                lease.release()
            except RedisError as exc:
                logger.warning("host lease for %s not released (%s); it expires by itself", host, exc)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def crawl_window(moment: dt.datetime | None = None) -> str:
    """The night a crawl belongs to (YYYY-MM-DD in Europe/Rome, evening and following morning together)."""
    moment = moment or dt.datetime.now(dt.UTC)
    return (moment.astimezone(ROME) - dt.timedelta(hours=NIGHT_SHIFT_HOURS)).date().isoformat()


class RedisDupeFilter(RFPDupeFilter):
    """DUPEFILTER_CLASS when REDIS_URL is set: request fingerprints shared by every machine crawling
    the same source in the same window. A page is "seen" when a process of the night got a 2xx/3xx
    answer for it, or while another process has it claimed (scheduled, no answer yet). Settings:
    OBSERVATORY_REDIS_URL, OBSERVATORY_REDIS_PREFIX, OBSERVATORY_CRAWL_WINDOW (default: tonight, see
    crawl_window), OBSERVATORY_DUPEFILTER_TTL and OBSERVATORY_DUPEFILTER_CLAIM_TTL (seconds).
    Requests with dont_filter never reach it (Scrapy's scheduler checks that first)."""

    def __init__(
        self, path: str | None = None, debug: bool = False, *, fingerprinter: Any = None,
        redis_url: str | None = None, prefix: str = DEFAULT_PREFIX, window: str | None = None,
        ttl: int = DUPEFILTER_TTL_SECONDS, claim_ttl: int = CLAIM_TTL_SECONDS, crawler: Any = None,
    ) -> None:
        super().__init__(path, debug, fingerprinter=fingerprinter)
        self.redis_url = redis_url
        self.prefix = prefix
        self.window = window or crawl_window()
        self.ttl = ttl
        self.crawler = crawler
        self.client: redis.Redis | None = None
        self.key: str | None = None
        self.fallback_reason: str | None = None
        # Requests filtered because another process had them (not this process's own repeats).
        self.shared_filtered = 0
        # A scheduled page is claimed (expiring key) until its response: a page that fails, or
        # whose process dies, is not "fetched" and the next run of the night may fetch it.
        self.claim_ttl = claim_ttl
        self.claimed: set[str] = set()
        if crawler is not None:
            from scrapy import signals

            crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisDupeFilter:
        return cls._from_settings(crawler.settings, crawler.request_fingerprinter, crawler)

    @classmethod
    def from_settings(cls, settings: Any, *, fingerprinter: Any = None) -> RedisDupeFilter:
        return cls._from_settings(settings, fingerprinter, None)

    @classmethod
    def _from_settings(cls, settings: Any, fingerprinter: Any, crawler: Any) -> RedisDupeFilter:
        from scrapy.utils.job import job_dir

        return cls(
            job_dir(settings), settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=fingerprinter,
            redis_url=settings.get("OBSERVATORY_REDIS_URL") or None,
            prefix=settings.get("OBSERVATORY_REDIS_PREFIX") or DEFAULT_PREFIX,
            window=settings.get("OBSERVATORY_CRAWL_WINDOW") or None,
            ttl=settings.getint("OBSERVATORY_DUPEFILTER_TTL", DUPEFILTER_TTL_SECONDS),
            claim_ttl=settings.getint("OBSERVATORY_DUPEFILTER_CLAIM_TTL", CLAIM_TTL_SECONDS),
            crawler=crawler,
        )

    def open(self) -> None:
        super().open()
        spider = getattr(self.crawler, "spider", None)
        source = getattr(spider, "name", None) or "default"
        self.key = f"{self.prefix}:dupefilter:{source}:{self.window}"
        if not self.redis_url:
            self._fall_back("OBSERVATORY_REDIS_URL is not set")
            return
        try:
            self.client = connect(self.redis_url)
        except RedisUnavailable as exc:
            self._fall_back(str(exc))
            return
        logger.info("request fingerprints shared through Redis under %s", self.key)

    def request_seen(self, request: Request) -> bool:
        # The local set first (Scrapy's own filter): it answers repeats within this process without a
        # round trip, and keeps filtering if Redis goes away mid-crawl.
        if super().request_seen(request):
            return True
        if self.client is None:
            return False
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.sismember(self.key, fingerprint)
            pipe.set(f"{self.key}:claim:{fingerprint}", "1", nx=True, px=self.claim_ttl * 1000)
            fetched, claimed = pipe.execute()
        except RedisError as exc:
            self.client = None
            self._fall_back(f"Redis failed during the crawl: {exc}")
            return False
        if not fetched and claimed:
            self.claimed.add(fingerprint)
            return False
        self.shared_filtered += 1  # fetched tonight, or being fetched by another process right now
        if self.crawler is not None:
            self.crawler.stats.inc_value("observatory/dupefilter/shared_filtered")
        return True

    def response_received(self, response: Any, request: Request, spider: Any = None) -> None:
        """A page this process claimed was answered: a success joins tonight's fetched set; an error
        frees the claim at once, so that a retry here or another machine's run may fetch it."""
        if self.client is None or not self.claimed:
            return
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        if fingerprint not in self.claimed:
            return
        self.claimed.discard(fingerprint)
        try:
            pipe = self.client.pipeline(transaction=False)
            if 200 <= response.status < 400:
                pipe.sadd(self.key, fingerprint)
                pipe.expire(self.key, self.ttl, nx=True)
            pipe.delete(f"{self.key}:claim:{fingerprint}")
            pipe.execute()
        except RedisError as exc:
            self.client = None
            self._fall_back(f"Redis failed during the crawl: {exc}")

    def close(self, reason: str) -> None:
        if self.shared_filtered:  # says why a crawl may have fetched little: the pages were fetched tonight
            logger.warning("%d requests not sent: already fetched tonight by a crawl of this source (%s)",
                           self.shared_filtered, self.key)
        if self.client is not None:
            try:  # pages scheduled but never answered (crawl closed early): free for the next run
                if self.claimed:
                    self.client.delete(*(f"{self.key}:claim:{fingerprint}" for fingerprint in self.claimed))
            except RedisError as exc:
                logger.warning("claims of unanswered pages not freed (%s); they lapse by themselves", exc)
            self.client.close()
            self.client = None
        self.claimed.clear()
        super().close(reason)

    def _fall_back(self, reason: str) -> None:
        """Local-only from now on, with one warning and one error line in the run record."""
        self.fallback_reason = reason
        logger.warning("%s; duplicate requests filtered on this machine only", reason)
        spider = getattr(self.crawler, "spider", None)
        if spider is not None and hasattr(spider, "record_error") and self.redis_url:
            spider.record_error("redis_unreachable", None, f"{reason}; dupefilter local-only", blocking=False)
