"""The scope classifier: which notices the checks concern, and why."""

from __future__ import annotations

import pytest

from rules.context import context_from_json
from rules.legal import load_legal_data
from rules.scope import classify

LEGAL = load_legal_data()


def _scope(notice: dict, fields: dict | None = None):  # type: ignore[no-untyped-def]
    return classify(context_from_json({"notice": {"published_on": "2025-03-10", **notice}, "fields": fields or {}}), LEGAL)


@pytest.mark.parametrize(
    ("notice", "tags"),
    [
        ({"cpv": "85312000-9", "title": "Servizio"}, {"social", "labour_intensive"}),
        ({"cpv": "79000000-4", "title": "Servizio di assistenza domiciliare anziani e disabili"}, {"social", "labour_intensive"}),
        ({"cpv": "90910000-9", "title": "Pulizie uffici comunali"}, {"labour_intensive"}),
        ({"cpv": "98000000-3", "title": "Accoglienza di richiedenti protezione internazionale", "authority": "Prefettura di Pisa"},
         {"social", "labour_intensive", "cas"}),
        ({"cpv": "79992000-4", "title": "Servizio di accoglienza e portineria"}, set()),
        ({"cpv": "45233000-9", "title": "Lavori stradali"}, set()),
        ({"cpv": "85312000-9", "title": "Centro diurno", "procedure": "Affidamento diretto", "amount": 39000},
         {"social", "labour_intensive", "direct_award_below_threshold"}),
        ({"cpv": "85312000-9", "title": "Avviso di manifestazione di interesse: centro diurno"},
         {"social", "labour_intensive", "preliminary"}),
        ({"cpv": "85312000-9", "title": "Centro diurno", "execution": [{"cig": "B1", "start_on": "2025-01-01"}]},
         {"social", "labour_intensive", "post_award"}),
    ],
)
def test_tags(notice: dict, tags: set[str]) -> None:
    scope = _scope(notice)
    assert set(scope.tags) == tags
    assert scope.in_scope is bool(tags & {"social", "labour_intensive", "cas"})
    assert scope.describe()


def test_labour_share_below_half_is_not_labour_intensive() -> None:
    scope = _scope({"cpv": "85312000-9", "title": "Servizio"}, {"labour_cost": 300000, "base_amount": 1000000})
    assert scope.tags == {"social"}
    scope = _scope({"cpv": "45233000-9", "title": "Manutenzione verde"}, {"labour_cost": 600000, "base_amount": 1000000})
    assert scope.tags == {"labour_intensive"} and "60%" in scope.describe()
