"""`authorities show` names the same Observatory as the digests' routing, whatever place data there is."""

from __future__ import annotations

import pytest

from authorities.report import route
from authorities.routing import route_authority
from db.models import ContractingAuthority
from kernel.directory import SHIPPED_DIRECTORY, load_directory

DIRECTORY = load_directory(SHIPPED_DIRECTORY)


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
