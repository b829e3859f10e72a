"""A minimal crawl for the middleware tests, run as its own process (the reactor cannot restart):

    python tests/crawlers/probe_crawl.py '{"urls": [...], "settings": {...}}'

It uses the project's downloader middlewares and extensions (crawlers.settings) but no item
pipelines or database, starts every URL at once (the situation of the robots.txt race) and prints
one JSON line: the URLs downloaded, the URLs refused, and the crawl stats.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings


class ProbeSpider(scrapy.Spider):
    name = "probe"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.downloaded: list[str] = []
        self.refused: list[str] = []

    async def start(self):  # noqa: ANN201
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> None:
        self.downloaded.append(response.url)

    def failed(self, failure: Any) -> None:
        self.refused.append(failure.request.url)


def main() -> None:
    options = json.loads(sys.argv[1])
    settings = get_project_settings()
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawlers.extensions.crawl_report.CrawlReport"] = None
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for key, value in options.get("settings", {}).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler, urls=options["urls"])
    process.start()
    spider = crawler.spider
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int | float | str)}
    print(json.dumps({"downloaded": spider.downloaded, "refused": spider.refused, "stats": stats}))


if __name__ == "__main__":
    main()
