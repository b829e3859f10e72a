"""`observatory tables`: placeholder until issue 6 lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
