"""The authority registry from ANAC's stazioni-appaltanti (built fixture in the documented header)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from authorities import datasets
from authorities.registry import import_registry, normalise_fiscal_code, unplaced_authorities
from db.models import ContractingAuthority
from db.queries.authorities import upsert_authority


def _authority(session, code: str) -> ContractingAuthority:  # noqa: ANN001
    return session.scalars(select(ContractingAuthority).where(ContractingAuthority.fiscal_code == code)).one()


def _import(session, files: Path):  # noqa: ANN001, ANN202
    path = files / "registry" / "stazioni-appaltanti.csv"
    return import_registry(session, datasets.iter_rows(path), origin=str(path))


def test_registry_places_every_authority_once_by_fiscal_code(session, files: Path) -> None:
    report = _import(session, files)
    session.commit()
    assert (report.rows, report.created, report.rejected) == (15, 14, [(15, "invalid fiscal code 'ABC'")])
    ercolano = _authority(session, "80017980634")
    assert (ercolano.istat_comune, ercolano.istat_province, ercolano.istat_region, ercolano.nuts) == (
        "063064", "263", "15", "ITF33")
    assert ercolano.place_source == "registry:istat_comune"
    assert ercolano.legal_nature == "COMUNE" and ercolano.registry_data["cap"] == "80056"
    assert _authority(session, "83000350724").ausa_code == "0000245464"
    assert _authority(session, "00147990923").istat_region == "20"
    assert not ercolano.is_national
    consip = _authority(session, "05359681003")
    assert consip.is_national and consip.istat_region == "12"
    assert consip.registry_data["national_reason"].startswith("fiscal code")


def test_unplaceable_authority_is_listed_not_guessed(session, files: Path) -> None:
    report = _import(session, files)
    session.commit()
    assert [(code, reason) for code, _, reason in report.unplaced] == [("94143220542", "unplaced: no place field")]
    forestale = _authority(session, "94143220542")
    assert forestale.istat_region is None and forestale.place_source == "unplaced: no place field"
    assert [a.fiscal_code for a in unplaced_authorities(session)] == ["94143220542"]


def test_changed_fiscal_code_keeps_both_rows_linked(session, files: Path) -> None:
    report = _import(session, files)
    session.commit()
    assert report.fiscal_code_changes == [("0000999001", "99000000011", "99000000029")]
    new, old = _authority(session, "99000000029"), _authority(session, "99000000011")
    assert new.previous_fiscal_code == "99000000011" and old.registry_data["replaced_by"] == "99000000029"
    assert new.id != old.id and old.name == "CONSORZIO SERVIZI SOCIALI ESEMPIO"


def test_registry_corrects_the_feeds_and_reimport_changes_nothing(session, files: Path) -> None:
    feed = upsert_authority(session, fiscal_code="80017980634", name="COMUNE DI ERCOLANO DIPARTIMENTO ASSETTO",
                            istat_region="12", place_source="feed")
    session.commit()
    _import(session, files)
    session.commit()
    session.refresh(feed)
    assert feed.name == "COMUNE DI ERCOLANO" and feed.istat_region == "15"
    count = len(session.scalars(select(ContractingAuthority)).all())
    report = _import(session, files)
    session.commit()
    assert report.created == 0 and report.updated == 14
    assert len(session.scalars(select(ContractingAuthority)).all()) == count


def test_feed_only_authorities_are_placed_from_their_own_fields(session, files: Path) -> None:
    upsert_authority(session, fiscal_code="83000350724", name="COMUNE DI TRANI")
    upsert_authority(session, fiscal_code="00773750211", name="SANITAETSBETRIEB DER AUTONOMEN PROVINZ BOZEN")
    upsert_authority(session, fiscal_code="01421240480", name="COMUNE DI REGGELLO", nuts="ITI14")
    session.commit()
    path = files / "registry" / "stazioni-appaltanti.csv"
    import_registry(session, (r for r in datasets.iter_rows(path) if r["codice_fiscale"] == "80017980634"), origin="x")
    session.commit()
    assert _authority(session, "83000350724").istat_region == "16"
    assert _authority(session, "83000350724").place_source == "feed:name"
    assert _authority(session, "01421240480").place_source == "feed:nuts"  # NUTS before the name
    assert _authority(session, "01421240480").istat_region == "09"
    bozen = _authority(session, "00773750211")
    assert bozen.istat_region is None and bozen.place_source.startswith("unplaced")


def test_a_file_that_is_not_the_registry_is_refused(session, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("cig;importo\nA;1\n", encoding="utf-8")
    with pytest.raises(datasets.DatasetError, match="header"):
        import_registry(session, datasets.iter_rows(wrong), origin="x")


@pytest.mark.parametrize(("value", "code"), [("0125680033", "00125680033"), (" 80017980634 ", "80017980634"),
                                             ("RSSMRA80A01H501U", "RSSMRA80A01H501U"), ("ABC", None), ("", None)])
def test_normalise_fiscal_code(value: str, code: str | None) -> None:
    assert normalise_fiscal_code(value) == code


def test_national_bodies_placed_by_a_feed_are_still_national(session) -> None:
    from authorities.registry import place_known_authorities

    rai = upsert_authority(session, fiscal_code="06382641006", name="RAI RADIOTELEVISIONE ITALIANA S.P.A.",
                           istat_region="12", place_source="place of performance")
    ministry = upsert_authority(session, fiscal_code=None, name="MINISTERO DELLA SALUTE")
    town = upsert_authority(session, fiscal_code="80017980634", name="COMUNE DI ERCOLANO")
    place_known_authorities(session)
    session.commit()
    assert rai.is_national and rai.istat_region == "12"
    assert ministry.is_national and ministry.istat_region is None
    assert not town.is_national and town.istat_region == "15"


def test_zipped_file_is_streamed_like_the_portal_serves_it(session, files: Path, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "stazioni-appaltanti_csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(files / "registry" / "stazioni-appaltanti.csv", "stazioni-appaltanti.csv")
    report = import_registry(session, datasets.iter_rows(archive), origin=str(archive))
    assert (report.rows, report.created) == (15, 14)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(datasets.DatasetError, match="truncated_zip"):
        list(datasets.iter_rows(truncated))
