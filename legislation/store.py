"""Store what a watched source listed: one `watched_act` per source and key, with the topics its title matched.
An act seen again is left as it was (its first sighting decides when it was new)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import WatchedAct
from legislation.feeds import Entry
from legislation.match import is_known_table, is_new_table, match_title
from legislation.sources import WatchedSource


@dataclass
class WatchReport:
    seen: int = 0
    new: int = 0
    matched: int = 0
    new_tables: int = 0


def store_entries(session: Session, source: WatchedSource, entries: list[Entry]) -> WatchReport:
    """Insert the entries not yet known (in the caller's transaction)."""
    report = WatchReport(seen=len(entries))
    keys = [e.key[:512] for e in entries]
    known = set(session.scalars(select(WatchedAct.key).where(WatchedAct.watch_source == source.key,
                                                             WatchedAct.key.in_(keys))))
    for entry in entries:
        key = entry.key[:512]
        if key in known:
            continue
        known.add(key)
        region = entry.region or (source.region if source.scope == "regional" else None)
        topics = match_title(entry.title, region=region, act_kind=entry.act_kind, act_number=entry.act_number,
                             act_date=entry.act_date)
        new_table = source.tables_page and is_new_table(entry.title, topics) and not is_known_table(entry.title)
        if new_table and not any(t["topic"] == "ccnl_tables" for t in topics):
            topics.append({"topic": "ccnl_tables", "label": "tabelle del costo del lavoro delle cooperative sociali",
                           "terms": ["decreto sulla pagina delle tabelle del Ministero"]})
        session.add(WatchedAct(watch_source=source.key, key=key, title=entry.title, url=entry.url,
                               published_on=entry.published_on, region=region, act_kind=entry.act_kind,
                               act_number=entry.act_number, act_date=entry.act_date, topics=topics,
                               new_table=new_table))
        report.new += 1
        report.matched += bool(topics)
        report.new_tables += new_table
    session.flush()
    return report
