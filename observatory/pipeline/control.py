"""Stopping a run between stages: SIGTERM sets a flag that the run checks before each stage."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Set by the SIGTERM handler of `observatory run` / `observatory schedule`; checked between stages.
_stop_requested = threading.Event()


def request_stop() -> None:
    _stop_requested.set()


def clear_stop() -> None:
    _stop_requested.clear()


def stop_requested() -> bool:
    return _stop_requested.is_set()


def install_stop_handler(signals: tuple[int, ...] = (signal.SIGTERM,)) -> Callable[[], None]:
    """Make SIGTERM request a stop between stages (instead of killing mid-write); returns the undo."""

    def handler(signum: int, _frame: object) -> None:
        logger.warning("%s received: the running stage finishes, the rest are skipped", signal.Signals(signum).name)
        request_stop()

    previous = {sig: signal.signal(sig, handler) for sig in signals}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
