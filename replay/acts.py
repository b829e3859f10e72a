"""Regional tariff acts as PDF, built in the documented shape of a DGR with its annex (ACCREDITATION.md §4: the
amounts sit in PDF annex tables). No real DGR annex could be opened, so the demo's replay and the tests build
their acts here: the figures are illustrative, never a Region's own (the replay pages say so).

Two layouts, as two Regions would print them: "table" (a ruled annex table, one row per service and variant,
columns tariff / quota sanitaria / quota sociale) and "list" (an annex written as lines of text with the amount
at the end, the staff standard as "minuti settimanali").
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
          "novembre", "dicembre")


def long_date(date: dt.date) -> str:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def euro(value: float) -> str:
    return "€ " + f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


@dataclass
class ActSpec:
    region_name: str
    number: int
    date: dt.date
    valid_from: dt.date
    title: str
    # (service label, variant, tariff, quota sanitaria or None, quota sociale or None)
    tariffs: list[tuple[str, str, float, float | None, float | None]] = field(default_factory=list)
    # (profile, level or "", minutes)
    staff: list[tuple[str, str, float]] = field(default_factory=list)
    staff_per: str = "day"
    # (profile, level, € per hour)
    hourly_costs: list[tuple[str, str, float]] = field(default_factory=list)
    layout: str = "table"


def act_pdf(spec: ActSpec) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=spec.title)
    story = [
        Paragraph(f"REGIONE {spec.region_name.upper()}", styles["Title"]),
        Paragraph(f"DELIBERAZIONE DELLA GIUNTA REGIONALE n. {spec.number} del {long_date(spec.date)}", styles["Heading2"]),
        Paragraph(spec.title, styles["Heading3"]),
        Spacer(1, 12),
        Paragraph("LA GIUNTA REGIONALE, richiamati la L. 328/2000, il D.Lgs. 502/1992 art. 8-quater e il DPCM 12 gennaio "
                  "2017, considerato il rinnovo del CCNL delle cooperative sociali 2023-2025 e i costi orari del "
                  "Ministero del Lavoro, a voti unanimi DELIBERA di approvare le tariffe dell'Allegato A, che si "
                  f"applicano a decorrere dal {long_date(spec.valid_from)}.", styles["BodyText"]),
        PageBreak(),
        Paragraph("Allegato A - Sistema tariffario", styles["Heading2"]),
    ]
    if spec.layout == "table":
        rows = [["Servizio", "Livello assistenziale", "Tariffa giornaliera", "Quota sanitaria", "Quota sociale"]]
        rows += [[s, v, euro(t), euro(h) if h else "-", euro(c) if c else "-"] for s, v, t, h, c in spec.tariffs]
        table = Table(rows, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8)]))
        story.append(table)
    else:
        story.append(Paragraph("Tariffe giornaliere pro die per ospite (Euro)", styles["BodyText"]))
        for s, v, t, _, _ in spec.tariffs:
            story.append(Paragraph(f"{s} - {v} {euro(t)}" if v else f"{s} {euro(t)}", styles["BodyText"]))
    if spec.staff:
        story.append(Spacer(1, 12))
        per = "settimanali" if spec.staff_per == "week" else "al giorno"
        story.append(Paragraph("Allegato B - Standard di personale", styles["Heading2"]))
        if spec.layout == "table":
            rows = [["Figura professionale", "Livello CCNL", f"Minuti per ospite {per}"]]
            rows += [[p, lv, f"{m:g}"] for p, lv, m in spec.staff]
            story.append(Table(rows, style=[("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
        else:
            story.append(Paragraph(f"Minuti di assistenza {per} per ospite", styles["BodyText"]))
            for p, lv, m in spec.staff:
                story.append(Paragraph(f"{p} {'(cat. ' + lv + ')' if lv else ''} {m:g} minuti", styles["BodyText"]))
    if spec.hourly_costs:
        story.append(Spacer(1, 12))
        story.append(Paragraph("Allegato C - Costi orari del personale assunti (DD 30/2024)", styles["Heading2"]))
        rows = [["Profilo", "Livello", "Costo orario"]] + [[p, lv, euro(c)] for p, lv, c in spec.hourly_costs]
        story.append(Table(rows, style=[("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    doc.build(story)
    return buffer.getvalue()
