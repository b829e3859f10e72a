"""ScopePipeline: every item leaves with `in_scope` and `scope_reason` set."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawlers.items import NoticeItem


class ScopePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScopePipeline:
        return cls(crawler)

    def process_item(self, item: NoticeItem) -> NoticeItem:
        if not isinstance(item, NoticeItem):
            return item  # DocumentRetry: for the documents pipeline only
        spider = self.crawler.spider
        if item.in_scope is None:
            spider.decide_scope(item)  # every spider is a BaseSpider
        if item.in_scope:
            self.crawler.stats.inc_value("observatory/in_scope")
            return item
        # Out-of-scope items count as seen (CrawlReport: zero seen for N runs = broken); emit() has
        # already counted the ones it passed on.
        if not getattr(item, "_out_of_scope_counted", False):
            self.crawler.stats.inc_value("observatory/out_of_scope")
        if getattr(spider, "keep_out_of_scope", False):
            return item
        raise DropItem(f"out of scope: {item.scope_reason}")
