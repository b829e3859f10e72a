"""kernel.territory: codes, sigle, names and their variants, NUTS prefixes, comuni."""

from __future__ import annotations

import pytest

from kernel import territory


def test_twenty_regions_and_107_current_provinces() -> None:
    assert [r.code for r in territory.regions()] == [f"{n:02d}" for n in range(1, 21)]
    current = territory.provinces()
    assert len(current) == 107
    assert {p.region for p in current} == {f"{n:02d}" for n in range(1, 21)}
    assert all(p.sigla and len(p.sigla) == 2 for p in current)
    assert sum(p.kind == "citta_metropolitana" for p in current) == 14


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("RE", "08"), ("Reggio Emilia", "08"), ("Reggio nell'Emilia", "08"), ("REGGIO NELL EMILIA", "08"),
        ("Forlì-Cesena", "08"), ("forli cesena", "08"), ("Monza e della Brianza", "03"), ("MB", "03"),
        ("Provincia di Monza e Brianza", "03"), ("263", "15"), (263, "15"), ("Città metropolitana di Napoli", "15"),
        ("Bolzano/Bozen", "04"), ("Bozen", "04"), ("Reggio Calabria", "18"), ("RC", "18"),
        ("Libero Consorzio Comunale di Ragusa", "19"), ("Sud Sardegna", "20"), ("SU", "20"),
        ("063", "15"), ("OT", "20"), ("Carbonia-Iglesias", "20"), ("Gallura Nord-Est Sardegna", "20"),
        ("Valle d'Aosta", "02"), ("BAT", "16"), ("Barletta-Andria-Trani", "16"),
    ],
)
def test_region_of_province(value: object, region: str) -> None:
    assert territory.region_of_province(value) == region


@pytest.mark.parametrize("value", ["", None, "XX", "Atlantide", "999", "Provincia di Nessunluogo"])
def test_unknown_province_is_none_not_a_guess(value: object) -> None:
    assert territory.province(value) is None
    assert territory.region_of_province(value) is None


def test_province_fields() -> None:
    napoli = territory.province("NA")
    assert (napoli.code, napoli.name, napoli.kind, napoli.nuts3, napoli.current) == (
        "263", "Napoli", "citta_metropolitana", "ITF33", True)
    assert territory.province("001").current is False  # Torino before the Città metropolitana
    assert territory.province("TO").code == "201"  # the current unit wins over the historic one


@pytest.mark.parametrize(
    ("nuts", "region"),
    [("ITF33", "15"), ("ITF3", "15"), ("itf33", "15"), ("ITH1", "04"), ("ITH20", "04"), ("ITC4C", "03"),
     ("ITG2H", "20"), ("ITI43", "12"), ("ITF", None), ("IT", None), ("FR101", None), ("", None), (None, None)],
)
def test_region_of_nuts(nuts: str | None, region: str | None) -> None:
    assert territory.region_of_nuts(nuts) == region


def test_region_names_and_variants() -> None:
    assert territory.region_name("15") == "Campania"
    assert territory.region_name(4) == "Trentino-Alto Adige/Südtirol"
    assert territory.region_name("21") is None
    assert territory.region("Emilia Romagna").code == "08"
    assert territory.region("Regione Friuli Venezia Giulia").code == "06"
    assert territory.region("Vallée d'Aoste").code == "02"
    assert territory.region("ITF33").code == "15"
    assert territory.region("Narnia") is None


@pytest.mark.parametrize(
    ("name", "code", "province", "region"),
    [("Ercolano", "063064", "263", "15"), ("Novara", "003106", "003", "01"), ("TORINO", "001272", "201", "01"),
     ("milano", "015146", "215", "03"), ("Comune di Cagliari", "092009", "292", "20"),
     ("Forlì", "040012", "040", "08"), ("forli", "040012", "040", "08"), ("Bozen", "021008", "021", "04"),
     ("Reggio nell'Emilia", "035033", "035", "08")],
)
def test_comune_lookup(name: str, code: str, province: str, region: str) -> None:
    found = territory.comune(name)
    assert (found.code, found.province, found.region) == (code, province, region)


def test_comune_by_code_and_cadastral_code() -> None:
    assert territory.comune("58091").name == "Roma"
    assert territory.comune("H501").name == "Roma"
    assert territory.comune("Z999") is None


def test_ambiguous_comune_needs_a_province() -> None:
    assert len(territory.comuni_named("Livo")) == 2
    assert territory.comune("Livo") is None
    assert territory.comune("Livo", "TN").region == "04"
    assert territory.comune("Livo", "Como").region == "03"
    assert territory.comune("Ercolano", "MI") is None


def test_normalize() -> None:
    assert territory.normalize("  Città  di L'Aquila ") == "citta di l aquila"
    assert territory.normalize("FORLÌ-CESENA") == territory.normalize("forli cesena")


def test_historic_and_reform_units_resolve_to_their_region_only() -> None:
    olbia_tempio = territory.province("Olbia-Tempio")
    assert (olbia_tempio.code, olbia_tempio.region, olbia_tempio.current) == ("104", "20", False)
    assert territory.comune("Olbia", "OT").code == "090047"  # a comune now in Sassari, asked by its old province
    reform = territory.province("Sulcis Iglesiente")
    assert reform.region == "20" and reform.sigla is None and reform.kind == "reform_2025"
    assert territory.comune("BOLZANO .BOZEN.").code == "021008"  # the OCDS feed's spelling
