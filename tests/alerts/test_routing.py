"""Routing a notice to the Observatory of its authority's region."""

from __future__ import annotations

from authorities.routing import route_notice
from db.models import ContractingAuthority, Notice


def _notice(authority: ContractingAuthority | None = None, **kw) -> Notice:  # type: ignore[no-untyped-def]
    notice = Notice(title="t", **kw)
    notice.authority = authority
    return notice


def _auth(**kw) -> ContractingAuthority:  # type: ignore[no-untyped-def]
    return ContractingAuthority(name=kw.pop("name", "Ente"), name_key="ente", **kw)


def test_authority_region_province_comune_nuts(directory) -> None:  # type: ignore[no-untyped-def]
    assert route_notice(_notice(_auth(istat_region="03")), directory).observatory.code == "LOM"
    assert route_notice(_notice(_auth(istat_region="3")), directory).observatory.code == "LOM"
    by_province = route_notice(_notice(_auth(istat_province="063")), directory)  # Napoli (historic code)
    assert by_province.observatory.code == "CAM" and "provincia" in by_province.basis
    assert route_notice(_notice(_auth(istat_comune="001272")), directory).observatory.code == "PIE"  # Torino
    assert route_notice(_notice(_auth(nuts="ITH10")), directory).observatory.code == "TAA"  # Bolzano


def test_authority_data_wins_over_the_feed_place(directory) -> None:  # type: ignore[no-untyped-def]
    route = route_notice(_notice(_auth(istat_region="19"), place_nuts="ITC4"), directory)
    assert route.observatory.code == "SIC"


def test_feed_place_when_the_authority_has_none(directory) -> None:  # type: ignore[no-untyped-def]
    assert route_notice(_notice(_auth(), place_nuts="ITF33"), directory).observatory.code == "CAM"
    assert route_notice(_notice(None, place_istat_region="20"), directory).observatory.code == "SAR"
    route = route_notice(_notice(_auth(), place_istat_comune="058091"), directory)  # Roma
    assert route.observatory.code == "LAZ" and "bando" in route.basis


def test_national_bodies_go_to_the_national_observatory(directory) -> None:  # type: ignore[no-untyped-def]
    route = route_notice(_notice(_auth(is_national=True, istat_region="12")), directory)
    assert route.observatory.code == "NAZ" and route.resolved


def test_unresolvable_goes_national_with_the_reason(directory) -> None:  # type: ignore[no-untyped-def]
    route = route_notice(
        _notice(_auth(name="Unione dei Comuni X", istat_region="99", nuts="FR101")), directory
    )
    assert route.observatory.code == "NAZ" and not route.resolved
    assert "Unione dei Comuni X" in route.basis and "non determinabile" in route.basis
    assert not route_notice(_notice(None), directory).resolved
