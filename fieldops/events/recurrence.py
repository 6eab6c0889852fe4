"""A school day that recurs: the roster of the event's first day repeated on the chosen
weekdays until a date, at the same local times (daylight saving respected), so that check-in
finds each day's shift. Re-running it adds only the days not yet rostered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from fieldops.errors import invalid
from fieldops.events.models import Assignment, Event
from fieldops.events.signals import roster_changed
from fieldops.extensions import db

MAX_DAYS = 400  # a school year and then some


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)


def recur(event: Event, weekdays: list[int], until: date) -> int:
    """How many roster entries were added."""
    zone = ZoneInfo(event.timezone or "UTC")
    first_day = _local(event.starts_at, zone).date()
    if until <= first_day:
        raise invalid("until must be after the event's first day", "until")
    if (until - first_day).days > MAX_DAYS:
        raise invalid(f"a school day recurs for at most {MAX_DAYS} days", "until")
    rows = list(db.session.scalars(select(Assignment).where(Assignment.event_id == event.id)))
    template = [a for a in rows if _local(a.starts_at, zone).date() == first_day]
    if not template:
        raise invalid("roster the event's first day first: it is what recurs", "weekdays")
    rostered = {(a.officer_id, a.post_id, _local(a.starts_at, zone).date()) for a in rows}
    added, latest_end = 0, event.ends_at
    day = first_day + timedelta(days=1)
    while day <= until:
        if day.weekday() in weekdays:
            for a in template:
                if (a.officer_id, a.post_id, day) in rostered:
                    continue
                starts = datetime.combine(day, _local(a.starts_at, zone).time(), zone)
                ends = starts + (a.ends_at - a.starts_at)
                db.session.add(
                    Assignment(
                        event_id=event.id,
                        officer_id=a.officer_id,
                        post_id=a.post_id,
                        starts_at=starts,
                        ends_at=ends,
                        hourly_rate=a.hourly_rate,
                    )
                )
                added += 1
                latest_end = max(latest_end, ends)
        day += timedelta(days=1)
    event.ends_at = latest_end
    db.session.flush()
    for officer_id in {a.officer_id for a in template}:
        roster_changed.send(event, officer_id=officer_id)
    return added
