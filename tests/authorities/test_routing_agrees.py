"""`authorities show` names the same Observatory as the digests' routing, whatever place data there is."""

from __future__ import annotations

import pytest

from alerts.routing import route_authority
from db.models import ContractingAuthority
from observatory.authorities.report import route
from observatory.directory import load_directory
from observatory.settings import PROJECT_ROOT

DIRECTORY = load_directory(PROJECT_ROOT / "observatory" / "data" / "observatories.yaml")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"istat_region": "15"}, "CAM"),
        ({"istat_province": "003"}, "PIE"),  # Novara: province only
        ({"nuts": "ITH55"}, "EMR"),  # Bologna: NUTS only
        ({"is_national": True}, "NAZ"),
        ({}, "NAZ"),  # unplaced: the National Observatory, with the reason
    ],
)
def test_show_and_digest_route_alike(fields: dict, expected: str) -> None:
    authority = ContractingAuthority(name="Ente di prova", name_key="ENTE DI PROVA", **fields)
    observatory, reason = route(authority, DIRECTORY)
    assert observatory.code == expected == route_authority(authority, DIRECTORY).observatory.code
    assert reason
    if not fields:
        assert "non determinabile" in reason
