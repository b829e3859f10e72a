"""What an R-ACC rule sees of one tariff: the figures with the status of each, the staff standard, the hourly
costs the act assumed, the earlier tariffs of the same service, region and variant. Built from a `tariff` row
(rules.tariff_engine) or from the mapping of a case file / import file (`tariff_from_mapping`).

Figure statuses: `verified` = read in the act itself; `secondary` = stated by a press or association page;
`unverified` = recollection; `estimated` = computed. Only verified figures may make a violation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rules.context import to_float
from rules.notice_input import iso_date as to_date

FIGURE_STATUSES = ("verified", "secondary", "unverified", "estimated")
STATUS_LABELS = {"verified": "letto nell'atto", "secondary": "da fonte secondaria (stampa, associazioni)",
                 "unverified": "non verificato", "estimated": "stimato"}


@dataclass
class EarlierTariff:
    valid_from: dt.date | None
    amount: float | None
    increase_pct: float | None
    act: str
    status: str
    health_share: float | None = None
    social_share: float | None = None

    def figure(self, name: str) -> float | None:
        return getattr(self, name)


@dataclass
class TariffContext:
    region: str | None = None
    service_type: str = ""
    service_label: str | None = None
    variant: str = ""
    care_setting: str | None = None
    act_kind: str = ""
    act_number: str | None = None
    act_date: dt.date | None = None
    act_title: str | None = None
    act_url: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    amount: float | None = None
    unit: str = "day"
    health_share: float | None = None
    social_share: float | None = None
    increase_pct: float | None = None
    increase_since: dt.date | None = None
    labour_share_pct: float | None = None
    staff: list[dict[str, Any]] = field(default_factory=list)
    hourly_costs: list[dict[str, Any]] = field(default_factory=list)
    other_costs: list[dict[str, Any]] = field(default_factory=list)
    revision_clause: bool | None = None
    sources: dict[str, Any] = field(default_factory=dict)
    earlier: list[EarlierTariff] = field(default_factory=list)  # same region, service and variant, oldest first
    later_exists: bool = False  # a later tariff of the same service replaces this one
    tariff_id: int | None = None
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def act_label(self) -> str:
        """'DGR 219/2010 del 22/2/2010' as messages show it."""
        text = self.act_kind or "atto"
        if self.act_number:
            text += f" {self.act_number}"
        if self.act_date:
            text += f" del {self.act_date.day}/{self.act_date.month}/{self.act_date.year}"
        return text

    @property
    def reference_date(self) -> dt.date | None:
        """The date whose Ministry table applies: the tariff's start of validity, else the act's date."""
        return self.valid_from or self.act_date

    def status(self, name: str) -> str:
        """The status of a figure; a figure without a source entry is unverified."""
        entry = self.sources.get(name)
        if isinstance(entry, dict) and entry.get("status") in FIGURE_STATUSES:
            return str(entry["status"])
        return "unverified"

    def row_status(self, row: dict[str, Any], name: str) -> str:
        """A staff or hourly-cost row may carry its own status; else the list's."""
        status = row.get("status")
        return str(status) if status in FIGURE_STATUSES else self.status(name)

    def total(self) -> tuple[float | None, str]:
        """The whole remuneration per unit (all quotas) and its status: the amount, else health + social."""
        if self.amount is not None:
            return self.amount, self.status("amount")
        if self.health_share is not None and self.social_share is not None:
            worst = _worst(self.status("health_share"), self.status("social_share"))
            return self.health_share + self.social_share, worst
        return None, "unverified"

    def compared_figure(self) -> tuple[str, float] | None:
        """The figure a series is compared on: the whole amount, else the health quota, else the social one."""
        for name in ("amount", "health_share", "social_share"):
            value = getattr(self, name)
            if value is not None:
                return name, value
        return None

    def evidence(self, *names: str) -> list[dict[str, Any]]:
        """Where the figures were read: the act (page, sentence) or the secondary page, one item per figure."""
        items = []
        for name in names:
            entry = self.sources.get(name)
            if not isinstance(entry, dict):
                continue
            item = {"field": name, "status": self.status(name)}
            if entry.get("text"):
                item["text"] = str(entry["text"])
            if entry.get("page"):
                item["page"] = entry["page"]
            source = entry.get("source") or self.act_url
            if source:
                item["url" if str(source).startswith("http") else "source"] = str(source)
            items.append(item)
        return items


_ORDER = {s: i for i, s in enumerate(FIGURE_STATUSES)}


def _worst(*statuses: str) -> str:
    return max(statuses, key=lambda s: _ORDER.get(s, len(FIGURE_STATUSES)))


def worst_status(statuses: list[str]) -> str:
    return _worst(*statuses) if statuses else "unverified"


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "si", "sì", "yes", "1")


def tariff_from_mapping(data: dict[str, Any], *, today: dt.date | None = None) -> TariffContext:
    """A context from a plain mapping (case files, `rules` tests): dates as ISO strings or dates; `earlier` a
    list of {valid_from, amount, increase_pct, act, status}."""
    earlier = [EarlierTariff(to_date(e.get("valid_from"), "earlier.valid_from"), to_float(e.get("amount")),
                             to_float(e.get("increase_pct")), str(e.get("act") or "atto precedente"),
                             str(e.get("status") or "unverified"), to_float(e.get("health_share")),
                             to_float(e.get("social_share")))
               for e in data.get("earlier") or []]
    earlier.sort(key=lambda e: e.valid_from or dt.date.min)
    return TariffContext(
        region=data.get("region"), service_type=str(data.get("service_type") or ""),
        service_label=data.get("service_label"), variant=str(data.get("variant") or ""),
        care_setting=data.get("care_setting"), act_kind=str(data.get("act_kind") or ""),
        act_number=None if data.get("act_number") is None else str(data.get("act_number")),
        act_date=to_date(data.get("act_date"), "act_date"), act_title=data.get("act_title"), act_url=data.get("act_url"),
        valid_from=to_date(data.get("valid_from"), "valid_from"), valid_to=to_date(data.get("valid_to"), "valid_to"),
        amount=to_float(data.get("amount")), unit=str(data.get("unit") or "day"),
        health_share=to_float(data.get("health_share")), social_share=to_float(data.get("social_share")),
        increase_pct=to_float(data.get("increase_pct")),
        increase_since=to_date(data.get("increase_since"), "increase_since"),
        labour_share_pct=to_float(data.get("labour_share_pct")),
        staff=list(data.get("staff") or []), hourly_costs=list(data.get("hourly_costs") or []),
        other_costs=list(data.get("other_costs") or []), revision_clause=_bool(data.get("revision_clause")),
        sources=dict(data.get("sources") or {}), earlier=earlier, later_exists=bool(data.get("later_exists")),
        tariff_id=data.get("id"), today=to_date(data.get("today"), "today") or today or dt.date.today(),
    )


@dataclass
class ActContext:
    """An act seen by the legislation watch (R-ACC-6)."""

    title: str
    region: str | None = None
    act_kind: str | None = None
    act_number: str | None = None
    act_date: dt.date | None = None
    url: str | None = None
