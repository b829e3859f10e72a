"""Downloader middlewares closing Scrapy 2.19 gaps (../shared/ECOSYSTEM.md §1.2):

- `robots.SafeRobotsTxtMiddleware`: requests sent while a host's robots.txt is still downloading
  are checked against it (stock Scrapy lets them through); an unreachable robots.txt (5xx, network
  error) means "do not crawl this host now" (RFC 9309 §2.3.1.3), not "allow all".
- `retry_after.RetryAfterMiddleware`: 429/503 with `Retry-After` are retried after that delay, and the
  host's download slot slows down for everyone.
The third gap, robots `Crawl-delay`, is closed by the extension `crawlers.extensions.crawl_delay`.
"""
