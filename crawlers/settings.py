"""Scrapy settings of the project (scrapy.cfg -> `crawlers.settings`).

Values that depend on the deployment come from `kernel.settings` (the only module reading the
environment) and are handed to the components as Scrapy settings (`OBSERVATORY_*` below): components
read them from `crawler.settings`, never from the environment. The rest is the politeness and
reliability policy of ../shared/ECOSYSTEM.md §1.1.
Per-spider differences (concurrency, delay, user agent) come from each spider's `CrawlPolicy`
through `BaseSpider.update_settings`, not from `custom_settings` copied around.
"""

from __future__ import annotations

from kernel.settings import get_settings

_settings = get_settings()

# Deployment values the components read through crawler.settings.
OBSERVATORY_DATABASE_URL = _settings.database_url
OBSERVATORY_DATA_DIR = str(_settings.data_dir)
OBSERVATORY_CORPUS_DIR = str(_settings.corpus_dir)
OBSERVATORY_SOURCE_BASE_URLS = dict(_settings.source_base_urls)  # SOURCE_BASE_URL_<CODE>, lower-case keys
OBSERVATORY_PARENT_RUN_ID = _settings.parent_run_id  # the pipeline run this crawl belongs to
OBSERVATORY_CRAWL_OVERLAP_DAYS = _settings.crawl_overlap_days
OBSERVATORY_CRAWL_INITIAL_DAYS = _settings.crawl_initial_days
OBSERVATORY_DOCUMENT_MAX_BYTES = _settings.document_max_bytes
OBSERVATORY_SCOPE_EXTRA_CPV = list(_settings.scope_extra_cpv)
OBSERVATORY_SCOPE_EXTRA_TERMS = list(_settings.scope_extra_terms)

BOT_NAME = "observatory"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = f"{_settings.user_agent} contact: {_settings.crawl_contact}"

# Politeness. robots.txt through our fixed middleware (race + unreachable robots), Crawl-delay applied.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# Reliability. 429 is handled by RetryAfterMiddleware (Retry-After honoured), not by RetryMiddleware.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
RETRY_AFTER_MAX_SECONDS = 600
RETRY_AFTER_DEFAULT_SECONDS = 30
RETRY_AFTER_MAX_TIMES = 3
DOWNLOAD_TIMEOUT = 120
DOWNLOAD_MAXSIZE = _settings.document_max_bytes
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
CLOSESPIDER_TIMEOUT = 3 * 3600
CLOSESPIDER_ERRORCOUNT = 50
HTTPERROR_ALLOW_ALL = False

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.robots.SafeRobotsTxtMiddleware": 100,
    "crawlers.middlewares.retry_after.RetryAfterMiddleware": 540,
}

EXTENSIONS = {
    "crawlers.extensions.crawl_delay.RobotsCrawlDelay": 100,
    "crawlers.extensions.crawl_report.CrawlReport": 200,
}

# Items: scope -> normalise/validate -> store (DB rows, cross-source dedupe) -> documents (files + rows).
ITEM_PIPELINES = {
    "crawlers.pipelines.scope.ScopePipeline": 100,
    "crawlers.pipelines.normalise.NormalisePipeline": 200,
    "crawlers.pipelines.store.StorePipeline": 300,
    "crawlers.pipelines.documents.DocumentsPipeline": 400,
}

# Documents: content-addressed store (sha256[:2]/sha256), portal download links often redirect.
FILES_STORE = str(_settings.document_store)
MEDIA_ALLOW_REDIRECTS = True
FILES_EXPIRES = 3650

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# Distributed crawl frontier (optional): with REDIS_URL the scheduler could be scrapy-redis; not
# enabled by default because each source runs in its own process and holds few requests.
OBSERVATORY_REDIS_URL = _settings.redis_url
# With REDIS_URL, request fingerprints are shared by every machine crawling a source tonight
# (crawlers/distributed.py); without it Scrapy's own in-memory filter, as on one machine.
if _settings.redis_url:
    DUPEFILTER_CLASS = "crawlers.distributed.RedisDupeFilter"
