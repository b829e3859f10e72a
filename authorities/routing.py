"""Which Observatory receives a finding: the one of the contracting authority's region.

Order of evidence (the first that names a region known to the directory wins):
1. the authority is a national body (ministry, national purchasing body: `is_national`) -> National;
2. the authority's ISTAT region, then its ISTAT province, then its ISTAT comune, then its NUTS code;
3. the place the feed gives for the notice: ISTAT region, comune, NUTS (TED and ANAC give these);
4. nothing resolves -> the National Observatory, with the reason written in the digest.

The basis is kept in Italian because the digest shows it: an Observatory can see why a notice reached
it, and the National one sees which authorities still need a place in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import ContractingAuthority, Notice
from kernel import territory
from kernel.directory import Directory, ObservatoryEntry


@dataclass(frozen=True)
class Route:
    observatory: ObservatoryEntry
    basis: str  # Italian: why this Observatory
    resolved: bool  # False when the region could not be determined and the National one stands in


def _candidates(notice: Notice | None, authority: ContractingAuthority | None) -> list[tuple[str | None, str]]:
    """(ISTAT region or None, Italian description of where it came from), best evidence first."""
    out: list[tuple[str | None, str]] = []
    if authority is not None:
        out.append((authority.istat_region, f"regione dell'ente (codice ISTAT {authority.istat_region})"))
        out.append(
            (
                territory.region_of_province(authority.istat_province),
                f"provincia dell'ente (codice ISTAT {authority.istat_province})",
            )
        )
        comune = territory.comune(authority.istat_comune) if authority.istat_comune else None
        out.append(
            (comune.region if comune else None, f"comune dell'ente (codice ISTAT {authority.istat_comune})")
        )
        out.append((territory.region_of_nuts(authority.nuts), f"codice NUTS dell'ente ({authority.nuts})"))
    if notice is None:
        return out
    out.append(
        (notice.place_istat_region, f"regione indicata dal bando (codice ISTAT {notice.place_istat_region})")
    )
    place_comune = territory.comune(notice.place_istat_comune) if notice.place_istat_comune else None
    out.append(
        (
            place_comune.region if place_comune else None,
            f"comune indicato dal bando (codice ISTAT {notice.place_istat_comune})",
        )
    )
    out.append(
        (territory.region_of_nuts(notice.place_nuts), f"codice NUTS indicato dal bando ({notice.place_nuts})")
    )
    return out


def route_notice(notice: Notice, directory: Directory) -> Route:
    return _route(notice, notice.authority, directory)


def route_authority(authority: ContractingAuthority, directory: Directory) -> Route:
    """Where this authority's findings go when a notice adds no place of its own."""
    return _route(None, authority, directory)


def _route(notice: Notice | None, authority: ContractingAuthority | None, directory: Directory) -> Route:
    if authority is not None and authority.is_national:
        return Route(directory.national, "ente di livello nazionale", True)
    for region, basis in _candidates(notice, authority):
        if not region:
            continue
        entry = directory.by_region(str(region).zfill(2))
        if entry is not None:
            return Route(entry, basis, True)
    who = f"«{authority.name}»" if authority is not None else "l'ente (non indicato dalla fonte)"
    reason = (
        f"regione non determinabile per {who}: nessun codice ISTAT, provincia o NUTS utilizzabile; "
        "inviato all'Osservatorio nazionale"
    )
    return Route(directory.national, reason, False)
