"""`build_report`: collect the figures of a period, draw the charts, write HTML, PDF and XLSX into a folder.

    files = build_report(session, parse_period("2026-Q3"), region="08", output=Path("rapporto"))

The three files come from the same figures; the charts are also written as SVG files beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from reports import charts
from reports.figures import ReportData, collect
from reports.html import render_html
from reports.pdf import render_pdf
from reports.period import Period
from reports.regions import region_label
from reports.xlsx import render_xlsx


@dataclass
class ReportFiles:
    html: Path
    pdf: Path
    xlsx: Path
    charts: list[Path] = field(default_factory=list)
    data: ReportData | None = None


def build_report(session: Session, period: Period, output: Path, *, region: str | None = None) -> ReportFiles:
    data = collect(session, period, region)
    region_name = region_label(region) if region else None
    scope = f"Regione {region_name}" if region_name else "Italia"
    title = f"Rapporto dell'Osservatorio su appalti e accreditamenti — {scope}, {period.label}"
    subtitle = ("Monitoraggio dei bandi per i servizi sociali, socio-sanitari ed educativi e delle tariffe "
                "dell'accreditamento rispetto alla legge e al CCNL Cooperative sociali 2023-2025.")
    output.mkdir(parents=True, exist_ok=True)
    stem = f"rapporto-{period.code.lower()}" + (f"-{region}" if region else "")
    svgs: dict[str, str | None] = {}
    pngs: dict[str, bytes | None] = {}
    files = ReportFiles(output / f"{stem}.html", output / f"{stem}.pdf", output / f"{stem}.xlsx", data=data)
    for figure in data.figures:
        svg = charts.render(figure, "svg")
        svgs[figure.key] = svg.decode("utf-8") if svg else None
        pngs[figure.key] = charts.render(figure, "png") if svg else None
        if svg:
            path = output / f"{stem}-{figure.key}.svg"
            path.write_bytes(svg)
            files.charts.append(path)
    files.html.write_text(render_html(data, svgs, title=title, subtitle=subtitle, region_name=region_name),
                          encoding="utf-8")
    files.pdf.write_bytes(render_pdf(data, pngs, title=title, subtitle=subtitle, region_name=region_name))
    files.xlsx.write_bytes(render_xlsx(data, title=title))
    return files
