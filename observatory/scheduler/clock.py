"""The nightly trigger: a standard crontab line in the configured time zone, refused when it fires inside
a daylight-saving change, and the fire times the catch-up reasons about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from kernel.errors import ConfigurationError


def nightly_trigger(cron: str, timezone: str) -> CronTrigger:
    """The nightly CronTrigger, refusing an invalid expression or one that fires inside a DST change."""
    try:
        tz = ZoneInfo(timezone)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError
        raise ConfigurationError(f"OBSERVATORY_TIMEZONE: unknown time zone {timezone!r}") from None
    try:
        trigger = crontab_trigger(cron, tz)
    except ValueError as exc:
        raise ConfigurationError(
            f"OBSERVATORY_NIGHTLY_CRON {cron!r} is not a 5-field cron expression "
            f"(minute hour day month weekday): {exc}"
        ) from None
    hazards = dst_hazards(cron, tz)
    if hazards:
        raise ConfigurationError(
            f"OBSERVATORY_NIGHTLY_CRON {cron!r} fires at {', '.join(hazards)} {timezone}, inside a "
            "daylight-saving change: that time is repeated in October (two runs) or skipped in March. "
            "Choose a time outside 02:00-02:59, e.g. '30 3 * * *'"
        )
    return trigger


_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_trigger(cron: str, tz: dt.tzinfo) -> CronTrigger:
    """A CronTrigger from a standard 5-field crontab line.

    APScheduler 3 numbers weekdays from Monday = 0, so its `from_crontab("30 3 * * 0")` fires on
    Mondays; crontab(5) says 0 (and 7) is Sunday. Numeric weekdays are therefore rewritten as names
    before APScheduler reads them, so the line means what an operator who knows cron expects.
    """
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, weekday = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=standard_weekdays(weekday),
                       timezone=tz)


def standard_weekdays(field: str) -> str:
    """crontab(5) weekdays ("1-5", "0,6", "*/2", "sun") as APScheduler day names ("mon,tue,...")."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            first, last = span.split("-", 1)
            low, high = _cron_day(first), _cron_day(last)
        else:
            low = _cron_day(span)
            high = 6 if step_text else low  # "1/2": from Monday, every other day
        if high < low:
            high += 7  # "fri-mon" wraps over the week's end
        if step < 1:
            raise ValueError(f"weekday step must be positive in {field!r}")
        days.update(day % 7 for day in range(low, high + 1, step))
    return ",".join(_CRON_DAYS[day] for day in sorted(days))


def _cron_day(token: str) -> int:
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)  # 7 is Sunday too (folded by % 7)
    if token[:3] in _CRON_DAYS:
        return _CRON_DAYS.index(token[:3])
    raise ValueError(f"unknown weekday {token!r}")


def _wall_times_on(probe: CronTrigger, day: dt.date) -> set[tuple[int, int]]:
    """The (hour, minute) pairs a cron fires at on one calendar day. `probe` is the cron in UTC, where
    wall-clock times have no DST, so its fire times are the cron's wall times; day of month, month
    and day of week are honoured (a Monday-only 02:30 never meets a Sunday DST change)."""
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    end = start + dt.timedelta(days=1)
    seen: set[tuple[int, int]] = set()
    when = probe.get_next_fire_time(None, start)
    while when is not None and when < end:
        seen.add((when.hour, when.minute))
        when = probe.get_next_fire_time(when, when + dt.timedelta(minutes=1))
    return seen


def dst_hazards(cron: str, tz: ZoneInfo, *, years: int = 2) -> list[str]:
    """Local times this cron fires at, on a DST-change day, that do not exist (spring) or exist twice
    (autumn) in `tz`."""
    probe = crontab_trigger(cron, dt.UTC)
    hazards: set[tuple[int, int]] = set()
    day = dt.date(2026, 1, 1)
    for _ in range(366 * years):
        offset_at_start = dt.datetime.combine(day, dt.time(0), tz).utcoffset()
        offset_at_end = dt.datetime.combine(day, dt.time(23, 59), tz).utcoffset()
        if offset_at_start != offset_at_end:  # a transition day: test each firing time of that day
            for hour, minute in _wall_times_on(probe, day):
                local = dt.datetime.combine(day, dt.time(hour, minute), tz)
                if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
                    hazards.add((hour, minute))
        day += dt.timedelta(days=1)
    return [f"{h:02d}:{m:02d}" for h, m in sorted(hazards)]


def fire_times(trigger: CronTrigger, start: dt.datetime) -> Iterator[dt.datetime]:
    """Successive fire times from `start`. The step is taken in UTC: wall-clock arithmetic on the
    second 02:30 of an October night (fold=1) would land before it and never move on."""
    when = trigger.get_next_fire_time(None, start)
    while when is not None:
        yield when
        when = trigger.get_next_fire_time(when, when.astimezone(dt.UTC) + dt.timedelta(seconds=1))


def last_due(trigger: CronTrigger, now: dt.datetime, *, lookback: dt.timedelta = dt.timedelta(days=32)) -> dt.datetime | None:
    """The latest fire time of `trigger` at or before `now` (None when it never fired in `lookback`)."""
    due = None
    for when in fire_times(trigger, now - lookback):
        if when > now:
            break
        due = when
    return due
