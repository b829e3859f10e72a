"""The report as one HTML page (Jinja2, autoescaped), charts inline as SVG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.figures import ReportData

TEMPLATES = Path(__file__).resolve().parent / "templates"


def cell(value: Any) -> str:
    """Italian numbers in table cells: 1.234,5."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(value)


def it_date(value: dt.date) -> str:
    return f"{value.day}/{value.month}/{value.year}"


def it_datetime(value: dt.datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M UTC")


def render_html(data: ReportData, charts: dict[str, str | None], *, title: str, subtitle: str, region_name: str | None) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(("html",)),
                      undefined=StrictUndefined)
    env.filters.update({"cell": cell, "it_date": it_date, "it_datetime": it_datetime})
    return env.get_template("report.html").render(title=title, subtitle=subtitle, p=data.provenance, figures=data.figures,
                                                  charts=charts, region_name=region_name)
