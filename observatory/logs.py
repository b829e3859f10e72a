"""Logging: one line per event; noisy libraries turned down; document bytes never logged."""

from __future__ import annotations

import logging

NOISY = ("pdfminer", "pdfplumber", "scrapy.core.scraper", "urllib3", "apscheduler.executors", "alembic.runtime")


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )
    for name in NOISY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
