"""`observatory crawl`: placeholder until issue 5 (national feeds) and 3 (regional portals) lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
