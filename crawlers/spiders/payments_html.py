"""Payments pages that publish the ITP in the page itself (HTML table or text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from authorities.itp import read_html
from crawlers.policy import CrawlPolicy
from crawlers.spiders.payments_common import PaymentsSpider, Tenant


class PaymentsHtmlSpider(PaymentsSpider):
    name = "payments_html"
    shape = "html"
    policy = CrawlPolicy(
        name="Pagamenti dell'amministrazione - pagine HTML (ITP)", kind="payments",
        notes="authorities listed in crawlers/data/payments_tenants.yaml (shape html); quarterly pages",
    )

    def parse_tenant(self, response: Response, tenant: Tenant) -> Iterator[Any]:
        yield self.item(tenant, response.url, read_html(response.body))
