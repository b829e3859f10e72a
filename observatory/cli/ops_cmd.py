"""`observatory run/schedule/status`: placeholder until issue 7 lands; it says so instead of pretending."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    pass
