"""The one module that reads the environment.

Every setting of the pipeline comes from here; other modules receive values from a `Settings`
instance (or, for Scrapy, through `crawlers/settings.py`, which reads this module).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kernel.directory import SHIPPED_DIRECTORY
from kernel.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.getenv(name)
    return Path(value).expanduser().resolve() if value else default


def _int(name: str, default: int) -> int:
    value = os.getenv(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {value!r}") from None


def _bool(name: str, default: bool) -> bool:
    value = os.getenv(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _csv(name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in os.getenv(name, "").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    # Working directory for the local database, the document store and crawl state.
    data_dir: Path
    # DATABASE_URL unset -> SQLite file in data_dir (the embedded default). Consumer: db.session.
    database_url: str
    # The real public corpus (../shared/corpus beside the clone), read in place. Consumers: replay server, tests.
    corpus_dir: Path
    # Content-addressed store of downloaded documents (sha256 names). Consumers: crawlers, extract.
    document_store: Path
    # Directory of Observatories and recipients (YAML). Consumer: alerts routing.
    directory_file: Path
    # Rules configuration overrides for an Observatory (YAML), optional. Consumer: rules.config.
    rules_config: Path | None
    # Mail: backend "file" writes .eml files into outbox_dir; "smtp" sends through the server below.
    mail_backend: str
    outbox_dir: Path
    mail_from: str
    smtp_host: str
    smtp_port: int
    smtp_security: str  # "starttls", "tls" or "none"
    smtp_user: str | None
    smtp_password: str | None
    smtp_timeout: int
    # Optional copy of every serious finding to the National Observatory.
    national_copy: bool
    # Administrators who receive source-health alerts.
    admin_recipients: tuple[str, ...]
    # Crawling: User-Agent with a contact, Redis for distributed crawls (optional).
    user_agent: str
    crawl_contact: str
    redis_url: str | None
    # Scheduler: cron expression in Europe/Rome for the nightly pipeline (avoid 02:00-02:59: DST).
    nightly_cron: str
    timezone: str
    # Base URLs per source override (SOURCE_BASE_URL_<CODE>), used by the demo's replay server.
    source_base_urls: dict[str, str] = field(default_factory=dict)
    # Alerts: CA bundle to verify the SMTP server's certificate (a private relay); None = system CAs.
    smtp_ca_file: Path | None = None
    # Scheduler: a nightly run missed by less than this (scheduler down) runs once when it comes back.
    misfire_grace_hours: int = 12
    # Scheduler: a nightly run refused because another run holds the pipeline lock (a manual
    # `observatory run`) is tried again after this many minutes, within the grace time.
    lock_retry_minutes: int = 20
    # Pipeline lock: a holder whose heartbeat is older than this is presumed dead (another machine).
    lock_stale_seconds: int = 900
    # Sources the nightly pipeline crawls (comma-separated codes); empty = every source.
    nightly_sources: tuple[str, ...] = ()
    # Crawl (issue 5). The pipeline run a crawl subprocess belongs to (OBSERVATORY_RUN_ID, set by the runner).
    parent_run_id: int | None = None
    # Days re-read before the last successful crawl of a source (late publications, rettifiche).
    crawl_overlap_days: int = 3
    # First crawl of a source without --from-date: how many days back.
    crawl_initial_days: int = 14
    # Documents larger than this are not downloaded (recorded as too_large).
    document_max_bytes: int = 100 * 1024 * 1024
    # Extraction: each document is read in a child process with these limits (extract/isolation.py),
    # and this many at once. A 300-page scan needs ~400 s of OCR on one core.
    extract_timeout_seconds: int = 600
    extract_memory_mb: int = 1536
    extract_workers: int = 2
    # Analysts widen the scope: extra CPV prefixes and extra Italian terms (comma-separated).
    scope_extra_cpv: tuple[str, ...] = ()
    scope_extra_terms: tuple[str, ...] = ()
    # Recipients of one Observatory replacing the directory file's (OBSERVATORY_RECIPIENTS_<CODE>).
    recipient_overrides: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    data_dir = _path("OBSERVATORY_DATA_DIR", PROJECT_ROOT / "var")
    default_db = f"sqlite:///{data_dir / 'observatory.sqlite3'}"
    rules_config = os.getenv("OBSERVATORY_RULES_CONFIG")
    base_urls = {
        key[len("SOURCE_BASE_URL_") :].lower(): value
        for key, value in os.environ.items()
        if key.startswith("SOURCE_BASE_URL_") and value
    }
    recipients = {
        key[len("OBSERVATORY_RECIPIENTS_") :].upper(): value
        for key, value in os.environ.items()
        if key.startswith("OBSERVATORY_RECIPIENTS_") and value
    }
    return Settings(
        data_dir=data_dir,
        database_url=os.getenv("DATABASE_URL") or default_db,
        corpus_dir=_path("OBSERVATORY_CORPUS_DIR", (PROJECT_ROOT.parent / "shared" / "corpus").resolve()),
        document_store=_path("OBSERVATORY_DOCUMENT_STORE", data_dir / "documents"),
        directory_file=_path(
            "OBSERVATORY_DIRECTORY", SHIPPED_DIRECTORY
        ),
        rules_config=Path(rules_config).expanduser().resolve() if rules_config else None,
        mail_backend=os.getenv("OBSERVATORY_MAIL_BACKEND", "file"),
        outbox_dir=_path("OBSERVATORY_OUTBOX", PROJECT_ROOT / "outbox"),
        mail_from=os.getenv("OBSERVATORY_MAIL_FROM", "Osservatorio appalti <osservatorio@localhost>"),
        smtp_host=os.getenv("SMTP_HOST", "127.0.0.1"),
        smtp_port=_int("SMTP_PORT", 587),
        smtp_security=os.getenv("SMTP_SECURITY", "starttls"),
        smtp_user=os.getenv("SMTP_USER") or None,
        smtp_password=os.getenv("SMTP_PASSWORD") or None,
        smtp_timeout=_int("SMTP_TIMEOUT", 30),
        national_copy=_bool("OBSERVATORY_NATIONAL_COPY", False),
        admin_recipients=tuple(
            a.strip() for a in os.getenv("OBSERVATORY_ADMINS", "admin@localhost").split(",") if a.strip()
        ),
        user_agent=os.getenv(
            "OBSERVATORY_USER_AGENT",
            "observatory/0.1 (+https://github.com/observatory-coopsociali/observatory; monitoring of public tenders)",
        ),
        crawl_contact=os.getenv("OBSERVATORY_CRAWL_CONTACT", "osservatorio@localhost"),
        redis_url=os.getenv("REDIS_URL") or None,
        nightly_cron=os.getenv("OBSERVATORY_NIGHTLY_CRON", "30 3 * * *"),
        timezone=os.getenv("OBSERVATORY_TIMEZONE", "Europe/Rome"),
        source_base_urls=base_urls,
        smtp_ca_file=_path("SMTP_CA_FILE", Path()) if os.getenv("SMTP_CA_FILE") else None,
        parent_run_id=_int("OBSERVATORY_RUN_ID", 0) or None,
        crawl_overlap_days=_int("OBSERVATORY_CRAWL_OVERLAP_DAYS", 3),
        crawl_initial_days=_int("OBSERVATORY_CRAWL_INITIAL_DAYS", 14),
        document_max_bytes=_int("OBSERVATORY_DOCUMENT_MAX_BYTES", 100 * 1024 * 1024),
        extract_timeout_seconds=_int("OBSERVATORY_EXTRACT_TIMEOUT_SECONDS", 600),
        extract_memory_mb=_int("OBSERVATORY_EXTRACT_MEMORY_MB", 1536),
        extract_workers=_int("OBSERVATORY_EXTRACT_WORKERS", 2),
        scope_extra_cpv=_csv("OBSERVATORY_SCOPE_EXTRA_CPV"),
        scope_extra_terms=_csv("OBSERVATORY_SCOPE_EXTRA_TERMS"),
        misfire_grace_hours=_int("OBSERVATORY_MISFIRE_GRACE_HOURS", 12),
        lock_retry_minutes=_int("OBSERVATORY_LOCK_RETRY_MINUTES", 20),
        lock_stale_seconds=_int("OBSERVATORY_LOCK_STALE_SECONDS", 900),
        nightly_sources=_csv("OBSERVATORY_NIGHTLY_SOURCES"),
        recipient_overrides=recipients,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process; tests call `get_settings.cache_clear()` after changing the environment."""
    return load_settings()
