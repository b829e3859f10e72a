"""Shared part of the payments spiders (one spider per page shape; the authorities are data).

Tenants come from `crawlers/data/payments_tenants.yaml`. Each carries its own absolute URL; with a
`base_url` override (the demo's replay, tests) every tenant URL is re-homed on that server as
`{base_url}/{tenant host}{tenant path}`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
import yaml
from scrapy.http import Response

from authorities.figures import PageReading
from crawlers.base_spiders.base import BaseSpider
from crawlers.post_award_items import PaymentPageItem

TENANTS_FILE = Path(__file__).resolve().parent.parent / "data" / "payments_tenants.yaml"
# Tenants carry absolute URLs on their own hosts; this placeholder only satisfies BaseSpider's check.
PER_TENANT = "https://per-tenant.invalid"
POST_AWARD_PIPELINES = {"crawlers.pipelines.post_award.PostAwardPipeline": 300}


def rehome(url: str, base_url: str) -> str:
    """https://www.comune.x.it/a/b -> {base_url}/www.comune.x.it/a/b: tenants share paths, not hosts."""
    base = urlsplit(base_url)
    own = urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, f"{base.path.rstrip('/')}/{own.netloc}{own.path}", own.query, ""))


@dataclass(frozen=True)
class Tenant:
    fiscal_code: str
    name: str
    shape: str
    url: str
    verified: bool = False


@lru_cache(maxsize=4)
def load_tenants(path: Path = TENANTS_FILE) -> tuple[Tenant, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tenants = []
    for raw in data.get("tenants") or []:
        tenant = Tenant(str(raw["fiscal_code"]), raw["name"], raw["shape"], raw["url"], bool(raw.get("verified")))
        if tenant.shape not in ("html", "pdf", "sheet"):
            raise ValueError(f"{path}: tenant {tenant.fiscal_code} has unknown shape {tenant.shape!r}")
        tenants.append(tenant)
    return tuple(tenants)


class PaymentsSpider(BaseSpider):
    shape: ClassVar[str] = ""
    default_base_url = PER_TENANT
    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": POST_AWARD_PIPELINES}
    file_extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, tenants: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `-a tenants=CF1,CF2` restricts the crawl to some authorities (analysts, tests).
        self.only = {t.strip() for t in tenants.split(",") if t.strip()} if tenants else None

    def tenants(self) -> list[Tenant]:
        return [t for t in load_tenants() if t.shape == self.shape and (self.only is None or t.fiscal_code in self.only)]

    def tenant_url(self, tenant: Tenant) -> str:
        if self.base_url == PER_TENANT:
            return tenant.url
        return rehome(tenant.url, self.base_url)

    async def start(self) -> AsyncIterator[Any]:
        for tenant in self.tenants():
            yield scrapy.Request(self.tenant_url(tenant), callback=self.parse_tenant, errback=self.record_failure,
                                 cb_kwargs={"tenant": tenant}, dont_filter=True)

    def parse_tenant(self, response: Response, tenant: Tenant) -> Iterator[Any]:
        """The tenant URL is the file itself, or a page linking the files of this shape."""
        if self.is_file_response(response):
            yield from self.parse_file(response, tenant, None)
        else:
            yield from self.follow_files(response, tenant, self.parse_file)

    def parse_file(self, response: Response, tenant: Tenant, period_hint: str | None) -> Iterator[Any]:
        yield self.item(tenant, response.url, self.read(response), period_hint)

    def read(self, response: Response) -> PageReading:
        raise NotImplementedError

    def item(self, tenant: Tenant, url: str, reading: PageReading, period_hint: str | None = None) -> PaymentPageItem:
        self.items_emitted += 1
        self.crawler.stats.inc_value("observatory/in_scope")  # a page read counts as a record seen (CrawlReport)
        if not reading.figures and not reading.unreadable:
            reading.unreadable = "no_figures: nessuna cifra di tempestività trovata"
        return PaymentPageItem(self.name, tenant.fiscal_code, tenant.name, url, reading, period_hint)

    def linked_files(self, response: Response) -> list[tuple[str, str]]:
        """(url, link text) of the files of this shape linked from a page."""
        found: list[tuple[str, str]] = []
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"].strip())
            if urlsplit(url).path.lower().endswith(self.file_extensions) and url not in {u for u, _ in found}:
                found.append((url, " ".join(" ".join(link.css("::text").getall()).split())))
        return found

    def follow_files(self, response: Response, tenant: Tenant, callback: Any) -> Iterator[Any]:
        files = self.linked_files(response)
        if not files:
            self.record_error("not_found", response.url, f"no {'/'.join(self.file_extensions)} linked for {tenant.fiscal_code}")
        for url, text in files:
            yield scrapy.Request(url, callback=callback, errback=self.record_failure, dont_filter=True,
                                 cb_kwargs={"tenant": tenant, "period_hint": text or Path(urlsplit(url).path).stem})
