"""What the pipeline's parts exchange: a stage's context and result, the reports, and the helpers that
turn a stage implementation's summary into JSON-ready counts."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any

from sqlalchemy import Engine

from kernel.settings import Settings

STAGE_ORDER = ("crawl", "extract", "rules", "alerts")
TRIGGERS = ("cli", "schedule", "catch-up", "retry", "demo", "test")


class StageUnavailable(Exception):
    """The package implementing a stage is not installed (yet): the stage is skipped, not failed."""


@dataclass
class StageResult:
    """What a stage function returns; an exception instead means the stage failed."""

    status: str = "ok"  # ok, partial (some sources or items failed), failed, skipped
    counts: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None


@dataclass
class StageContext:
    settings: Settings
    engine: Engine
    pipeline_id: int
    run_id: int  # this stage's run_record id (parent of the crawl subprocesses' records)
    sources: tuple[str, ...] | None
    crawl_options: Mapping[str, Any]
    progress: ProgressFactory | None
    trigger: str = "cli"


# A progress factory makes a callback `(done, total) -> None` for a named long step (the CLI draws bars).
ProgressFactory = Callable[[str], Callable[[int, int], None]]
StageFunction = Callable[[StageContext], StageResult]


@dataclass
class StageReport:
    name: str
    run_id: int | None
    status: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counts: dict[str, Any]
    errors: list[dict[str, Any]]
    note: str | None = None

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


@dataclass
class PipelineReport:
    run_id: int
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    sources: tuple[str, ...] | None
    stages: list[StageReport]
    lock_note: str | None = None

    def stage(self, name: str) -> StageReport | None:
        return next((s for s in self.stages if s.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for item in [data, *data["stages"]]:
            for key in ("started_at", "finished_at"):
                if item[key] is not None:
                    item[key] = item[key].isoformat()
        data["sources"] = list(self.sources) if self.sources is not None else None
        return data


def import_stage(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise StageUnavailable(f"not available: {module} is not installed") from None
        raise
    try:
        return getattr(mod, name)
    except AttributeError:
        raise StageUnavailable(f"not available: {module}.{name} does not exist") from None


def plain(value: Any) -> Any:
    """A summary object (dataclass, mapping, counter) as JSON-ready data for run_record.counts."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def sum_numbers(items: Iterable[Mapping[str, Any]]) -> dict[str, int | float]:
    total: dict[str, int | float] = {}
    for counts in items:
        for key, value in (counts or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
    return total
