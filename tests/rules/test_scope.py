"""The scope classifier: which notices the checks concern, and why. Scope follows the contract's object
(CPV of the main object; works, supplies, services), words only as a hint without a specific CPV."""

from __future__ import annotations

import pytest

from rules.context import context_from_json
from rules.legal import load_legal_data
from rules.scope import classify

LEGAL = load_legal_data()
PRESUMED = {"labour_intensive", "labour_share_presumed"}


def _scope(notice: dict, fields: dict | None = None):  # type: ignore[no-untyped-def]
    return classify(context_from_json({"notice": {"published_on": "2025-03-10", **notice}, "fields": fields or {}}), LEGAL)


@pytest.mark.parametrize(
    ("notice", "tags"),
    [
        ({"cpv": "85312000-9", "title": "Servizio"}, {"social"} | PRESUMED),
        ({"cpv": "79000000-4", "title": "Servizio di assistenza domiciliare anziani e disabili"}, {"social"} | PRESUMED),
        ({"title": "Gestione del centro diurno per persone con disabilità"}, {"social"} | PRESUMED),
        ({"cpv": "90910000-9", "title": "Pulizie uffici comunali"}, PRESUMED),
        ({"cpv": "98000000-3", "title": "Accoglienza di richiedenti protezione internazionale", "authority": "Prefettura di Pisa"},
         {"social", "cas"}),
        ({"cpv": "79992000-4", "title": "Servizio di accoglienza e portineria"}, set()),
        ({"cpv": "45233000-9", "title": "Lavori stradali"}, set()),
        # The audit's false positives: works, supplies and design by title words (RULES_AUDIT.md §3 #1).
        ({"cpv": "45214100-1", "title": "Lavori di ristrutturazione dell'asilo nido comunale"}, set()),
        ({"cpv": "39150000-8", "title": "Fornitura di arredi per la RSA anziani"}, set()),
        ({"cpv": "79930000-2", "title": "Servizio di design grafico per i servizi sociali"}, set()),
        ({"title": "Lavori di manutenzione straordinaria della comunità alloggio per minori"}, set()),
        ({"title": "Fornitura di ausili per disabili"}, set()),
        ({"cpv": "60130000-8", "title": "Trasporto scolastico alunni disabili"}, set()),
        # A specific non-social service CPV is not turned social by the place it serves.
        ({"cpv": "55524000-9", "title": "Ristorazione scolastica per asili nido"}, {"care_catering"} | PRESUMED),
        ({"cpv": "55320000-9", "title": "Pasti a domicilio per anziani"}, {"care_catering"} | PRESUMED),
        ({"cpv": "55510000-8", "title": "Servizio mensa aziendale"}, PRESUMED),
        ({"cpv": "90911200-8", "title": "Pulizia e sanificazione della RSA comunale"}, PRESUMED),
        ({"cpv": "85312000-9", "title": "Centro diurno", "procedure": "Affidamento diretto", "amount": 39000},
         {"social", "direct_award", "direct_award_below_threshold"} | PRESUMED),
        ({"cpv": "85312000-9", "title": "Centro diurno", "procedure": "Affidamento diretto art. 50 c. 1 lett. b)"},
         {"social", "direct_award"} | PRESUMED),
        ({"cpv": "85312000-9", "title": "Avviso di manifestazione di interesse: centro diurno"},
         {"social", "preliminary"} | PRESUMED),
        ({"cpv": "85312000-9", "title": "Centro diurno", "execution": [{"cig": "B1", "start_on": "2025-01-01"}]},
         {"social", "post_award"} | PRESUMED),
    ],
)
def test_tags(notice: dict, tags: set[str]) -> None:
    scope = _scope(notice)
    assert set(scope.tags) == tags, scope.describe()
    assert scope.in_scope is bool(tags & {"social", "labour_intensive", "cas", "care_catering"})
    assert scope.describe()


def test_contract_type_from_the_main_cpv_then_the_title() -> None:
    assert _scope({"cpv": "45214100-1", "title": "Servizio"}).contract_type == "works"
    assert _scope({"cpv": "33190000-8", "title": "Servizio di assistenza"}).contract_type == "supplies"
    assert _scope({"title": "Fornitura di pasti veicolati"}).contract_type == "supplies"
    assert _scope({"title": "Fornitura del servizio di assistenza domiciliare"}).contract_type == "services"
    out = _scope({"cpv": "39150000-8", "title": "Fornitura di arredi per la RSA"})
    assert not out.in_scope and "appalto di forniture (CPV 39150000)" in out.describe()


def test_a_social_lot_brings_a_mixed_notice_in_scope() -> None:
    scope = _scope({"cpv": "39150000-8", "title": "Arredi e servizio educativo",
                    "lots": [{"cig": "B1", "cpv": "85312000-9", "amount": 100000}]})
    assert "social" in scope.tags


def test_the_notice_figures_win_over_the_presumption() -> None:
    scope = _scope({"cpv": "85312000-9", "title": "Servizio"}, {"labour_cost": 300000, "base_amount": 1000000})
    assert scope.tags == {"social"} and "30%" in scope.describe()
    scope = _scope({"cpv": "90911200-8", "title": "Pulizie"}, {"labour_cost": 120000, "base_amount": 300000})
    assert scope.tags == set() and not scope.in_scope  # art. 108 c. 3: lowest price allowed at 40 % labour
    scope = _scope({"cpv": "45233000-9", "title": "Manutenzione verde"}, {"labour_cost": 600000, "base_amount": 1000000})
    assert scope.tags == set()  # works: never a labour-intensive service
    scope = _scope({"cpv": "77310000-6", "title": "Manutenzione del verde"}, {"labour_cost": 600000, "base_amount": 1000000})
    assert scope.tags == {"labour_intensive"} and scope.labour_intensive_computed and "60%" in scope.describe()


def test_cas_is_not_presumed_labour_intensive() -> None:
    scope = _scope({"cpv": "85311000-2", "title": "Accoglienza richiedenti asilo in centri collettivi"})
    assert scope.tags == {"social", "cas"}
