"""PlatformSpider: one platform software, many tenant hosts, each read as list page -> detail pages.

A subclass names the tenants file, the list path, the list's container (and its "no results"
marker) and two pure parse functions of `crawlers.parsing.<platform>`. A tenant whose robots.txt
forbids the list is not crawled: its denial is recorded (run record error "robots_denied" with the
tenant) and the other tenants go on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy

from crawlers.items import NoticeItem
from crawlers.mixins.portal import ListDetailSpider
from crawlers.mixins.tenants import Tenant, TenantsMixin


class PlatformSpider(TenantsMixin, ListDetailSpider):
    async def start(self) -> AsyncIterator[Any]:
        for tenant in self.tenants:
            yield scrapy.Request(self.tenant_base_url(tenant) + self.list_path, callback=self.parse_list,
                                 errback=self.listing_failed, cb_kwargs={"tenant": tenant})

    def complete(self, notice: NoticeItem, tenant: Tenant | None = None, **extra: Any) -> None:
        if tenant is None:
            return
        if notice.authority is not None:
            notice.authority.is_national = tenant.is_national
        notice.raw.setdefault("tenant", tenant.key)
        self.place_notice(notice, tenant)

    @staticmethod
    def tenant_context(tenant: Tenant) -> dict[str, Any]:
        return {"region": tenant.region, "authority": tenant.authority, "fiscal_code": tenant.fiscal_code}
