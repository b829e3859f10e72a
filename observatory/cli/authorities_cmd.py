"""`observatory authorities`: placeholder until issue 9 lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
