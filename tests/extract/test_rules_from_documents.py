"""End to end: `observatory extract-file --json` on a document, its fields put in a notice, and
`observatory rules check --json` on that notice. R-CRIT-3, R-ANOM-1, R-CAS-1 and R-CAS-3 read fields
that only these extractors produce, so their verdicts prove the two halves fit."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from extract.fields import extract_fields
from extract.model import Page
from kernel.settings import get_settings
from observatory.cli import cli

CAS_NOTICE = {"published_on": "2025-05-10", "cpv": "85311000-2", "procedure": "procedura aperta",
              "title": "Accoglienza dei richiedenti protezione internazionale", "authority": {"name": "Prefettura di Esempio"},
              "region": "12", "all_documents_read": True}
HOME_CARE_NOTICE = {"published_on": "2025-11-03", "cpv": "85312000-9", "procedure": "procedura aperta",
                    "title": "Servizio di assistenza domiciliare anziani", "authority": {"name": "Comune di Esempio"},
                    "region": "01", "all_documents_read": True}


def _extracted(path: Path) -> dict:
    result = CliRunner().invoke(cli, ["extract-file", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["fields"]


def _verdicts(tmp_path: Path, notice: dict, fields: dict) -> dict[str, dict]:
    path = tmp_path / "notice.json"
    path.write_text(json.dumps({"notice": notice, "fields": fields}, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return {item["rule"]: item for item in json.loads(result.stdout)}


def test_cas_tender_read_from_its_pdf(built_dir: Path, tmp_path: Path) -> None:
    verdicts = _verdicts(tmp_path, CAS_NOTICE, _extracted(built_dir / "cas_accoglienza.pdf"))
    cas3 = verdicts["R-CAS-3"]
    # The shipped references are estimated (prices of single tenders), so the comparison is no verdict.
    assert cas3["result"] == "not_verifiable"
    assert (cas3["figures"]["daily_price"], cas3["figures"]["reference_price"], cas3["figures"]["centre_type"]) == (28.0, 34.7, "collective")
    assert cas3["evidence"][0]["page"] == 1 and "pro capite pro die" in cas3["evidence"][0]["text"]
    assert verdicts["R-CAS-1"]["result"] == "violation" and verdicts["R-CAS-1"]["figures"]["cited_table"] == "DD7-2020"
    crit3 = verdicts["R-CRIT-3"]
    assert crit3["result"] == "compliant" and crit3["figures"]["economic_formula"].startswith("lineare")
    assert crit3["figures"]["observation"] == "linear_formula"  # lawful: an observation, never a violation
    assert crit3["evidence"][0]["page"] == 2
    anom1 = verdicts["R-ANOM-1"]
    assert anom1["result"] == "compliant" and "ribasso superiore al 20%" in anom1["evidence"][0]["text"]


def test_home_care_tender_with_bilinear_formula_and_no_anomaly_elements(built_dir: Path, tmp_path: Path) -> None:
    fields = _extracted(built_dir / "formula_bilineare.pdf")
    verdicts = _verdicts(tmp_path, HOME_CARE_NOTICE, fields)
    assert verdicts["R-CRIT-3"]["result"] == "compliant"
    assert verdicts["R-ANOM-1"]["result"] == "violation"  # every document read, art. 110 only quoted
    assert verdicts["R-CAS-3"]["result"] == "not_verifiable"  # not a reception tender
    # The same silence with a document unread proves nothing.
    unread = dict(HOME_CARE_NOTICE, all_documents_read=False, documents_total=2, documents_read=1)
    assert _verdicts(tmp_path, unread, fields)["R-ANOM-1"]["result"] == "not_verifiable"


def test_cas_price_read_and_compared_with_the_estimated_reference(tmp_path: Path) -> None:
    text = ("Servizio di accoglienza in singole unità abitative. Il prezzo pro capite pro die posto a base di gara è pari a "
            "€ 30,10 IVA esclusa.")
    fields = extract_fields([Page(1, text)])
    cas3 = _verdicts(tmp_path, CAS_NOTICE, fields)["R-CAS-3"]
    assert cas3["result"] == "not_verifiable" and cas3["figures"]["reference_status"] == "estimated"
    assert (cas3["figures"]["centre_type"], cas3["figures"]["reference_price"]) == ("single_units", 29.66)


def test_corpus_disciplinare_formula_and_anomaly_elements(tmp_path: Path) -> None:
    path = get_settings().corpus_dir / "documents" / "aomauriziano_to_DISCIPLINARE_DI_GARA_RETTIFICATO.pdf"
    fields = _extracted(path)
    # Read as if it were a care tender, so that the rules are in scope: the verdicts follow the documents.
    verdicts = _verdicts(tmp_path, HOME_CARE_NOTICE, fields)
    assert verdicts["R-CRIT-3"]["result"] == "compliant"  # "proporzionalità inversa" PE = PEmax x Pmin / Po, p. 44
    assert verdicts["R-CRIT-3"]["evidence"][0]["page"] == 44
    assert verdicts["R-ANOM-1"]["result"] == "compliant"  # four-fifths elements, p. 47
    assert verdicts["R-ANOM-1"]["evidence"][0]["page"] == 47
