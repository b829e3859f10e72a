"""Every figure of the report in an XLSX workbook: one sheet per figure (its method in the first rows, the table,
a native Excel chart of the same data), a "Metodo e fonti" sheet with the provenance."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from reports.figures import Figure, ReportData
from reports.html import it_date, it_datetime

SHEET_NAMES = {"calls": "Gare", "violations": "Violazioni", "labour_gap": "Scarto manodopera",
               "lowest_price": "Prezzo più basso", "payments": "Tempi di pagamento", "tariffs": "Tariffe",
               "unverifiable": "Non verificabile"}
CHART_COLUMNS = {"calls": None, "violations": ("count", "previous"), "labour_gap": ("count",),
                 "lowest_price": ("share",), "payments": ("itp_days",), "tariffs": ("increase_pct",),
                 "unverifiable": ("checks",)}


def _sheet(workbook: Workbook, figure: Figure) -> None:
    sheet = workbook.create_sheet(SHEET_NAMES.get(figure.key, figure.key)[:31])
    sheet["A1"] = figure.title
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = "Come è calcolato: " + figure.method
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(len(figure.columns), 4))
    sheet.row_dimensions[2].height = 90
    if figure.summary:
        sheet["A3"] = figure.summary
    header_row = 5
    for column, (_, label) in enumerate(figure.columns, start=1):
        cell = sheet.cell(header_row, column, label)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, min(len(label) + 4, 50))
    for index, row in enumerate(figure.rows, start=header_row + 1):
        for column, (key, _) in enumerate(figure.columns, start=1):
            sheet.cell(index, column, row[key])
    wanted = CHART_COLUMNS.get(figure.key)
    if figure.rows and wanted:
        keys = [k for k, _ in figure.columns]
        chart = BarChart()
        chart.type = "bar" if figure.key in ("payments", "tariffs", "lowest_price", "unverifiable") else "col"
        chart.title = figure.title[:60]
        last = header_row + len(figure.rows)
        for key in wanted:
            column = keys.index(key) + 1
            chart.add_data(Reference(sheet, min_col=column, min_row=header_row, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last))
        chart.height, chart.width = 9, 18
        sheet.add_chart(chart, f"{sheet.cell(1, len(keys) + 2).column_letter}5")


def render_xlsx(data: ReportData, *, title: str) -> bytes:
    workbook = Workbook()
    about = workbook.active
    about.title = "Metodo e fonti"
    p = data.provenance
    lines = [
        (title, None), ("Periodo", f"{p.period.label} ({it_date(p.period.start)} – {it_date(p.period.end)})"),
        ("Regione", p.region or "tutte"), ("Gare in ambito", p.notices), ("Generato", it_datetime(p.generated_at)),
        ("Versione del sistema", p.code_version), ("Versione dell'estrattore", p.extractor_version),
        ("Regole", ", ".join(f"{c} v{v}" for c, v in p.rules.items())), ("", None), ("Fonte", "Stato, ultima raccolta"),
    ]
    lines += [(f"{s['name']} ({s['code']})", f"{s['health']}, {s['last_success_at'] or 'mai'}") for s in p.sources]
    for row, (label, value) in enumerate(lines, start=1):
        about.cell(row, 1, label)
        if value is not None:
            about.cell(row, 2, value)
    about["A1"].font = Font(bold=True, size=13)
    about.column_dimensions["A"].width = 45
    about.column_dimensions["B"].width = 90
    for figure in data.figures:
        _sheet(workbook, figure)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
