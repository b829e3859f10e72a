"""Placing an authority from the fields a source gives, and telling national bodies apart."""

from __future__ import annotations

import pytest

from authorities.national import national_reason
from authorities.placement import place, place_from_name


@pytest.mark.parametrize(
    ("name", "region", "comune"),
    [
        ("COMUNE DI ERCOLANO DIPARTIMENTO ASSETTO E GOVERNO DEL TERRITORIO", "15", "063064"),
        ("CITTA' DI PESCARA", "13", "068028"),
        ("Città di Torino", "01", "001272"),
        ("COMUNE DI REGGIO EMILIA", "08", "035033"),
        ("COMUNE DI FORLI'", "08", "040012"),
        ("Comune di Bolzano - 6 - Ripartizione Lavori Pubblici", "04", "021008"),
        ("PROVINCIA DI PADOVA", "05", None),
        ("CITTA' METROPOLITANA DI TORINO", "01", None),
        ("REGIONE AUTONOMA VALLE D'AOSTA", "02", None),
        ("ENTE REGIONE MARCHE", "11", None),
    ],
)
def test_entes_territoriali_are_placed_by_their_name(name: str, region: str, comune: str | None) -> None:
    placement = place_from_name(name)
    assert placement is not None and placement.istat_region == region
    assert placement.istat_comune == comune


@pytest.mark.parametrize("name", ["AGENZIA FORESTALE REGIONALE", "COMUNE DI LIVO", "SETTORE POLITICHE SOCIALI",
                                  "UNIONE DEI COMUNI DEL PRATOMAGNO", "COMUNE DI ATLANTIDE"])
def test_other_names_are_not_guessed(name: str) -> None:
    assert place_from_name(name) is None
    placement = place(name=name)
    assert not placement.placed and placement.source.startswith("unplaced")


def test_most_precise_field_wins_and_a_disagreement_is_kept() -> None:
    placement = place(comune_code="063064", province="MI", nuts="ITC4C")
    assert (placement.istat_region, placement.istat_comune, placement.source) == ("15", "063064", "istat_comune")
    assert placement.conflict and "03" in placement.conflict
    assert place(comune_name="Livo", province="TN").istat_region == "04"
    assert place(comune_name="Livo").placed is False  # two comuni of that name, no province
    assert place(province="BT").istat_province == "110"
    assert place(nuts="ITF33").istat_region == "15"
    assert place(province="XX").source == "unplaced: province not recognised"
    assert place().source == "unplaced: no place field"


def test_national_bodies_are_data() -> None:
    assert national_reason("05359681003", "CONSIP S.P.A.").startswith("fiscal code")
    assert national_reason(None, "MINISTERO DELL'INTERNO - DIPARTIMENTO PER LE LIBERTA CIVILI")
    assert national_reason(None, "Difesa Servizi S.p.A.")
    assert national_reason(None, "X", "MINISTERI")
    # A ministry's local office and a municipality are local: routed to their region.
    assert national_reason(None, "PREFETTURA - UFFICIO TERRITORIALE DEL GOVERNO DI NAPOLI") is None
    assert national_reason("80017980634", "COMUNE DI ERCOLANO") is None
