"""Build the tender documents the tests and the benchmark read, in the shapes DOMAIN.md §5 describes.

The real corpus is a supplies tender: it has no labour cost, no staff table, no social clause and no
lowest-price criterion. These documents are written here, from text in this file, so that nothing
opaque is committed: `python tests/extract/make_documents.py OUTDIR` writes them all.

Good documents (with golden pairs in tests/extract/golden/):
  social_binding.pdf      disciplinare, assistenza domiciliare: labour cost, staff table with CCNL levels,
                          binding social clause with staff list, price revision 5 %/80 % FOI, OEPV 80/20,
                          CIG spaced out letter by letter, amounts split across lines
  social_weak_lowest.pdf  capitolato: lowest price, weak social clause, "non è prevista alcuna revisione",
                          labour cost subject to discount, UNEBA, duration in years, deadline in words
  nido_no_revision.docx   capitolato (Word): staff table, VAT included, CCNL by CNEL code, no price revision
  avviso_oepv.odt         bando (OpenDocument) with a lowest-price-free OEPV 70/30 and safety costs
  avviso_portale.html     a portal's notice page: CIG, deadline, base amount
  scanned_lowest.pdf      one scanned page (image only): read by OCR
  social_binding.pdf.p7m  the first document signed three times over (CAdES, nested)
  bundle.zip              the docx and the odt in one archive
  cas_accoglienza.pdf     prefecture CAS tender: price "pro capite pro die" for collective centres (after a
                          pocket money also priced per person per day), labour cost on DD 7/2020, linear
                          price formula Ri/Rmax, anomaly elements stated (labour cost below the tables,
                          discount above 20 %)
  formula_bilineare.pdf   home-care disciplinare: quantitative technical criteria by linear interpolation,
                          bilinear price formula, art. 110 cited only in the law's words (no elements),
                          labour cost on DD 30/2024

Bad documents (no golden pair; each must end with a status and a reason): see BAD_DOCUMENTS.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

STYLES = getSampleStyleSheet()


def _pdf(story_items: list) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title="documento di gara", author="observatory tests",
                            creator="observatory tests", invariant=1)
    doc.build(story_items)
    return buffer.getvalue()


def _story(blocks: list) -> list:
    out = []
    for block in blocks:
        if block == "PAGE":
            out.append(PageBreak())
        elif isinstance(block, tuple) and block[0] == "h":
            out.append(Paragraph(block[1], STYLES["Heading2"]))
        elif isinstance(block, tuple) and block[0] == "table":
            table = Table(block[1])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            out.append(table)
            out.append(Spacer(1, 12))
        else:
            out.append(Paragraph(block, STYLES["BodyText"]))
    return out


STAFF_ROWS = [
    ["Profilo professionale", "Livello CCNL", "Ore annue", "N. operatori"],
    ["Operatore socio-sanitario (OSS)", "C2", "6.240", "4"],
    ["Educatore professionale", "D2", "2.400", "2"],
    ["Coordinatore del servizio", "E1", "800", "1"],
]


def social_binding_pdf() -> bytes:
    return _pdf(_story([
        ("h", "DISCIPLINARE DI GARA"),
        "Procedura aperta per l'affidamento del servizio di assistenza domiciliare socio-assistenziale "
        "per anziani e persone con disabilità del Comune di Esempio. C.I.G. B 1 2 A 3 4 5 6 7 8 - "
        "CUP J87G22000360002 - Codice CPV 85310000-5 (Servizi di assistenza sociale).",
        ("h", "3. IMPORTO A BASE DI GARA"),
        "L'importo complessivo a base di gara, per l'intera durata dell'appalto, è pari a "
        "€ 1.234.567,89 (unmilioneduecentotrentaquattromilacinquecentosessantasette/89), IVA esclusa.",
        "Ai sensi dell'art. 41, comma 14, del Codice, i costi della manodopera sono stimati in "
        "€ 987.654,32 e non sono soggetti a ribasso, in quanto scorporati dall'importo assoggettato al ribasso.",
        "Gli oneri per la sicurezza da interferenze, non soggetti a ribasso, sono pari a € 2.500,00.",
        "La durata dell'appalto è di 36 (trentasei) mesi decorrenti dalla data di avvio del servizio, "
        "con facoltà di rinnovo per ulteriori 12 mesi.",
        "PAGE",
        ("h", "4. PERSONALE E CONTRATTO COLLETTIVO"),
        "Ai sensi dell'art. 11 del Codice, al personale impiegato si applica il CCNL per le lavoratrici e i "
        "lavoratori delle cooperative del settore socio-sanitario-assistenziale-educativo e di inserimento "
        "lavorativo (Cooperative sociali). Il fabbisogno di personale è il seguente:",
        ("table", STAFF_ROWS),
        ("h", "5. CLAUSOLA SOCIALE"),
        "Ai sensi dell'art. 57 del Codice, l'aggiudicatario è tenuto ad assorbire prioritariamente nel proprio "
        "organico il personale già impiegato dal precedente affidatario, garantendo l'applicazione del CCNL. "
        "L'elenco del personale attualmente impiegato, con livelli, ore e anzianità, è allegato al presente "
        "disciplinare (Allegato 3).",
        ("h", "6. REVISIONE PREZZI"),
        "Ai sensi dell'art. 60 del Codice è prevista la revisione dei prezzi. Qualora la variazione dell'indice "
        "FOI pubblicato dall'ISTAT sia superiore al 5% rispetto al prezzo originario, si procede alla revisione "
        "nella misura dell'80% della variazione eccedente.",
        "PAGE",
        ("h", "7. CRITERIO DI AGGIUDICAZIONE"),
        "L'appalto è aggiudicato secondo il criterio dell'offerta economicamente più vantaggiosa individuata "
        "sulla base del miglior rapporto qualità/prezzo, ai sensi dell'art. 108 del Codice.",
        ("table", [["Elemento", "Punteggio massimo"], ["Offerta tecnica", "80"], ["Offerta economica", "20"],
                   ["Totale", "100"]]),
        ("h", "8. PAGAMENTI"),
        "Il pagamento delle fatture avverrà entro 30 (trenta) giorni dal ricevimento della fattura elettronica, "
        "previa verifica della regolare esecuzione.",
        ("h", "9. TERMINE DI PRESENTAZIONE"),
        "Il termine per la presentazione delle offerte è fissato alle ore 12:00 del giorno 15/01/2026.",
    ]))


def social_weak_lowest_pdf() -> bytes:
    return _pdf(_story([
        ("h", "CAPITOLATO SPECIALE D'APPALTO"),
        "Servizio di assistenza educativa scolastica per alunni con disabilità. CIG: A0B1C2D3E4.",
        "L'importo a base d'asta è di euro 520.000,00 oltre IVA.",
        "Il costo della manodopera, stimato in € 410.000,00, è soggetto a ribasso ai sensi del presente capitolato.",
        "La durata del contratto è di 2 (due) anni.",
        "Al personale si applica il CCNL UNEBA.",
        ("h", "Art. 12 - Clausola sociale"),
        "L'aggiudicatario, compatibilmente con l'organizzazione d'impresa, valuterà l'assunzione del personale "
        "già impiegato dal precedente gestore.",
        ("h", "Art. 13 - Prezzi"),
        "I prezzi sono fissi e invariabili per tutta la durata del contratto: non è prevista alcuna revisione dei prezzi.",
        ("h", "Art. 14 - Aggiudicazione"),
        "L'appalto è aggiudicato con il criterio del minor prezzo ai sensi dell'art. 108, comma 3, del Codice.",
        "I pagamenti sono disposti entro 60 giorni dalla data di ricevimento della fattura.",
        "Le offerte devono pervenire entro le ore 13:00 del giorno 20 febbraio 2026.",
    ]))


def _docx(paragraphs: list, tables_after: dict[int, list[list[str]]]) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = []

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    for i, text in enumerate(paragraphs):
        body.append(f"<w:p><w:r><w:t xml:space=\"preserve\">{esc(text)}</w:t></w:r></w:p>")
        if i in tables_after:
            rows = "".join(
                "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{esc(c)}</w:t></w:r></w:p></w:tc>" for c in row) + "</w:tr>"
                for row in tables_after[i]
            )
            body.append(f"<w:tbl>{rows}</w:tbl>")
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {ns}><w:body>{"".join(body)}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", document)
    return buffer.getvalue()


def nido_no_revision_docx() -> bytes:
    return _docx(
        [
            "CAPITOLATO SPECIALE D'APPALTO - Servizio educativo asilo nido comunale",
            "CIG B30B6FC368 - CPV 80110000-8",
            "L'importo a base di gara è pari a € 300.000,00 IVA inclusa.",
            "La durata dell'appalto è di 24 mesi.",
            "Si applica il contratto collettivo nazionale identificato dal codice CNEL T151.",
            "Il personale richiesto, con il relativo inquadramento, è il seguente:",
            "L'appalto è aggiudicato con il criterio dell'offerta economicamente più vantaggiosa.",
        ],
        {5: [["Qualifica", "Livello", "Monte ore annuo", "Numero addetti"],
             ["Educatore", "D1", "3.600", "3"], ["Ausiliario", "A2", "1.000", "1"]]},
    )


def avviso_oepv_odt() -> bytes:
    paragraphs = [
        "BANDO DI GARA - Servizio di accoglienza per richiedenti protezione internazionale (CAS)",
        "CIG Z642AEB782",
        "Importo a base di gara: € 145.000,00 al netto dell'IVA.",
        "Oneri per la sicurezza: pari a zero.",
        "Criterio: offerta economicamente più vantaggiosa. Offerta tecnica: max punti 70. Offerta economica: max punti 30.",
        "Durata del servizio: 12 mesi.",
    ]
    text_ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {text_ns}><office:body><office:text>{body}</office:text></office:body></office:document-content>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def avviso_portale_html() -> bytes:
    return """<!DOCTYPE html><html lang="it"><head><title>Bando</title><script>var x = "CIG 0000000000";</script></head>
<body><h1>Avviso di gara: servizio di trasporto scolastico disabili</h1>
<table><tr><th>CIG</th><td>95156957EC</td></tr>
<tr><th>Importo a base di gara</th><td>€ 98.500,00 (IVA esclusa)</td></tr>
<tr><th>Scadenza presentazione offerte</th><td>10/03/2026 ore 10:00</td></tr></table>
<p>Criterio di aggiudicazione: offerta economicamente più vantaggiosa.</p></body></html>""".encode()


def scanned_lowest_pdf() -> bytes:
    """One page of text, rendered to a 200 dpi image and wrapped as an image-only PDF."""
    import pypdfium2 as pdfium

    text_pdf = _pdf(_story([
        ("h", "AVVISO DI GARA"),
        "Servizio di pulizia delle sedi comunali. CIG B10A9942A7.",
        "L'importo a base di gara è pari a euro 250.000,00 oltre IVA.",
        "L'appalto è aggiudicato con il criterio del minor prezzo.",
        "La durata dell'appalto è di 12 mesi.",
    ]))
    document = pdfium.PdfDocument(text_pdf)
    image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200)
    return out.getvalue()


def blank_scan_pdf() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (1654, 2339), 255).save(out, format="PDF", resolution=200)
    return out.getvalue()


def cades(payload: bytes | None) -> bytes:
    """A CMS SignedData enclosing `payload` (None: detached). No signer: the extractor does not verify."""
    from asn1crypto import algos, cms

    encap = {"content_type": "data"}
    if payload is not None:
        encap["content"] = payload
    signed = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": cms.ContentInfo(encap),
        "signer_infos": [],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def bundle_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("allegati/capitolato_nido.docx", nido_no_revision_docx())
        z.writestr("allegati/bando.odt", avviso_oepv_odt())
    return buffer.getvalue()


def cas_accoglienza_pdf() -> bytes:
    return _pdf(_story([
        ("h", "PREFETTURA - UFFICIO TERRITORIALE DEL GOVERNO DI ESEMPIO"),
        ("h", "DISCIPLINARE DI GARA"),
        "Accordo quadro per l'affidamento del servizio di accoglienza dei cittadini stranieri richiedenti "
        "protezione internazionale presso centri collettivi fino a 50 posti, ai sensi dello schema di capitolato "
        "approvato con D.M. 4 marzo 2024. CIG B7C4D5E6F7 - CPV 85311000-2.",
        "Il pocket money, pari a € 2,50 pro capite pro die, e la scheda telefonica di € 5,00 sono erogati agli "
        "ospiti secondo il capitolato.",
        "Il prezzo a base di gara pro capite pro die è pari a € 28,00 IVA esclusa, per ciascun posto nei centri "
        "collettivi.",
        "L'importo complessivo a base di gara è pari a € 1.022.000,00 IVA esclusa, pari al prezzo pro capite pro "
        "die per 50 posti per 730 giorni.",
        "I costi della manodopera, stimati in € 480.000,00 sulla base delle tabelle del costo medio orario del "
        "personale di cui al D.D. n. 7 del 17 febbraio 2020 del Ministero del Lavoro, non sono soggetti a ribasso.",
        "La durata dell'accordo quadro è di 24 (ventiquattro) mesi.",
        "PAGE",
        ("h", "CRITERIO DI AGGIUDICAZIONE"),
        "L'appalto è aggiudicato con il criterio dell'offerta economicamente più vantaggiosa. Offerta tecnica: "
        "max punti 70. Offerta economica: max punti 30.",
        "Il punteggio dell'offerta economica è attribuito con la formula lineare sul ribasso: "
        "Pe = 30 x Ri / Rmax ove Ri è il ribasso offerto dal concorrente i-esimo e Rmax il ribasso più alto.",
        ("h", "VERIFICA DI ANOMALIA"),
        "Ai sensi dell'art. 110 del Codice sono elementi specifici ai fini della verifica di congruità: "
        "un costo della manodopera inferiore alle tabelle ministeriali vigenti e un ribasso superiore al 20% "
        "sull'importo a base di gara.",
    ]))


def formula_bilineare_pdf() -> bytes:
    return _pdf(_story([
        ("h", "DISCIPLINARE DI GARA"),
        "Procedura aperta per l'affidamento del servizio di assistenza domiciliare anziani. CIG A0C1D2E3F4.",
        "I costi della manodopera, pari a € 640.000,00, sono calcolati sul costo orario delle tabelle approvate con "
        "decreto direttoriale n. 30 del 14 giugno 2024 per il CCNL Cooperative sociali.",
        "L'appalto è aggiudicato secondo il criterio dell'offerta economicamente più vantaggiosa.",
        ("h", "17. OFFERTA TECNICA"),
        "Ai criteri quantitativi dell'offerta tecnica il punteggio è attribuito per interpolazione lineare tra il "
        "valore minimo e il valore massimo offerti.",
        ("h", "18. OFFERTA ECONOMICA"),
        "Al prezzo è attribuito il punteggio con la formula bilineare: "
        "Ci = X x Ri / Rsoglia per Ri minore o uguale a Rsoglia, con coefficiente X = 0,85.",
        ("h", "19. OFFERTE ANORMALMENTE BASSE"),
        "La stazione appaltante valuta la congruità della migliore offerta che, in base a elementi specifici, "
        "appaia anormalmente bassa, ai sensi dell'art. 110 del Codice.",
    ]))


GOOD_DOCUMENTS = {
    "social_binding.pdf": social_binding_pdf,
    "social_weak_lowest.pdf": social_weak_lowest_pdf,
    "nido_no_revision.docx": nido_no_revision_docx,
    "avviso_oepv.odt": avviso_oepv_odt,
    "avviso_portale.html": avviso_portale_html,
    "scanned_lowest.pdf": scanned_lowest_pdf,
    "social_binding.pdf.p7m": lambda: cades(cades(cades(social_binding_pdf()))),
    "bundle.zip": bundle_zip,
    "cas_accoglienza.pdf": cas_accoglienza_pdf,
    "formula_bilineare.pdf": formula_bilineare_pdf,
}


# --- bad input -----------------------------------------------------------------------------------

def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(social_weak_lowest_pdf())))
    writer.encrypt(user_password="segreto", owner_password="segreto", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def truncated_pdf() -> bytes:
    data = social_binding_pdf()
    return data[: len(data) // 3]


def zero_page_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    return _raw_pdf(objects)


def page_bomb_pdf(pages: int = 3100) -> bytes:
    """Thousands of pages sharing one empty content stream: a small file, an endless document."""
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Length 0 >>\nstream\n\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    return _raw_pdf(objects)


def _raw_pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("disciplinare.pdf", b"\0" * (64 * 1024 * 1024))
    return buffer.getvalue()


def zip_traversal() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("../../etc/cron.d/evil.pdf", social_weak_lowest_pdf())
    return buffer.getvalue()


def p7m_unreadable_inner() -> bytes:
    return cades(b"%PDF-1.4\n" + b"\x00garbage" * 500)


def p7s_detached() -> bytes:
    return cades(None)


def inflating_pdf(megabytes: int = 1024) -> bytes:
    """One content stream that inflates to `megabytes` of NULs (ratio ~1:1000)."""
    import zlib

    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    stream = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
    ]
    return _raw_pdf(objects)


BAD_DOCUMENTS = {
    "encrypted.pdf": (encrypted_pdf, "encrypted"),
    "corrupt.pdf": (corrupt_pdf, "corrupt"),
    "truncated.pdf": (truncated_pdf, "truncated"),
    "zero_pages.pdf": (zero_page_pdf, "zero_pages"),
    "page_bomb.pdf": (page_bomb_pdf, "page_bomb"),
    "blank_scan.pdf": (blank_scan_pdf, "image_only_unreadable"),
    "zip_bomb.zip": (zip_bomb, "zip_bomb"),
    "traversal.zip": (zip_traversal, "zip_unsafe_path"),
    "unreadable_inner.p7m": (p7m_unreadable_inner, "signed_content_unreadable"),
    "detached.p7s": (p7s_detached, "detached_signature"),
    "empty.pdf": (lambda: b"", "empty"),
}


def build(directory: Path, *, bad: bool = False) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    built = {}
    for name, make in GOOD_DOCUMENTS.items():
        (directory / name).write_bytes(make())
        built[name] = directory / name
    if bad:
        for name, (make, _) in BAD_DOCUMENTS.items():
            (directory / name).write_bytes(make())
            built[name] = directory / name
    return built


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "built-documents")
    for path in build(target, bad="--bad" in sys.argv).values():
        print(f"{path}  {path.stat().st_size} bytes")
