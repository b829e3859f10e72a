"""`observatory sources`: placeholder until issue 3 lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
