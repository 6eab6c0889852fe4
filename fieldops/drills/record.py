"""The drill record of a school: every drill held at its events (the events sharing the
venue), each with the timings and problems a state's drill reporting form asks for, the time
to complete across drills, and how many of each action were held per school year."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from fieldops import offload
from fieldops.drills import services
from fieldops.drills.models import DrillAction
from fieldops.drills.protocol import ACTIONS, PROBLEMS
from fieldops.drills.schemas import organizer_copy
from fieldops.events.models import Event, EventKind
from fieldops.extensions import db
from fieldops.report.charts import drill_times

SCHOOL_YEAR_STARTS = 8  # August: a US school year runs August to July


def school_year(at: datetime) -> str:
    first = at.year if at.month >= SCHOOL_YEAR_STARTS else at.year - 1
    return f"{first}–{str(first + 1)[-2:]}"


def school_events(event: Event) -> list[Event]:
    """The events at the same school: its venue (else the event alone)."""
    if not event.venue:
        return [event]
    query = select(Event).where(Event.venue == event.venue, Event.kind == EventKind.SCHOOL)
    found = list(db.session.scalars(query))
    return found if event in found else [event, *found]


def build(event: Event, *, private: bool) -> dict:
    zone = ZoneInfo(event.timezone or "UTC")
    drills = []
    for each in school_events(event):
        found = services.drills_of(each.id)
        for drill, data in zip(found, services.to_dicts(found, each.id), strict=True):
            drills.append((drill, data if private else organizer_copy(data), each))
    drills.sort(key=lambda row: row[0].started_at, reverse=True)

    def local(value: str | None, fmt: str = "%d %b %Y %H:%M:%S") -> str:
        if not value:
            return ""
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone).strftime(fmt)

    counts = Counter((school_year(d.started_at.astimezone(zone)), d.action) for d, _c, _e in drills)
    years = sorted({year for year, _a in counts}, reverse=True)
    oldest_first = list(reversed(drills))
    rows = [
        (
            f"{local(c['started_at'], '%d %b')} {c['action_label']}",
            c["action"],
            c["time_to_complete_s"] / 60 if c["time_to_complete_s"] is not None else None,
        )
        for _d, c, _e in oldest_first
    ]
    return {
        "event": event,
        "school": event.venue or event.name,
        "drills": [{"data": c, "event": e} for _d, c, e in drills],
        "years": years,
        "actions": [(a.value, ACTIONS[a][0]) for a in DrillAction],
        "counts": {(y, a.value): counts.get((y, a), 0) for y in years for a in DrillAction},
        "chart": offload.in_process(drill_times, rows) if rows else "",
        "problem_labels": {p.value: label for p, label in PROBLEMS.items()},
        "local": local,
        "private": private,
    }
