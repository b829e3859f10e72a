"""Field extractors: each reads the document's `TextIndex` and returns a value with its evidence.

Field names and value shapes (the contract of `observatory extract-file --json`, also stored per
document in `Extraction.fields` and, merged, in `NoticeTerms.fields`); a field not found is `null`:

| field | value |
|---|---|
| cig | list of CIG codes, in order of appearance |
| cup | CUP code (string) |
| cpv | list of CPV codes ("85310000-5", or 8 digits when the document drops the check digit) |
| base_amount | euro (number): "importo a base di gara/d'asta" |
| base_amount_includes_vat | true / false (false: "al netto dell'IVA", "IVA esclusa", "oltre IVA") |
| labour_cost | euro: "costi della manodopera" |
| labour_cost_subject_to_discount | false when "non soggetti a ribasso" / "scorporati", true when "soggetti a ribasso" |
| safety_costs | euro ("pari a zero" gives 0) |
| duration_months | whole months of the contract, options excluded |
| staff | list of {"profile", "level" ("C2"), "hours", "count"} read from staff tables; `hours` over the whole contract (an annual or weekly column times the duration, said in the evidence) |
| ccnl | name of the collective agreement named ("Cooperative sociali", "UNEBA", ...) |
| social_clause | {"present": true, "strength": "binding" / "weak" ("compatibilmente con...") / "absolute" (all the staff, whatever the organisation) / null, "staff_list": bool} |
| price_revision | {"present", "threshold_pct", "share_pct", "index"}; present false for "non è prevista" |
| award_criterion | "oepv" or "lowest_price" |
| technical_points, economic_points | maximum points (numbers summing to 100) |
| payment_days | days to pay the contractor's invoices |
| deadline | bid deadline, ISO 8601 in Europe/Rome ("2025-11-28T12:00:00+01:00"), or a date |
| economic_formula | the price-score formula, "<name>: <equation>": name "bilineare", "non lineare", "proporzionale inversa" or "lineare" (see `evaluation`) |
| anomaly_elements | the specific elements stated for the anomalous-offer check (art. 110 c. 1), "; "-separated Italian labels |
| labour_table | the Ministry labour-cost table cited for the labour cost, "DD 30/2024" / "DD 7/2020" |
| daily_price | CAS reception: euro per person per day ("prezzo pro capite pro die") |
| centre_type | CAS reception: "singole unità abitative" or "centri collettivi" |

Evidence: `[{"page": N, "text": "the sentence"}]` (+ "member" inside an archive, "ocr": true when read by OCR).
"""

from __future__ import annotations

from typing import Any

from extract.fields import (
    award,
    clauses,
    evaluation,
    identifiers,
    labour_table,
    money,
    reception,
    staff,
    terms,
)
from extract.model import Page
from extract.textindex import TextIndex

FIELD_NAMES = (
    "cig", "cup", "cpv", "base_amount", "base_amount_includes_vat", "labour_cost",
    "labour_cost_subject_to_discount", "safety_costs", "duration_months", "staff", "ccnl", "social_clause",
    "price_revision", "award_criterion", "technical_points", "economic_points", "payment_days", "deadline",
    "economic_formula", "anomaly_elements", "labour_table", "daily_price", "centre_type",
)


def extract_fields(pages: list[Page]) -> dict[str, dict[str, Any]]:
    index = TextIndex(pages)
    base, vat = money.base_amount(index)
    labour, discount = money.labour_cost(index)
    technical, economic = award.points(index)
    duration = terms.duration_months(index)
    daily, daily_sentence = reception.daily_price(index)
    found = {
        "cig": identifiers.cig(index),
        "cup": identifiers.cup(index),
        "cpv": identifiers.cpv(index),
        "base_amount": base,
        "base_amount_includes_vat": vat,
        "labour_cost": labour,
        "labour_cost_subject_to_discount": discount,
        "safety_costs": money.safety_costs(index),
        "duration_months": duration,
        "staff": staff.staff(pages, duration.value),
        "ccnl": clauses.ccnl(index),
        "social_clause": clauses.social_clause(index),
        "price_revision": clauses.price_revision(index),
        "award_criterion": award.award_criterion(index),
        "technical_points": technical,
        "economic_points": economic,
        "payment_days": terms.payment_days(index),
        "deadline": terms.deadline(index),
        "economic_formula": evaluation.economic_formula(index),
        "anomaly_elements": evaluation.anomaly_elements(index),
        "labour_table": labour_table.labour_table(index),
        "daily_price": daily,
        "centre_type": reception.centre_type(index, daily_sentence),
    }
    return {name: found[name].as_field() for name in FIELD_NAMES}
