"""The report as PDF with reportlab (DejaVu Sans from matplotlib's own fonts: accents and € without system
fonts), charts as PNG images, tables as on the HTML page."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.figures import ReportData
from reports.html import cell, it_date, it_datetime

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _fonts() -> tuple[str, str]:
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


def render_pdf(data: ReportData, pngs: dict[str, bytes | None], *, title: str, subtitle: str,
               region_name: str | None) -> bytes:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    styles = {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=16),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=regular, fontSize=9, leading=12),
        "method": ParagraphStyle("m", parent=base["BodyText"], fontName=regular, fontSize=8, leading=11,
                                 backColor=colors.HexColor("#f5f7fa"), borderPadding=4),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontName=regular, fontSize=7, leading=9),
    }
    p = data.provenance
    story = [Paragraph(escape(title), styles["title"]), Paragraph(escape(subtitle), styles["body"]), Spacer(1, 6),
             Paragraph(escape(
                 f"Periodo: {p.period.label} ({it_date(p.period.start)} – {it_date(p.period.end)}); "
                 f"{'regione: ' + region_name if region_name else 'tutte le regioni'}. Gare in ambito: {p.notices}. "
                 f"Generato il {it_datetime(p.generated_at)}, versione {p.code_version}, estrattore {p.extractor_version}."),
                 styles["method"])]
    for number, figure in enumerate(data.figures, start=1):
        story += [Spacer(1, 10), Paragraph(escape(f"{number}. {figure.title}"), styles["h2"])]
        if figure.summary:
            story.append(Paragraph(f"<b>{escape(figure.summary)}</b>", styles["body"]))
        story.append(Paragraph("<b>Come è calcolato.</b> " + escape(figure.method), styles["method"]))
        png = pngs.get(figure.key)
        if png:
            image = Image(io.BytesIO(png))
            scale = 17 * cm / image.drawWidth
            image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
            story += [Spacer(1, 4), image]
        if figure.rows:
            header = [Paragraph(escape(label), styles["cell"]) for _, label in figure.columns]
            body = [[Paragraph(escape(cell(row[key])), styles["cell"]) for key, _ in figure.columns]
                    for row in figure.rows[:60]]
            table = Table([header, *body], repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [Spacer(1, 4), table]
            if len(figure.rows) > 60:
                story.append(Paragraph(escape(f"Prime 60 righe di {len(figure.rows)}: l'elenco completo è nel file XLSX."),
                                       styles["body"]))
        else:
            story.append(Paragraph("Nessun dato nel periodo.", styles["body"]))
        if figure.note:
            story.append(Paragraph(escape(figure.note), styles["body"]))
    story += [Spacer(1, 10), Paragraph("Fonti e versioni", styles["h2"]),
              Paragraph(escape("; ".join(f"{s['name']}: {s['health']}, ultima raccolta {s['last_success_at'] or 'mai'}"
                                         for s in p.sources) or "nessuna fonte registrata"), styles["body"]),
              Paragraph(escape("Regole: " + ", ".join(f"{c} v{v}" for c, v in p.rules.items())), styles["body"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Osservatorio appalti e accreditamenti",
                      leftMargin=2 * cm, rightMargin=2 * cm).build(story)
    return buffer.getvalue()
