"""Tenants of a platform family (and the prefectures): data files, not code.

`crawlers/data/tenants/<family>.yaml` lists, one line each, the hosts running one platform software
(base URL, authority, fiscal code, province, region). Adding a municipality is a line in that file.

Where a tenant is crawled from: `SOURCE_BASE_URL_<SPIDER>_<KEY>` (one tenant moved elsewhere), else a
mirror of the whole family at `-a base_url=...` or `SOURCE_BASE_URL_<SPIDER>` with each tenant under
`/<key>` (the replay and the demo), else the tenant's real base URL. `-a tenants=key1,key2` restricts a
crawl to some tenants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import yaml

from crawlers.exceptions import SpiderArgumentError
from crawlers.items import AuthorityRef, NoticeItem

TENANTS_DIR = Path(__file__).resolve().parent.parent / "data" / "tenants"


@dataclass(frozen=True)
class Tenant:
    key: str
    base_url: str
    authority: str
    fiscal_code: str | None = None
    province: str | None = None
    region: str | None = None
    is_national: bool = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def comune(self) -> str | None:
        """The comune's name when the tenant is a comune ("Comune di Novara" -> "Novara")."""
        prefix = "comune di "
        return self.authority[len(prefix):].strip() if self.authority.lower().startswith(prefix) else None

    def authority_ref(self, place_source: str) -> AuthorityRef:
        return AuthorityRef(
            name=self.authority, fiscal_code=self.fiscal_code, istat_region=self.region,
            is_national=self.is_national, place_source=place_source,
        )


@cache
def load_tenants(family: str) -> tuple[Tenant, ...]:
    """Tenants of `family` from its YAML file (`key` or `slug` names a tenant)."""
    path = TENANTS_DIR / f"{family}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    default_base = data.get("base_url")
    tenants = []
    for entry in data.get("tenants") or []:
        entry = dict(entry)
        key = str(entry.pop("key", None) or entry.pop("slug"))
        base_url = entry.pop("base_url", None) or default_base
        if not base_url:
            raise ValueError(f"{path}: tenant {key} has no base_url")
        region = entry.pop("region", None)
        tenants.append(Tenant(
            key=key,
            base_url=str(base_url).rstrip("/"),
            authority=entry.pop("authority"),
            fiscal_code=(str(entry.pop("fiscal_code")) if entry.get("fiscal_code") else entry.pop("fiscal_code", None)),
            province=entry.pop("province", None),
            region=str(region) if region is not None else None,
            is_national=bool(entry.pop("national", False)),
            extra=entry,
        ))
    keys = [t.key for t in tenants]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{path}: duplicate tenant keys")
    return tuple(tenants)


class TenantsMixin:
    """For a spider crawling many hosts of one platform; expects BaseSpider's attributes."""

    tenants_family: ClassVar[str]

    def __init__(self, *args: Any, tenants: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenants = self.select_tenants(tenants)

    def select_tenants(self, requested: str | None) -> list[Tenant]:
        tenants = list(load_tenants(self.tenants_family))
        if not requested:
            return tenants
        wanted = [k.strip() for k in str(requested).split(",") if k.strip()]
        known = {t.key for t in tenants}
        unknown = [k for k in wanted if k not in known]
        if unknown:
            raise SpiderArgumentError(f"unknown tenants for {self.tenants_family}: {', '.join(unknown)}")
        return [t for t in tenants if t.key in wanted]

    def place_notice(self, notice: NoticeItem, tenant: Tenant) -> None:
        """The tenant's place on the notice (names, resolved to ISTAT codes by the normalise
        pipeline) and, for a comune, its ISTAT codes on the authority."""
        from kernel import territory

        notice.place_province_name = notice.place_province_name or tenant.province
        if tenant.comune:
            notice.place_comune_name = notice.place_comune_name or tenant.comune
            found = territory.comune(tenant.comune, tenant.province)
            authority = notice.authority
            if found is not None and authority is not None and authority.fiscal_code == tenant.fiscal_code:
                authority.istat_comune = authority.istat_comune or found.code
                authority.istat_province = authority.istat_province or found.province
        elif tenant.province and notice.authority is not None and not tenant.is_national:
            province = territory.province(tenant.province)
            notice.authority.istat_province = notice.authority.istat_province or (province.code if province else None)

    def tenant_base_url(self, tenant: Tenant) -> str:
        """Where to crawl a tenant: its own override, else a mirror of the whole family at the
        spider's base URL (`-a base_url` or SOURCE_BASE_URL_<SPIDER>: tenants under `/<key>`), else
        the tenant's real host."""
        base_urls = self.settings.getdict("OBSERVATORY_SOURCE_BASE_URLS")
        override = base_urls.get(f"{self.name}_{tenant.key}".lower())
        if override:
            return override.rstrip("/")
        mirror = getattr(self, "base_url_arg", None) or base_urls.get(self.name)
        if mirror:
            return f"{str(mirror).rstrip('/')}/{tenant.key}"
        return tenant.base_url
