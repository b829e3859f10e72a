"""National and regional reports (`observatory report --period 2026-Q3 [--region CODE] --output DIR`): the
figures of a period (`figures.py`, every one with how it was computed and on which data), charts
(`charts.py`, matplotlib), and the three outputs written from the same figures: HTML (`html.py`), PDF
(`pdf.py`, reportlab) and XLSX with native charts (`xlsx.py`). `build.py` ties them together."""
