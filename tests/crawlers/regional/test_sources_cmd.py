"""`observatory sources`: every spider with its declared policy, joined with the health the last crawl
left in the database (never crawled, ok, broken with its reason, robots-denied tenants)."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from crawlers.runner import available_sources, spider_class
from db.models import RunRecord
from db.queries.sources import upsert_source
from observatory.cli import cli
from observatory.cli.sources_cmd import render_text, source_overviews


def test_overview_joins_policy_health_and_last_run(session):
    source = upsert_source(session, "prefetture", name="Prefetture", kind="prefecture")
    source.health, source.health_reason = "broken", "struttura della pagina cambiata: elenco senza righe"
    session.add(RunRecord(stage="crawl", source_code="prefetture", status="partial",
                          started_at=dt.datetime(2026, 11, 20, 3, 30, tzinfo=dt.UTC),
                          finished_at=dt.datetime(2026, 11, 20, 3, 40, tzinfo=dt.UTC), errors=[]))
    session.add(RunRecord(stage="crawl", source_code="portaleappalti", status="partial",
                          started_at=dt.datetime(2026, 11, 20, 3, 30, tzinfo=dt.UTC),
                          errors=[{"reason": "robots_denied", "url": "http://x/bari/", "tenant": "bari"},
                                  {"reason": "not_found", "url": "http://x/novara/"}]))
    session.flush()
    spiders = {code: spider_class(code) for code in ("prefetture", "portaleappalti", "start_toscana")}
    overviews = {o.code: o for o in source_overviews(session, spiders)}

    assert overviews["prefetture"].health == "broken"
    assert overviews["prefetture"].last_run_status == "partial"
    assert overviews["prefetture"].tenants == 106
    assert overviews["portaleappalti"].robots_denied_tenants == ["bari"]
    assert overviews["start_toscana"].health == "unknown" and overviews["start_toscana"].last_run_status is None
    assert overviews["start_toscana"].policy["visit_window"] == "23:00-04:00 Europe/Rome"

    text = render_text(list(overviews.values()))
    assert "salute: broken - struttura della pagina cambiata" in text
    assert "robots.txt vieta: bari" in text
    assert "start_toscana [regional]" in text and "salute: mai scansionata" in text


def test_cli_lists_every_spider(settings_env):
    from db.migrate import upgrade
    from observatory.app import get_engine

    upgrade(get_engine())
    result = CliRunner().invoke(cli, ["sources", "--json"], catch_exceptions=False)
    listed = [entry["code"] for entry in json.loads(result.output)]
    assert listed == sorted(available_sources())
    result = CliRunner().invoke(cli, ["sources", "--kind", "prefecture"], catch_exceptions=False)
    assert result.output.startswith("prefetture [prefecture]") and "anac_pvl" not in result.output
