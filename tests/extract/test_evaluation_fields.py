"""The price-score formula, the anomaly elements, the Ministry table cited and the CAS daily price and
centre type, read from Italian sentences in the shapes of DOMAIN.md §1.5, §1.6, §3 and §5."""

from __future__ import annotations

import pytest

from extract.fields import extract_fields
from extract.model import Page


def fields_of(*pages: str) -> dict:
    return {name: item["value"] for name, item in extract_fields([Page(i + 1, t) for i, t in enumerate(pages)]).items()}


def field(name: str, *pages: str) -> dict:
    return extract_fields([Page(i + 1, t) for i, t in enumerate(pages)])[name]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("All'offerta economica è attribuito il punteggio con la formula lineare: Pe = 30 x Ri / Rmax ove Ri è il ribasso.",
         "lineare: Pe = 30 x Ri / Rmax"),
        ("Punteggio economico: PE = 20 * Ri/Rmax, dove Ri è il ribasso percentuale offerto.", "lineare: PE = 20 * Ri/Rmax"),
        ("Il punteggio del prezzo è calcolato con formula non lineare: Vi = (Ri / Rmax)^α con α = 0,3.",
         "non lineare: Vi = (Ri / Rmax)^α"),
        ("Al prezzo offerto sono attribuiti punti in modo inversamente proporzionale: PE = 30 x Pmin / Pi.",
         "proporzionale inversa: PE = 30 x Pmin / Pi"),
        ("Offerta economica: si applica la formula bilineare con X = 0,90.", "bilineare"),
    ],
)
def test_economic_formula_shapes(text: str, value: str) -> None:
    assert fields_of(text)["economic_formula"] == value


def test_linear_interpolation_of_technical_criteria_is_not_the_price_formula() -> None:
    text = ("Offerta tecnica. Ai criteri quantitativi il punteggio è attribuito per interpolazione lineare tra il minimo "
            "e il massimo offerti. Il punteggio tecnico massimo è 70.")
    assert fields_of(text)["economic_formula"] is None
    # The same document with its price formula after it: the price formula is taken, with its page.
    found = field("economic_formula", text, "Offerta economica: al ribasso offerto si applica la formula bilineare.")
    assert found["value"] == "bilineare" and found["evidence"][0]["page"] == 2


def test_anomaly_elements_stated_and_only_the_law_quoted() -> None:
    stated = fields_of("Verifica di anomalia: sarà sottoposta a verifica di congruità l'offerta con un costo della manodopera "
                       "inferiore ai minimi salariali del CCNL o con un ribasso superiore al 15% sull'importo a base di gara.")
    assert stated["anomaly_elements"] == ("costo della manodopera inferiore alle tabelle ministeriali o ai minimi contrattuali; "
                                          "ribasso superiore al 15%")
    law_only = fields_of("Le stazioni appaltanti valutano la congruità della migliore offerta che, in base a elementi specifici, "
                         "appaia anormalmente bassa (art. 110 del Codice).")
    assert law_only["anomaly_elements"] is None


def test_a_discount_far_from_the_anomaly_check_is_not_an_element() -> None:
    filler = "Il servizio è svolto presso le sedi comunali secondo il calendario scolastico. " * 30
    text = ("Non sono ammesse offerte con ribasso superiore al 40% per le forniture accessorie. " + filler +
            "Verifica di anomalia: la stazione appaltante valuta la congruità delle offerte ai sensi dell'art. 110.")
    assert fields_of(text)["anomaly_elements"] is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Il costo del personale è calcolato sulle tabelle di cui al decreto direttoriale n. 30 del 14 giugno 2024.", "DD 30/2024"),
        ("Costo medio orario del lavoro secondo il D.D. 7/2020 del Ministero del Lavoro.", "DD 7/2020"),
        ("I costi della manodopera derivano dalle tabelle ministeriali (DD n. 7 del 17/02/2020).", "DD 7/2020"),
        ("Il contratto è approvato con D.D. n. 45 del 3 marzo 2025 del dirigente del settore.", None),
    ],
)
def test_labour_table_cited(text: str, value: str | None) -> None:
    assert fields_of(text)["labour_table"] == value


def test_cas_daily_price_skips_pocket_money_and_takes_its_centre_type() -> None:
    values = fields_of(
        "Accoglienza in singole unità abitative e in centri collettivi. Il pocket money è di € 2,50 pro capite pro die.",
        "Per i centri collettivi fino a 50 posti il prezzo a base di gara pro-capite/pro-die è di euro 34,70 oltre IVA.",
    )
    assert (values["daily_price"], values["centre_type"]) == (34.70, "centri collettivi")


def test_cas_centre_type_from_the_document_when_the_price_sentence_is_silent() -> None:
    values = fields_of("Servizio di accoglienza in singole unità abitative con capacità ricettiva massima di 50 posti.",
                       "Prezzo pro capite pro die a base d'asta: € 29,66 IVA esclusa.")
    assert (values["daily_price"], values["centre_type"]) == (29.66, "singole unità abitative")


def test_no_daily_price_from_a_total_amount_or_without_price_words() -> None:
    assert fields_of("L'importo a base di gara, 50 posti pro capite pro die per 730 giorni, è di € 1.022.000,00.")["daily_price"] is None
    assert fields_of("Agli ospiti sono garantiti tre pasti pro capite pro die, per un valore di € 9,00.")["daily_price"] is None
