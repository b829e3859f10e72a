"""Progress bars for long stages (extraction of hundreds of documents), drawn only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from observatory.pipeline import ProgressFactory

LABELS = {"extract": "reading documents", "crawl": "crawling sources"}


def terminal_progress(enabled: bool | None = None) -> ProgressFactory | None:
    """A factory of `(done, total)` callbacks drawing one bar per stage, or None when not on a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None

    def factory(stage: str) -> Callable[[int, int], None]:
        state: dict[str, object] = {}

        def update(done: int, total: int) -> None:
            bar = state.get("bar")
            if bar is None:
                if total <= 0:
                    return
                bar = click.progressbar(length=total, label=LABELS.get(stage, stage), file=sys.stderr)
                bar.__enter__()
                state["bar"], state["shown"] = bar, 0
            step = done - int(state["shown"])  # type: ignore[call-overload]
            if step > 0:
                bar.update(step)  # type: ignore[attr-defined]
                state["shown"] = done
            if done >= total:
                bar.__exit__(None, None, None)  # type: ignore[attr-defined]
                state.clear()

        return update

    return factory
