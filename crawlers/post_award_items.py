"""Items of the post-award spiders (registry, execution, payments). Pipelines write them:
`crawlers.pipelines.post_award.PostAwardPipeline` (set by each of these spiders in custom_settings,
so they never pass through the notice pipelines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authorities.figures import PageReading


@dataclass
class RegistryRowItem:
    """One row of ANAC's stazioni-appaltanti dataset (keys lower-cased)."""

    source: str
    row: dict[str, str]
    origin: str  # the file URL


@dataclass
class ExecutionRowItem:
    """One row of a BDNCP dataset (`dataset` names it) or one OCDS compiled release (`dataset` "ocds")."""

    source: str
    dataset: str
    row: dict[str, Any]
    origin: str


@dataclass
class PaymentPageItem:
    """What one payments page (or one file linked from it) said for one authority."""

    source: str
    fiscal_code: str
    authority_name: str
    url: str
    reading: PageReading
    period_hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
