"""The pieces: sniffing, Italian numbers, spaced-out codes, text rejoined across lines, clause wording."""

from __future__ import annotations

import pytest

from extract import sniff
from extract.fields import extract_fields
from extract.fields.numbers import parse_amount
from extract.model import Page
from extract.textindex import logical_lines


def fields_of(*pages: str) -> dict:
    return {name: item["value"] for name, item in extract_fields([Page(i + 1, t) for i, t in enumerate(pages)]).items()}


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.234.567,89", 1234567.89), ("2 079 176,66", 2079176.66), ("756064", 756064.0), ("16,00", 16.0), ("1.000", 1000.0)],
)
def test_italian_amounts(text: str, value: float) -> None:
    assert parse_amount(text) == value


def test_sniff_uses_bytes_not_names(built_dir) -> None:  # type: ignore[no-untyped-def]
    assert sniff.sniff((built_dir / "social_binding.pdf.p7m").read_bytes()) == sniff.CMS  # holds "%PDF-" in its first KiB
    assert sniff.sniff((built_dir / "traversal.zip").read_bytes()) == sniff.ZIP  # a stored PDF right after "PK"
    assert sniff.sniff((built_dir / "nido_no_revision.docx").read_bytes()) == sniff.DOCX
    assert sniff.sniff((built_dir / "avviso_oepv.odt").read_bytes()) == sniff.ODT
    assert sniff.sniff((built_dir / "avviso_portale.html").read_bytes()) == sniff.HTML
    assert sniff.sniff(b"\xef\xbb\xbf\n%PDF-1.4\n") == sniff.PDF


def test_lines_are_rejoined_and_page_furniture_dropped() -> None:
    lines = logical_lines("L'importo a base di gara è pari a\n€ 1.000,00 e i costi della manodo-\npera sono\nPag. 3 a 55\nstimati.\nTitolo")
    assert lines == ["L'importo a base di gara è pari a € 1.000,00 e i costi della manodopera sono stimati.", "Titolo"]


def test_spaced_out_cig_and_cup() -> None:
    got = fields_of("Lotto unico C.I.G. 8 1 9 7 0 7 1 4 F A - C.U.P. G 3 9 G 1 9 0 0 0 5 6 0 0 0 2 del servizio")
    assert got["cig"] == ["81970714FA"]
    assert got["cup"] == "G39G19000560002"


def test_several_cigs_after_one_label_and_no_phone_numbers() -> None:
    got = fields_of("CIG: A011A6393C, B30B6FC368 e Z7E2B398C5. Telefono 0115081111, fax 0115082222.")
    assert got["cig"] == ["A011A6393C", "B30B6FC368", "Z7E2B398C5"]


@pytest.mark.parametrize(
    ("sentence", "present"),
    [
        ("Per il presente appalto non è prevista alcuna revisione dei prezzi.", False),
        ("La revisione prezzi non è ammessa.", False),
        ("È esclusa ogni revisione del corrispettivo.", False),
        ("I prezzi sono fissi e invariabili.", False),
        ("Si applica la revisione prezzi ai sensi dell'art. 60 quando la variazione è superiore al 5%.", True),
    ],
)
def test_price_revision_negations(sentence: str, present: bool) -> None:
    assert fields_of(sentence)["price_revision"]["present"] is present


def test_price_revision_absent_is_null_not_false() -> None:
    assert fields_of("Il servizio è svolto presso le sedi comunali.")["price_revision"] is None


def test_social_clause_strength() -> None:
    weak = fields_of("Clausola sociale. L'aggiudicatario, ove compatibile con la propria organizzazione, assume il personale del gestore uscente.")
    binding = fields_of("Clausola sociale. L'aggiudicatario ha l'obbligo di assorbire il personale già impiegato dal precedente appaltatore.")
    assert weak["social_clause"]["strength"] == "weak"
    assert binding["social_clause"]["strength"] == "binding"
    assert binding["social_clause"]["staff_list"] is False


def test_lowest_price_inside_an_oepv_formula_is_not_the_criterion() -> None:
    got = fields_of(
        "L'appalto è aggiudicato con il criterio dell'offerta economicamente più vantaggiosa. "
        "Il punteggio economico massimo spetta al prezzo più basso offerto."
    )
    assert got["award_criterion"] == "oepv"
    assert fields_of("Aggiudicazione al minor prezzo ai sensi dell'art. 108, comma 3.")["award_criterion"] == "lowest_price"


def test_deadline_with_month_name_and_time_before_date() -> None:
    got = fields_of("Le offerte dovranno pervenire entro le ore 9:30 del giorno 3 marzo 2026, pena l'esclusione.")
    assert got["deadline"] == "2026-03-03T09:30:00+01:00"


def test_duration_in_years_and_payment_not_confused_with_fees() -> None:
    got = fields_of(
        "La durata del contratto è di tre (3) anni. Il pagamento del contributo ANAC avviene entro 10 giorni. "
        "Il pagamento dei corrispettivi avverrà entro 60 (sessanta) giorni dal ricevimento della fattura."
    )
    assert got["duration_months"] == 36
    assert got["payment_days"] == 60


def test_amount_in_another_sentence_is_not_taken() -> None:
    got = fields_of("Il valore a base d'asta è indicato per ciascun lotto. Marca da bollo da € 16,00.")
    assert got["base_amount"] is None


def test_spreadsheet_staff_table() -> None:
    import io

    import openpyxl

    from extract.document import extract_bytes

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [["Profilo", "Livello", "Ore annue", "N. addetti"], ["OSS", "C2", 1560, 3], ["Educatore", "D2", 800.5, 1]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = extract_bytes(buffer.getvalue())
    assert result.media_type == sniff.XLSX
    assert result.fields["staff"]["value"] == [
        {"profile": "OSS", "level": "C2", "hours": 1560, "count": 3},
        {"profile": "Educatore", "level": "D2", "hours": 800.5, "count": 1},
    ]


def test_social_clause_for_all_the_staff_is_absolute() -> None:
    got = fields_of("Clausola sociale: l'appaltatore subentrante è obbligato all'assunzione di tutto il personale uscente.")
    assert got["social_clause"]["strength"] == "absolute"


def test_weekly_staff_hours_become_contract_hours() -> None:
    table = [["Figura", "Categoria", "Ore settimanali", "Numero"], ["ASA", "B1", "36", "2"]]
    got = extract_fields([Page(1, "La durata dell'appalto è di 12 mesi.", tables=[table])])
    assert got["staff"]["value"] == [{"profile": "ASA", "level": "B1", "hours": 1872, "count": 2}]
    assert "ore settimanali × 12 mesi" in got["staff"]["evidence"][0]["text"]


def test_total_base_amount_wins_over_the_first_lot() -> None:
    got = fields_of(
        "Lotto 1: importo a base di gara € 100.000,00. Lotto 2: importo a base di gara € 50.000,00. "
        "L'importo complessivo a base di gara è pari a € 150.000,00 oltre IVA."
    )
    assert got["base_amount"] == 150000.0
    assert got["base_amount_includes_vat"] is False


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("Aggiudicazione secondo il miglior rapporto qualità/prezzo.", "award_criterion", "oepv"),
        ("Codice identificativo gara B30B6FC368 del lotto unico.", "cig", ["B30B6FC368"]),
        ("Codice unico di progetto J87G22000360002.", "cup", "J87G22000360002"),
        ("Il prezzo orario posto a base di gara è di € 24,50.", "base_amount", 24.5),
        ("Si applica l'art. 37 del CCNL in caso di cambio di gestione.", "social_clause",
         {"present": True, "strength": None, "staff_list": False}),
    ],
)
def test_labels_whose_keyword_is_not_their_first_word(text: str, name: str, value: object) -> None:
    assert fields_of(text)[name] == value


def test_rtf_text_without_its_font_tables_and_with_escapes() -> None:
    from extract.document import extract_bytes

    rtf = (rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\generator Word CIG 0000000000;}\f0 L'importo a base di gara \'e8 "
           rb"pari a \'80 12.000,00 oltre IVA.\par CIG Z7E2B398C5\par Clausola sociale: l'aggiudicatario \u232? tenuto "
           rb"ad assorbire il personale uscente.}")
    result = extract_bytes(rtf)
    assert result.media_type == sniff.RTF
    assert result.fields["cig"]["value"] == ["Z7E2B398C5"]
    assert result.fields["base_amount"]["value"] == 12000.0
    assert "è tenuto" in result.fields["social_clause"]["evidence"][-1]["text"]


@pytest.mark.parametrize(
    ("text", "staff_list"),
    [
        ("Clausola sociale: riassorbimento del personale uscente.", False),
        ("Clausola sociale: riassorbimento del personale uscente, il cui elenco è allegato al capitolato.", True),
        ("Clausola sociale: riassorbimento del personale uscente secondo l'art. 37 del CCNL.", False),
        ("Clausola sociale. Il personale uscente è allegato al presente capitolato (Allegato B).", True),
        ("Clausola sociale. Si allega l'elenco del personale attualmente impiegato con livelli e ore.", True),
        ("Clausola sociale. La tabella dei lavoratori in forza è l'Allegato 4.", True),
    ],
)
def test_staff_list_needs_a_list_not_a_mention(text: str, staff_list: bool) -> None:
    assert fields_of(text)["social_clause"]["staff_list"] is staff_list


def test_opendocument_spreadsheet_is_read(built_dir) -> None:  # type: ignore[no-untyped-def]
    import io
    import zipfile

    from extract.document import extract_bytes

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    rows = [["Profilo", "Livello", "Ore totali", "N. operatori"], ["Mediatore culturale", "C1", "900", "2"]]
    cells = "".join(
        "<table:table-row>" + "".join(f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in row) + "</table:table-row>"
        for row in rows
    )
    content = (f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:spreadsheet>'
               f'<table:table table:name="Personale">{cells}</table:table></office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    result = extract_bytes(buffer.getvalue())
    assert result.media_type == sniff.ODS
    assert result.fields["staff"]["value"] == [{"profile": "Mediatore culturale", "level": "C1", "hours": 900, "count": 2}]
