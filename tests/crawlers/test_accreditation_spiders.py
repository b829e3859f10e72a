"""The tariff spiders and the legislation watch crawl their replays (scrapy crawl processes through
crawlers.runner): tariffs read from the acts' PDFs are stored with verified figures, every listed act becomes a
watched act with its topics, a new Ministry table is flagged; a second crawl adds nothing; a source that stops
answering in its shape is recorded broken with the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from db.models import Source, Tariff, WatchedAct
from replay import bulletins, legislation
from replay.server import ReplayResponse, ReplayServer

FROM = {"from_date": dt.date(2026, 1, 1), "until_date": dt.date(2026, 12, 31)}


def test_tariff_spiders_and_watch_crawl_their_replay(crawl, session, settings_env: Path, corpus_dir: Path) -> None:
    with ReplayServer([*bulletins.build(corpus_dir), *legislation.build(corpus_dir)]) as server:
        urls = server.urls()
        results = {r.code: r for r in crawl(urls, force=True, **FROM)}
        assert {code: r.status for code, r in results.items()} == {
            "bur_emilia_romagna": "ok", "bur_veneto": "ok", "legislation_watch": "ok"}, results
        tariffs = list(session.scalars(select(Tariff).order_by(Tariff.region, Tariff.variant)))
        assert [(t.region, t.service_type, t.variant, float(t.amount)) for t in tariffs] == [
            ("05", "cdd", "profilo 1", 61.0), ("05", "cdd", "profilo 3", 81.0),
            ("08", "csrd", "livello di assistenza completo", 130.0),
            ("08", "csrd", "livello di assistenza moderato", 68.0),
            ("08", "csrd", "livello di assistenza severo", 98.0)]
        moderate = tariffs[3]
        assert (moderate.act_number, moderate.valid_from, float(moderate.health_share)) == ("1234/2026", dt.date(2027, 1, 1), 51.0)
        assert moderate.sources["amount"]["status"] == "verified" and moderate.sources["amount"]["page"] == 2
        assert [s["minutes"] for s in moderate.staff] == [160.0, 50.0] and moderate.origin == "crawl:bur_emilia_romagna"
        assert tariffs[0].staff[0]["per"] == "week"

        acts = {a.key: a for a in session.scalars(select(WatchedAct))}
        matched = {a.title[:40]: [t["topic"] for t in a.topics] for a in acts.values() if a.topics}
        assert len(acts) == 15 and len(matched) == 9, matched  # older acts than the window are not kept
        lombardia = next(a for a in acts.values() if "LOMBARDIA" in a.title)
        assert lombardia.region == "03" and lombardia.topics[0]["topic"] == "accreditation_tariffs"
        tables = [a for a in acts.values() if a.new_table]
        assert [a.title[:40] for a in tables] == ["Decreto direttoriale n. 12 del 1 dicembr"]  # DD 30/2024 is known
        assert all(a.region == "08" for a in acts.values() if a.watch_source == "bur_emilia_romagna")

        again = {r.code: r for r in crawl(urls, force=True, **FROM)}
        assert all(r.status == "ok" for r in again.values())
        session.expire_all()
        assert session.scalar(select(func.count()).select_from(WatchedAct)) == 15
        assert session.scalar(select(func.count()).select_from(Tariff)) == 5


def test_a_feed_out_of_shape_marks_the_watch_broken(crawl, session, settings_env: Path, corpus_dir: Path) -> None:
    [site] = legislation.build(corpus_dir)
    site.routes.insert(0, ("GET", __import__("re").compile(r"/www\.gazzettaufficiale\.it/rss/SG\Z"),
                           lambda request: ReplayResponse.html("<html><body>Servizio non disponibile</body></html>")))
    with ReplayServer([site]) as server:
        [result] = crawl({"legislation_watch": server.url("legislation_watch")}, force=True, **FROM)
    assert result.status in {"partial", "failed"}
    source = session.scalar(select(Source).where(Source.code == "legislation_watch"))
    assert source.health == "broken" and "Serie Generale" in (source.health_reason or "")
    # the other sources were still read
    assert session.scalar(select(func.count()).select_from(WatchedAct).where(WatchedAct.watch_source == "anac_delibere")) == 2
