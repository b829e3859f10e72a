"""The legislation-watch alert: every new watched act whose title matched a topic reaches the National
Observatory, and a regional act also its region's Observatory, once (`alert_delivery_watched_act`). A new
Ministry cost table is shown first with the command that imports it.

"New" means first seen within FRESH_DAYS of its publication: the backlog a source lists on its first crawl
(older acts) is stored but not mailed, so that a new installation does not mail years of acts.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.message import sender_domain, stable_message_id
from alerts.render import render_alert
from db.models import AlertDelivery, AlertDeliveryWatchedAct, WatchedAct
from legislation.regions import region_name
from legislation.sources import source

WATCH = "legislation-watch"
FRESH_DAYS = 60
_DECREE = re.compile(r"\bn\.\s*(\d{1,3})\b.*?\b((?:19|20)\d\d)\b")


def fresh(act: WatchedAct) -> bool:
    published = act.published_on or act.act_date
    return published is None or (act.first_seen_at.date() - published).days <= FRESH_DAYS


def plan_watch(session: Session, directory: Any, observatory_ids: dict[str, int]) -> dict[str, list[WatchedAct]]:
    """{observatory code: new matching acts not yet sent to it}."""
    acts = [a for a in session.scalars(select(WatchedAct).order_by(WatchedAct.published_on, WatchedAct.id)) if a.topics]
    sent = set(session.execute(select(AlertDeliveryWatchedAct.observatory_id, AlertDeliveryWatchedAct.watched_act_id)))
    plans: dict[str, list[WatchedAct]] = {}
    for act in acts:
        if not fresh(act):
            continue
        targets = [directory.national]
        regional = directory.by_region(act.region) if act.region else None
        if regional is not None and not regional.is_national:
            targets.append(regional)
        for entry in targets:
            if (observatory_ids[entry.code], act.id) not in sent:
                plans.setdefault(entry.code, []).append(act)
    return plans


def watch_context(observatory: Any, acts: list[WatchedAct], today: dt.date) -> dict[str, Any]:
    groups: dict[str, dict[str, Any]] = {}
    tables = []
    for act in acts:
        watched = source(act.watch_source)
        view = {"title": act.title, "url": act.url, "published_on": act.published_on,
                "region_name": region_name(act.region) if act.region else None,
                "source": watched.name if watched else act.watch_source,
                "terms": sorted({term for t in act.topics for term in t.get("terms", [])})}
        if act.new_table:
            match = _DECREE.search(act.title)
            tables.append({**view, "decree": f"DD{int(match.group(1))}-{match.group(2)}" if match else None})
        for topic in act.topics:
            group = groups.setdefault(topic["topic"], {"label": topic["label"], "acts": []})
            if view not in group["acts"]:
                group["acts"].append(view)
    return {"observatory": {"code": observatory.code, "name": observatory.name, "is_national": observatory.is_national},
            "today": today, "groups": list(groups.values()), "new_tables": tables, "count": len(acts)}


def queue_watch_alerts(session: Session, directory: Any, settings: Any, observatory_ids: dict[str, int], *,
                       today: dt.date, queue_message: Any) -> int:
    """Queue one watch alert per Observatory with new acts (in the caller's transaction); returns how many.
    `queue_message` is the alerts service's function that builds and stores the message."""
    queued = 0
    for code, acts in sorted(plan_watch(session, directory, observatory_ids).items()):
        entry = directory.by_code(code)
        rendered = render_alert(WATCH, watch_context(entry, acts, today), timezone=settings.timezone)
        message_id = stable_message_id(WATCH, [code, *(a.id for a in acts)], sender_domain(settings.mail_from),
                                       label=f"{code}.{today:%Y%m%d}")
        if queue_message(rendered, alert_type=WATCH, message_id=message_id, recipients=list(entry.recipients),
                         observatory_id=observatory_ids[code], context={"watched_acts": [a.id for a in acts]},
                         headers={"X-Observatory": code}):
            delivery_id = session.scalar(select(AlertDelivery.id).where(AlertDelivery.message_id == message_id))
            session.add_all(AlertDeliveryWatchedAct(delivery_id=delivery_id, watched_act_id=a.id,
                                                    observatory_id=observatory_ids[code]) for a in acts)
            session.flush()
            queued += 1
    return queued

