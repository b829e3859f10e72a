"""`observatory alerts`: placeholder until issue 4 lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
