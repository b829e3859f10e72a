"""The post-award housekeeping to run after every crawl (the spiders of other sources create
authorities and execution rows too): place authorities from their own fields, give execution rows
the authority of their notice, and record amount disagreements between sources."""

from __future__ import annotations

from sqlalchemy.orm import Session

from authorities.execution import link_authorities, reconcile_all
from authorities.registry import place_known_authorities

# The post-award spiders. anac_execution keeps only the CIGs of notices already stored, so in a
# nightly run it belongs after the notice spiders (or its rows wait for the next night); then
# `refresh_post_award` reconciles what every source wrote.
POST_AWARD_SOURCES = ("anac_registry", "anac_execution", "payments_html", "payments_pdf", "payments_sheet",
                      "pcc")


def refresh_post_award(session: Session) -> dict[str, int]:
    placed, unplaced = place_known_authorities(session)
    linked = link_authorities(session)
    conflicts = reconcile_all(session)
    return {"placed": placed, "unplaced": unplaced, "execution_rows_linked": linked, "cig_conflicts": conflicts}
