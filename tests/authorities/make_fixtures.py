"""Build the fixtures of tests/authorities/files (run once; the outputs are committed).

    .venv/bin/python tests/authorities/make_fixtures.py

Every file is BUILT in the documented shape of the real source, not captured: see files/README.md.
reportlab and Pillow are used here only (not by the project's code).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files"

REGISTRY_HEADER = [
    "codice_fiscale", "partita_iva", "denominazione", "codice_ausa", "natura_giuridica_codice",
    "natura_giuridica_descrizione", "soggetto_estero", "provincia_codice", "provincia_nome", "citta_codice",
    "citta_nome", "indirizzo_odonimo", "cap", "flag_inHouse", "flag_partecipata", "stato", "data_inizio", "data_fine",
]
REGISTRY_ROWS = [
    ["80017980634", "01243451210", "COMUNE DI ERCOLANO", "", "4", "COMUNE", "0", "263", "NAPOLI", "063064", "ERCOLANO", "CORSO RESINA 39", "80056", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["00125680033", "00125680033", "COMUNE DI NOVARA", "", "4", "COMUNE", "0", "003", "NOVARA", "003106", "NOVARA", "VIA FRATELLI ROSSELLI 1", "28100", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["01199250158", "01199250158", "COMUNE DI MILANO", "", "4", "COMUNE", "0", "215", "MILANO", "015146", "MILANO", "PIAZZA DELLA SCALA 2", "20121", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["00514490010", "00514490010", "COMUNE DI TORINO", "", "4", "COMUNE", "0", "201", "TORINO", "001272", "TORINO", "PIAZZA PALAZZO DI CITTA 1", "10122", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["83000350724", "", "COMUNE DI TRANI", "0000245464", "4", "COMUNE", "0", "110", "BARLETTA-ANDRIA-TRANI", "110009", "TRANI", "VIA TENENTE LUIGI MORRICO 2", "76125", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["80015010723", "", "COMUNE DI BARI", "", "4", "COMUNE", "0", "272", "BARI", "072006", "BARI", "CORSO VITTORIO EMANUELE II 84", "70122", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["00221940364", "00221940364", "COMUNE DI MODENA", "", "4", "COMUNE", "0", "036", "MODENA", "036023", "MODENA", "PIAZZA GRANDE 16", "41121", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["00147990923", "", "COMUNE DI CAGLIARI", "", "4", "COMUNE", "0", "292", "CAGLIARI", "092009", "CAGLIARI", "VIA ROMA 145", "09124", "0", "0", "ATTIVA", "2008-01-01", ""],
    ["06328131211", "06328131211", "AZIENDA SANITARIA LOCALE NAPOLI 1 CENTRO", "", "12", "AZIENDA SANITARIA LOCALE", "0", "263", "NAPOLI", "063049", "NAPOLI", "VIA COMUNALE DEL PRINCIPE 13/A", "80145", "0", "0", "ATTIVA", "2010-01-01", ""],
    ["05678721001", "05678721001", "AGENZIA NAZIONALE PER L ATTRAZIONE DEGLI INVESTIMENTI E LO SVILUPPO D IMPRESA S.P.A.", "", "30", "SOCIETA PER AZIONI", "0", "258", "ROMA", "058091", "ROMA", "VIA CALABRIA 46", "00187", "1", "1", "ATTIVA", "2008-01-01", ""],
    ["05359681003", "05359681003", "CONSIP S.P.A.", "", "30", "SOCIETA PER AZIONI", "0", "258", "ROMA", "058091", "ROMA", "VIA ISONZO 19/E", "00198", "1", "1", "ATTIVA", "2008-01-01", ""],
    # Synthetic pair (codes invented for the test, marked in README): one body under one AUSA code that
    # changed fiscal code; the old row is closed.
    ["99000000011", "", "CONSORZIO SERVIZI SOCIALI ESEMPIO", "0000999001", "40", "CONSORZIO", "0", "036", "MODENA", "036023", "MODENA", "VIA ESEMPIO 1", "41121", "0", "0", "CESSATA", "2010-01-01", "2023-12-31"],
    ["99000000029", "", "AZIENDA SERVIZI ALLA PERSONA ESEMPIO", "0000999001", "40", "AZIENDA SPECIALE", "0", "036", "MODENA", "036023", "MODENA", "VIA ESEMPIO 1", "41121", "0", "0", "ATTIVA", "2024-01-01", ""],
    # Place deliberately blank (the real row has one): exercises the "unplaced, listed" path.
    ["94143220542", "", "AGENZIA FORESTALE REGIONALE", "", "50", "AGENZIA REGIONALE", "0", "", "", "", "", "", "", "0", "0", "ATTIVA", "2012-01-01", ""],
    # Not a fiscal code: rejected and counted, never stored.
    ["ABC", "", "RIGA SENZA CODICE FISCALE VALIDO", "", "", "", "0", "036", "MODENA", "", "", "", "", "0", "0", "ATTIVA", "", ""],
]

BDNCP = {
    "aggiudicazioni": (
        ["cig", "id_aggiudicazione", "data_aggiudicazione_definitiva", "esito", "criterio_aggiudicazione",
         "data_comunicazione_esito", "numero_offerte_ammesse", "numero_offerte_escluse", "importo_aggiudicazione",
         "ribasso_aggiudicazione", "num_imprese_offerenti", "flag_subappalto", "cod_esito", "num_imprese_richiedenti",
         "asta_elettronica", "num_imprese_invitate", "massimo_ribasso", "minimo_ribasso", "FLAG_SCOMPUTO",
         "COD_PRESTAZIONI_COMPRESE", "PRESTAZIONI_COMPRESE", "CIG_PROG_ESTERNA", "DATA_INCARICO_PROG", "DATA_CONS_PROG",
         "COD_MODO_RIAGGIUDICAZIONE", "MODO_RIAGGIUDICAZIONE", "FLAG_PROC_ACCELERATA", "N_MANIF_INTERESSE"],
        [
            ["BBEE0B3E8D", "91000001", "2026-09-15", "AGGIUDICATA", "OFFERTA ECONOMICAMENTE PIU' VANTAGGIOSA", "2026-09-20", "3", "0", "417040.18", "0.0823", "3", "1", "1", "", "0", "", "", "", "", "", "", "", "", "", "", "", "0", ""],
            # Same CIG as the real OCDS award (811537.41): agrees.
            ["8949845DB9", "90500001", "2022-04-12", "AGGIUDICATA", "PREZZO PIU' BASSO", "2022-04-20", "5", "1", "811537.41", "1.0824", "6", "0", "1", "", "0", "", "", "", "", "", "", "", "", "", "", "", "0", ""],
            # OCDS says 624198.4: the BDNCP figure differs (digits swapped) -> a recorded conflict.
            ["90612571D4", "90500002", "2022-07-21", "AGGIUDICATA", "OFFERTA ECONOMICAMENTE PIU' VANTAGGIOSA", "2022-07-28", "4", "0", "642198.40", "12.5", "4", "1", "1", "", "0", "", "", "", "", "", "", "", "", "", "", "", "0", ""],
            ["8998391B27", "90500003", "2022-07-18", "AGGIUDICATA", "OFFERTA ECONOMICAMENTE PIU' VANTAGGIOSA", "2022-07-25", "2", "0", "6359227.39", "0.031", "2", "1", "1", "", "0", "", "", "", "", "", "", "", "", "", "", "", "0", ""],
            # Two awards of one CIG (re-award) with different amounts: both kept, flagged.
            ["7512878F0A", "70100001", "2018-10-30", "AGGIUDICATA", "OFFERTA ECONOMICAMENTE PIU' VANTAGGIOSA", "2018-11-05", "3", "0", "3430000", "0.05", "3", "1", "1", "", "0", "", "", "", "", "", "", "", "", "", "", "", "0", ""],
            ["7512878F0A", "70100002", "2019-03-12", "AGGIUDICATA", "OFFERTA ECONOMICAMENTE PIU' VANTAGGIOSA", "2019-03-15", "3", "0", "3395700", "0.06", "3", "1", "1", "", "0", "", "", "", "", "", "", "", "", "", "", "", "0", ""],
            ["NOT-A-CIG", "1", "2024-01-01", "AGGIUDICATA", "PREZZO PIU' BASSO", "", "", "", "1000", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ],
    ),
    "avvio-contratto": (
        ["cig", "data_stipula_contratto", "data_esecutivita_contratto", "data_termine_contrattuale",
         "data_verbale_consegna_definitiva", "data_inizio_effettiva", "data_verbale_prima_consegna",
         "consegna_frazionata", "consegna_sotto_riserva", "id_aggiudicazione"],
        [
            ["BBEE0B3E8D", "2026-09-28", "2026-09-28", "2029-09-30", "", "2026-10-01", "", "0", "0", "91000001"],
            ["90612571D4", "2022-08-30", "2022-08-30", "2029-07-31", "2022-09-01", "2022-09-01", "", "0", "0", "90500002"],
            ["8998391B27", "2023-02-20", "2023-02-20", "2031-07-31", "2023-03-07", "2023-03-07", "", "0", "0", "90500003"],
        ],
    ),
    "fine-contratto": (
        ["cig", "cod_motivo_risoluzione", "motivo_risoluzione", "cod_motivo_interruzione_anticipata",
         "motivo_interruzione_anticipata", "data_conclusione_anticipata", "data_effettiva_ultimazione",
         "id_aggiudicazione", "giorni_proroga"],
        [
            ["8949845DB9", "", "", "", "", "", "2023-03-15", "90500001", "0"],
        ],
    ),
    "varianti": (
        ["id_variante", "cod_motivo_variante", "motivo_variante", "data_approvazione_variante", "cig", "id_aggiudicazione"],
        [
            ["500001", "9", "REVISIONE PREZZI (ART. 60 D.LGS. 36/2023)", "2024-11-15", "90612571D4", "90500002"],
        ],
    ),
    "sospensioni": (
        ["cig", "data_sospensione", "data_ripresa", "descrizione_motivo", "id_aggiudicazione"],
        [
            ["8998391B27", "2024-06-10", "2024-09-02", "SOSPENSIONE ESTIVA DEL SERVIZIO DI REFEZIONE", "90500003"],
        ],
    ),
}


# National payment platform (PCC) files, L. 145/2018 art. 1 c. 869-870. The variables are the ones the
# RGS lists for these publications; the column names and layout are OURS (no copy of the real files
# was available): the reader matches columns by their words, not by position.
PCC_TIMES_HEADER = [
    "Codice fiscale ente", "Denominazione ente", "Anno", "Trimestre", "Numero fatture ricevute",
    "Importo fatture ricevute", "Numero fatture pagate", "Importo pagato", "Tempo medio ponderato di pagamento",
    "Tempo medio ponderato di ritardo",
]
PCC_TIMES_ROWS = [
    ["00221940364", "COMUNE DI MODENA", "2025", "1", "3120", "41.250.318,22", "2790", "35.902.114,07", "27,41", "-2,59"],
    ["00221940364", "COMUNE DI MODENA", "2025", "2", "6310", "86.004.921,50", "5902", "77.310.552,18", "28,02", "-1,98"],
    ["00221940364", "COMUNE DI MODENA", "2025", "3", "9380", "129.450.610,35", "8911", "118.200.431,96", "29,15", "-0,85"],
    # Ercolano pays late: delay above 30 days.
    ["80017980634", "COMUNE DI ERCOLANO", "2025", "1", "610", "6.140.220,10", "402", "3.902.118,44", "78,30", "48,30"],
    ["80017980634", "COMUNE DI ERCOLANO", "2025", "2", "1244", "12.980.411,75", "901", "8.811.902,13", "74,12", "44,12"],
    ["80017980634", "COMUNE DI ERCOLANO", "2025", "3", "1850", "19.411.032,64", "1402", "13.970.555,02", "71,95", "41,95"],
    # Bari publishes a plain average on its own page (not comparable); the PCC's DPCM figure is.
    ["80015010723", "COMUNE DI BARI", "2025", "1", "4102", "60.310.221,40", "3801", "55.102.310,99", "41,20", "11,20"],
    ["80015010723", "COMUNE DI BARI", "2025", "2", "8233", "118.500.640,02", "7655", "108.644.201,30", "39,87", "9,87"],
    # Cagliari: the second quarter is absent (a gap the series records as missing).
    ["00147990923", "COMUNE DI CAGLIARI", "2025", "1", "2950", "38.911.602,00", "2702", "35.110.245,81", "24,05", "-5,95"],
    ["00147990923", "COMUNE DI CAGLIARI", "2025", "3", "8710", "120.554.019,43", "8290", "113.008.551,20", "22,61", "-7,39"],
    # The same administration and quarter twice with different delays: kept first, both named.
    ["06328131211", "AZIENDA SANITARIA LOCALE NAPOLI 1 CENTRO", "2025", "1", "15220", "402.118.550,00", "12010", "330.551.209,66", "95,40", "35,40"],
    ["06328131211", "AZIENDA SANITARIA LOCALE NAPOLI 1 CENTRO", "2025", "1", "15220", "402.118.550,00", "12010", "330.551.209,66", "95,40", "53,40"],
    # Leading zeros lost by a spreadsheet (00514490010): read back as the 11-digit code.
    ["514490010", "COMUNE DI TORINO", "2025", "1", "5201", "98.220.501,10", "4980", "91.003.442,55", "31,50", "1,50"],
    # Not a fiscal code: rejected and put on the run record.
    ["N.D.", "ENTE SENZA CODICE", "2025", "1", "1", "100,00", "1", "100,00", "30,00", "0,00"],
]
PCC_STOCK_HEADER = ["Codice fiscale ente", "Denominazione ente", "Anno", "Stock debiti commerciali scaduti e non pagati"]
PCC_STOCK_ROWS = [
    ["00221940364", "COMUNE DI MODENA", "2024", "1.204.330,18"],
    ["80017980634", "COMUNE DI ERCOLANO", "2024", "8.901.225,40"],
    ["80015010723", "COMUNE DI BARI", "2024", "3.310.044,92"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


PAGE = """<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<header><nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="#">Amministrazione trasparente</a> &gt;
<a href="#">Pagamenti dell'amministrazione</a> &gt; <span>{crumb}</span></nav></header>
<main id="main-container">
<h1>{title}</h1>
{body}
<p class="small">Ultimo aggiornamento: {updated}</p>
</main>
</body></html>
"""

MODENA = PAGE.format(
    title="Indicatore di tempestività dei pagamenti", crumb="Indicatore di tempestività dei pagamenti",
    updated="20/10/2025",
    body="""<p>Indicatore trimestrale e annuale di tempestività dei pagamenti, calcolato ai sensi dell'art. 9 del
DPCM 22 settembre 2014 come somma, per ciascuna fattura, dei giorni intercorrenti tra la data di scadenza
e la data di pagamento moltiplicati per l'importo dovuto, rapportata alla somma degli importi pagati.
Un valore negativo indica pagamenti mediamente effettuati prima della scadenza.</p>
<table class="table">
<thead><tr><th>Periodo</th><th>Indicatore di tempestività (giorni)</th><th>Ammontare complessivo dei debiti scaduti (euro)</th><th>Numero imprese creditrici</th></tr></thead>
<tbody>
<tr><td>I trimestre 2024</td><td>-6,12</td><td>1.254.300,12</td><td>41</td></tr>
<tr><td>II trimestre 2024</td><td>-4,87</td><td>1.102.004,50</td><td>37</td></tr>
<tr><td>IV trimestre 2024</td><td>-3,05</td><td>998.120,00</td><td>33</td></tr>
<tr><td>Anno 2024</td><td>-4,60</td><td>998.120,00</td><td>33</td></tr>
<tr><td>I trimestre 2025</td><td>-5,40</td><td>1.030.877,35</td><td>35</td></tr>
<tr><td>II trimestre 2025</td><td>2,15</td><td>1.410.000,00</td><td>52</td></tr>
<tr><td>III trimestre 2025</td><td>-1,02</td><td>1.187.450,80</td><td>44</td></tr>
</tbody></table>""",
)

ERCOLANO = PAGE.format(
    title="Indicatore di tempestività dei pagamenti", crumb="Indicatore di tempestività dei pagamenti",
    updated="28/10/2025",
    body="""<p>Pubblicazione ai sensi dell'art. 33 del D.Lgs. 33/2013. L'indicatore è calcolato secondo il DPCM
22/09/2014: giorni di ritardo rispetto alla data di scadenza delle fatture, ponderati per l'importo.</p>
<ul>
<li>Indicatore di tempestività dei pagamenti anno 2024: 38,71 giorni</li>
<li>Indicatore di tempestività dei pagamenti I trimestre 2025: 41,20 giorni</li>
<li>Indicatore di tempestività dei pagamenti II trimestre 2025: 35,04 giorni</li>
<li>Indicatore di tempestività dei pagamenti III trimestre 2025: 29,88 giorni</li>
</ul>
<p>Ammontare complessivo dei debiti scaduti al 30/09/2025: € 8.412.733,19</p>
<h3>Dati della piattaforma dei crediti commerciali (PCC)</h3>
<p>Anno 2024</p>
<p>Importo fatture ricevute: 24.880.310,55 euro</p>
<p>Importo delle fatture pagate: 19.402.118,90 euro</p>
<p>Tempo medio di pagamento ponderato: 70,42</p>
<p>Tempo medio di ritardo ponderato: 40,42</p>
<p>Anno 2025 (1° trimestre)</p>
<p>Importo fatture ricevute: 6.140.220,10 euro</p>
<p>Importo delle fatture pagate: 3.902.118,44 euro</p>
<p>Tempo medio di pagamento ponderato: 78,30</p>
<p>Tempo medio di ritardo ponderato: 48,30</p>
<h3>Numero delle imprese creditrici</h3>
<p>al 30/09/2025: 312</p>""",
)

BARI = PAGE.format(
    title="Tempi medi di pagamento", crumb="Tempi medi di pagamento", updated="15/10/2025",
    body="""<p>Tempo medio di pagamento delle fatture commerciali, calcolato come media dei giorni intercorsi tra
la data di ricevimento della fattura e la data di pagamento.</p>
<table><tr><th>Trimestre</th><th>Giorni medi</th></tr>
<tr><td>1° trimestre 2025</td><td>47</td></tr>
<tr><td>2° trimestre 2025</td><td>44</td></tr>
<tr><td>3° trimestre 2025</td><td>39</td></tr></table>""",
)

NOVARA_INDEX = PAGE.format(
    title="Indicatore di tempestività dei pagamenti", crumb="Indicatore di tempestività dei pagamenti",
    updated="30/10/2025",
    body="""<p>Documenti pubblicati:</p><ul>
<li><a href="novara/itp_2025_trimestri.pdf">Indicatori di tempestività dei pagamenti 2025 (PDF)</a></li>
</ul>""",
)
TRANI_INDEX = PAGE.format(
    title="Indicatore di tempestività dei pagamenti", crumb="Indicatore di tempestività dei pagamenti",
    updated="05/11/2025",
    body="""<ul><li><a href="trani/indicatore_III_trimestre_2025.pdf">Indicatore tempestività pagamenti III trimestre 2025</a></li></ul>""",
)
MILANO_INDEX = PAGE.format(
    title="Indicatore di tempestività dei pagamenti", crumb="Indicatore di tempestività dei pagamenti",
    updated="31/10/2025",
    body="""<ul>
<li><a href="milano/indicatori_tempestivita_2025.xlsx">Indicatori di tempestività 2025 (xlsx)</a></li>
<li><a href="milano/indicatori_tempestivita_2019.ods">Indicatori 2019 (ods)</a></li>
</ul>""",
)


def novara_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title="Indicatori di tempestivita dei pagamenti 2025")
    data = [
        ["Periodo", "Indicatore di tempestivita (giorni)", "Ammontare debiti scaduti (euro)", "Numero imprese creditrici"],
        ["I trimestre 2025", "-2,31", "312.004,18", "12"],
        ["II trimestre 2025", "-0,84", "290.117,00", "11"],
        ["III trimestre 2025", "3,62", "405.998,40", "19"],
    ]
    story = [
        Paragraph("Comune di Novara - Servizio Ragioneria", styles["Title"]),
        Paragraph("Indicatore di tempestivita dei pagamenti ai sensi dell'art. 9 del DPCM 22 settembre 2014 "
                  "(giorni rispetto alla data di scadenza, ponderati per importo).", styles["Normal"]),
        Spacer(1, 12), Table(data),
    ]
    doc.build(story)
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only a picture of a table: what a scanner produces (no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (800, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 780, 280), outline=0, width=3)
    draw.text((40, 60), "COMUNE DI TRANI - INDICATORE TEMPESTIVITA PAGAMENTI", fill=0)
    draw.text((40, 140), "III TRIMESTRE 2025      GIORNI   18,42", fill=0)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawImage(ImageReader(image), 40, 500, width=500, height=190)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def milano_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "ITP 2025"
    sheet.append(["Indicatore di tempestività dei pagamenti (DPCM 22/09/2014, art. 9) - giorni rispetto alla scadenza"])
    sheet.append(["", "I trimestre 2025", "II trimestre 2025", "III trimestre 2025"])
    sheet.append(["Indicatore di tempestività (giorni)", -12.4, -10.95, -11.3])
    sheet.append(["Ammontare complessivo dei debiti scaduti (euro)", 5412330.5, 4980112.0, 5120440.75])
    sheet.append(["Numero imprese creditrici", 210, 198, 205])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    write_csv(FILES / "registry" / "stazioni-appaltanti.csv", REGISTRY_HEADER, REGISTRY_ROWS)
    for dataset, (header, rows) in BDNCP.items():
        write_csv(FILES / "bdncp" / f"{dataset}.csv", header, rows)
    write_csv(FILES / "pcc" / "pcc_tempi_pagamento_per_ente.csv", PCC_TIMES_HEADER, PCC_TIMES_ROWS)
    write_csv(FILES / "pcc" / "pcc_stock_debiti_scaduti.csv", PCC_STOCK_HEADER, PCC_STOCK_ROWS)
    pages = FILES / "payments"
    (pages / "novara").mkdir(parents=True, exist_ok=True)
    (pages / "trani").mkdir(parents=True, exist_ok=True)
    (pages / "milano").mkdir(parents=True, exist_ok=True)
    for name, text in (("modena.html", MODENA), ("ercolano.html", ERCOLANO), ("bari.html", BARI),
                       ("novara.html", NOVARA_INDEX), ("trani.html", TRANI_INDEX), ("milano.html", MILANO_INDEX)):
        (pages / name).write_text(text, encoding="utf-8")
    (pages / "novara" / "itp_2025_trimestri.pdf").write_bytes(novara_pdf())
    (pages / "trani" / "indicatore_III_trimestre_2025.pdf").write_bytes(scanned_pdf())
    (pages / "milano" / "indicatori_tempestivita_2025.xlsx").write_bytes(milano_xlsx())
    # An OpenDocument sheet we do not read: its bytes only need to be an .ods container signature.
    (pages / "milano" / "indicatori_tempestivita_2019.ods").write_bytes(b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
    print(f"fixtures written under {FILES}")


if __name__ == "__main__":
    main()
