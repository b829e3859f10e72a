"""`observatory extract`: placeholder until issue 8 lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
