"""Every figure of the post-event report, read once and shared by the page, the PDF, the CSV
zip and the GeoJSON.

`private=False` is the organizer's report: no owner, guardian, finder or claimant names or
contact details, no identity checks, no names of lost persons (they are "Child 1", "Adult 2"),
and no free text an officer or the desk typed (incident notes, message texts, alarm wording),
which may hold any of those.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union

from fieldops.alerts.models import Alert
from fieldops.auth.models import User
from fieldops.db import utcnow
from fieldops.events.models import Assignment, Event, Post
from fieldops.extensions import db
from fieldops.incidents.models import Incident, IncidentAssignment, TimelineEntry
from fieldops.lostfound.models import CustodianKind, FoundItem, ItemStatus
from fieldops.lostpersons.models import LostPerson, LostPersonStatus
from fieldops.messages.models import Message, MessageRecipient
from fieldops.report import coverage, response
from fieldops.report.stats import PERCENTILE_RULE, median
from fieldops.tracking.models import ShiftLog
from fieldops.vocabulary import (
    ALERT_LABELS,
    CATEGORY_LABELS,
    ITEM_STATUS_LABELS,
    SEVERITY_LABELS,
    TYPE_WORDS,
)


@dataclass
class Report:
    event: Event
    private: bool
    generated_at: datetime
    zone: ZoneInfo
    incidents: list[response.Handled]
    times: dict
    slowest: list[response.Handled]
    duties: list[coverage.Duty]
    posts: list[coverage.PostCoverage]
    on_shift: list[tuple[datetime, int]]
    items: list[dict]
    persons: list[dict]
    alarms: list[dict]
    messages: list[dict]
    drills: list[dict]
    proactive: list[dict]
    activity: list[dict]
    timelines: dict[int, list[tuple[datetime, str, str]]]
    summary: dict
    people: dict[int, User]
    post_rows: list[Post]

    rules = {
        "response": response.RULE,
        "coverage": coverage.RULES,
        "percentiles": PERCENTILE_RULE,
    }

    def local(self, value: datetime | None, fmt: str = "%H:%M") -> str:
        return value.astimezone(self.zone).strftime(fmt) if value else ""

    def name(self, user_id: int | None) -> str:
        user = self.people.get(user_id)
        if user is None:
            return ""
        return f"{user.display_name} #{user.badge}" if user.badge else user.display_name


def type_label(value: str) -> str:
    return TYPE_WORDS.get(value, (value,))[0]  # StrEnum keys: a plain value finds its member


def severity_label(value: str) -> str:
    return SEVERITY_LABELS.get(value, value)


def build(event: Event, *, private: bool, now: datetime | None = None) -> Report:
    now = now or utcnow()
    zone = ZoneInfo(event.timezone or "UTC")
    incidents = response.handled(event.id)
    all_duties = coverage.duties(event, now)
    people = _people(event.id)
    report = Report(
        event=event,
        private=private,
        generated_at=now,
        zone=zone,
        incidents=incidents,
        times=response.times(incidents),
        slowest=response.slowest(incidents),
        duties=all_duties,
        posts=coverage.posts_covered(event, all_duties),
        on_shift=coverage.on_shift_over_time(all_duties, event.starts_at, event.ends_at),
        items=_items(event.id, private),
        persons=_persons(event.id, private),
        alarms=_alarms(event.id, private),
        messages=_messages(event.id, private),
        drills=_drills(event.id),
        proactive=_proactive(event.id),
        activity=[],
        timelines={},
        summary={},
        people=people,
        post_rows=list(db.session.scalars(select(Post).where(Post.event_id == event.id))),
    )
    report.activity = _activity(event.id, report)
    report.timelines = _timelines(event.id, report)
    report.summary = _summary(report)
    return report


# --- the sections --------------------------------------------------------------------------


def _people(event_id: int) -> dict[int, User]:
    ids = union(
        select(ShiftLog.officer_id).where(ShiftLog.event_id == event_id),
        select(Assignment.officer_id).where(Assignment.event_id == event_id),
        select(IncidentAssignment.officer_id)
        .join(Incident, Incident.id == IncidentAssignment.incident_id)
        .where(Incident.event_id == event_id),
        select(Incident.reported_by_id).where(Incident.event_id == event_id),
        select(Alert.officer_id).where(Alert.event_id == event_id),
        select(Alert.acknowledged_by_id).where(Alert.event_id == event_id),
        select(Message.sender_id).where(Message.event_id == event_id),
        select(FoundItem.logged_by_id).where(FoundItem.event_id == event_id),
    )
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _items(event_id: int, private: bool) -> list[dict]:
    out = []
    for item in db.session.scalars(
        select(FoundItem).where(FoundItem.event_id == event_id).order_by(FoundItem.found_at)
    ):
        last = item.custody[-1] if item.custody else None
        returned = last if last and last.to_kind == CustodianKind.OWNER else None
        to_agency = last if last and last.to_kind == CustodianKind.AGENCY else None
        description = item.description
        if not private and item.personal_data:
            description = ""  # an ID's or a card's description may carry its owner's name
        row = {
            "id": item.id,
            "category": CATEGORY_LABELS.get(item.category, item.category.value),
            "description": description,
            "colours": ", ".join(item.colours or []),
            "brand": item.brand,
            "personal_data": item.personal_data,
            "place": item.place,
            "lat": item.lat,
            "lon": item.lon,
            "found_at": item.found_at,
            "status": ITEM_STATUS_LABELS.get(item.status, item.status.value),
            "status_value": item.status.value,
            "returned_at": returned.at if returned else None,
            "return_s": (returned.at - item.found_at).total_seconds() if returned else None,
            "agency": to_agency.to_name if to_agency else "",
            "hand_offs": len(item.custody),
            "handed_in_by_public": bool(item.finder_name),
        }
        if private:
            row |= {
                "finder": item.finder_name,
                "finder_contact": item.finder_contact,
                "owner": returned.received_by if returned else "",
                "identity_check": (
                    f"{returned.identity_method.value}: {returned.identity_detail}"
                    if returned and returned.identity_method
                    else ""
                ),
            }
        out.append(row)
    return out


KIND_LABEL = {"child": "Child", "vulnerable_adult": "Adult"}


def _persons(event_id: int, private: bool) -> list[dict]:
    out = []
    counters: Counter = Counter()
    for person in db.session.scalars(
        select(LostPerson).where(LostPerson.event_id == event_id).order_by(LostPerson.reported_at)
    ):
        kind = KIND_LABEL.get(person.kind.value, person.kind.value)
        counters[kind] += 1
        reunited_s = (
            (person.reunited_at - person.received_at).total_seconds()
            if person.reunited_at
            else None
        )
        found_s = (
            (person.found_at - person.received_at).total_seconds()
            if person.found_at and not person.found_first
            else None
        )
        row = {
            "id": person.id,
            "label": f"{kind} {counters[kind]}",
            "kind": kind,
            "age": person.age,
            "found_first": person.found_first,
            "status": person.status.value,
            "reported_at": person.received_at,
            "found_at": person.found_at,
            "reunited_at": person.reunited_at,
            "found_s": found_s,
            "reunited_s": reunited_s,
            "agency_called_at": person.agency_called_at,
            "last_seen_place": person.last_seen_place,
            "found_place": person.found_place,
        }
        if private:
            row |= {
                "label": person.full_name or person.first_name,
                "guardian": person.guardian_name,
                "guardian_contact": person.guardian_contact,
                "reunited_with": person.reunited_with,
                "identity_verified_how": person.identity_verified_how,
            }
        out.append(row)
    return out


def _alarms(event_id: int, private: bool) -> list[dict]:
    out = []
    for alert in db.session.scalars(
        select(Alert).where(Alert.event_id == event_id).order_by(Alert.raised_at)
    ):
        ack_s = (
            (alert.acknowledged_at - alert.raised_at).total_seconds()
            if alert.acknowledged_at
            else None
        )
        out.append(
            {
                "id": alert.id,
                "kind": ALERT_LABELS.get(alert.kind, alert.kind.value),
                "kind_value": alert.kind.value,
                "raised_at": alert.raised_at,
                "place": alert.place,
                "officer_id": alert.officer_id,
                "acknowledged_at": alert.acknowledged_at,
                "acknowledged_by_id": alert.acknowledged_by_id,
                "ack_s": ack_s,
                "cancelled": alert.cancelled_at is not None,
                "text": alert.message if private else "",
            }
        )
    return out


def _drills(event_id: int) -> list[dict]:
    """Each drill with its timings and the problems found per area (issue 11); the notes
    column is private (drills/schemas.organizer_copy's rule)."""
    from fieldops.drills import services as drills
    from fieldops.drills.protocol import PROBLEMS
    from fieldops.drills.schemas import drill_to_dict

    names = drills.place_names(event_id)
    out = []
    for drill in reversed(drills.drills_of(event_id)):
        data = drill_to_dict(drill, names)
        found = [
            f"{area['name']}: {', '.join(PROBLEMS.get(p, p) for p in area['problems'])}"
            for area in data["areas"]
            if area["problems"]
        ]
        reported = sum(1 for area in data["areas"] if area["state"] != "not_reported")
        completed = data["time_to_complete_s"]
        out.append(
            {
                "id": drill.id,
                "action": data["action_label"],
                "mode": "real" if drill.mode.value == "real" else "drill",
                "started_by": drill.started_by_id,
                "started_at": drill.started_at,
                "complete_s": completed,
                "concluded_at": drill.concluded_at,
                "areas": f"{reported} of {len(data['areas'])}",
                "accounted": data["totals"]["accounted"],
                "missing": data["totals"]["missing"],
                "problems": "; ".join(found),
                "notes": drill.notes,
            }
        )
    return out


def _proactive(event_id: int) -> list[dict]:
    """The officers' proactive work at a school (issue 11); the note column is private."""
    from fieldops.proactive import services as proactive
    from fieldops.proactive.schemas import describe, entry_to_dict

    return [
        {
            "officer_id": e.officer_id,
            "logged_at": e.logged_at,
            "what": describe(entry_to_dict(e)),
            "attendees": e.attendees or None,
            "place": e.place,
            "note": e.note,
        }
        for e in proactive.entries_of(event_id)
    ]


def _messages(event_id: int, private: bool) -> list[dict]:
    counts = {
        message_id: (total, acked, first)
        for message_id, total, acked, first in db.session.execute(
            select(
                MessageRecipient.message_id,
                func.count(),
                func.count(MessageRecipient.acknowledged_at),
                func.min(MessageRecipient.acknowledged_at),
            )
            .join(Message, Message.id == MessageRecipient.message_id)
            .where(Message.event_id == event_id)
            .group_by(MessageRecipient.message_id)
        )
    }
    out = []
    for message in db.session.scalars(
        select(Message).where(Message.event_id == event_id).order_by(Message.sent_at)
    ):
        total, acked, first = counts.get(message.id, (0, 0, None))
        out.append(
            {
                "id": message.id,
                "sent_at": message.sent_at,
                "sender_id": message.sender_id,
                "to": message.to_label,
                "priority": message.priority,
                "recipients": total,
                "acknowledged": acked,
                "first_ack_s": (first - message.sent_at).total_seconds() if first else None,
                "text": message.text if private else "",
            }
        )
    return out


def _activity(event_id: int, report: Report) -> list[dict]:
    """An ICS 214 activity log per officer: time and notable activity, in order."""
    entries: dict[int, list[tuple[datetime, str]]] = {}

    def add(officer_id, at, text):
        if officer_id is not None and at is not None:
            entries.setdefault(officer_id, []).append((at, text))

    for duty in report.duties:
        for shift in duty.shifts:
            add(duty.officer_id, shift.start, f"Checked in at {duty.post}")
            if shift.missing_out:
                add(duty.officer_id, shift.end, f"No check-out at {duty.post} (closed by rule)")
            else:
                add(duty.officer_id, shift.end, f"Checked out at {duty.post}")
    by_id = {i.id: i for i in report.incidents}
    for incident in report.incidents:
        what = f"#{incident.id} {type_label(incident.type)}"
        where = f" at {incident.place}" if incident.place else ""
        add(incident.reported_by, incident.received_at, f"Reported {what}{where}")
    assignments = db.session.execute(
        select(
            IncidentAssignment.incident_id,
            IncidentAssignment.officer_id,
            IncidentAssignment.dispatched_at,
            IncidentAssignment.on_scene_at,
            IncidentAssignment.released_at,
        )
        .join(Incident, Incident.id == IncidentAssignment.incident_id)
        .where(Incident.event_id == event_id)
    )
    for a in assignments:
        what = f"#{a.incident_id} {type_label(by_id[a.incident_id].type)}"
        add(a.officer_id, a.dispatched_at, f"Dispatched to {what}")
        add(a.officer_id, a.on_scene_at, f"On scene at {what}")
        add(a.officer_id, a.released_at, f"Released from {what}")
    for alarm in report.alarms:
        if alarm["kind_value"] == "help":
            add(alarm["officer_id"], alarm["raised_at"], "Called for help")
    for item_id, logged_by, found_at in db.session.execute(
        select(FoundItem.id, FoundItem.logged_by_id, FoundItem.found_at).where(
            FoundItem.event_id == event_id
        )
    ):
        add(logged_by, found_at, f"Logged found item #{item_id}")
    first_duty = {}
    for duty in report.duties:
        first_duty.setdefault(duty.officer_id, duty)
    out = []
    for officer_id, items in entries.items():
        if officer_id not in report.people:
            continue
        duty = first_duty.get(officer_id)
        out.append(
            {
                "officer_id": officer_id,
                "name": report.people[officer_id].display_name,
                "badge": report.people[officer_id].badge,
                "position": duty.post if duty else "",
                "entries": sorted(items),
            }
        )
    return sorted(out, key=lambda a: a["name"])


def _entry_words(kind: str, data: dict, private: bool) -> str:
    """A timeline entry as the command page's detail panel says it."""
    if kind == "reported":
        what = type_label(data.get("type", ""))
        return f"Reported: {what}, {severity_label(data.get('severity', ''))}"
    if kind == "status":
        to = str(data.get("to", "")).replace("_", " ")
        disposition = data.get("disposition")
        return f"Status: {to}" + (f" ({disposition.replace('_', ' ')})" if disposition else "")
    if kind == "assigned":
        return f"Sent {data.get('name', 'an officer')}"
    if kind == "response":
        return str(data.get("status", "")).replace("_", " ").capitalize()
    if kind == "note":
        return f"Note: {data.get('text', '')}" if private else "Note added"
    if kind == "photo":
        return "Photo added"
    if kind == "help_again":
        return "Help pressed again"
    return kind.replace("_", " ").capitalize()


def _timelines(event_id: int, report: Report) -> dict[int, list[tuple[datetime, str, str]]]:
    """Every incident's timeline in words: {incident id: [(at, who, what)]}, in one query."""
    out: dict[int, list[tuple[datetime, str, str]]] = {}
    rows = db.session.execute(
        select(
            TimelineEntry.incident_id,
            TimelineEntry.at,
            TimelineEntry.actor_id,
            TimelineEntry.kind,
            TimelineEntry.data,
        )
        .join(Incident, Incident.id == TimelineEntry.incident_id)
        .where(Incident.event_id == event_id)
        .order_by(TimelineEntry.incident_id, TimelineEntry.at, TimelineEntry.id)
    )
    for incident_id, at, actor_id, kind, data in rows:
        words = _entry_words(kind, data or {}, report.private)
        out.setdefault(incident_id, []).append((at, report.name(actor_id), words))
    return out


def _summary(report: Report) -> dict:
    incidents = report.incidents
    worked_s = sum(d.worked_s for d in report.duties)
    returned = [i["return_s"] for i in report.items if i["return_s"] is not None]
    reunions = [p["reunited_s"] for p in report.persons if p["reunited_s"] is not None]
    return {
        "officers": len({d.officer_id for d in report.duties if d.shifts}),
        "rostered": len({d.officer_id for d in report.duties if d.scheduled_start}),
        "hours": worked_s / 3600,
        "scheduled_hours": sum(d.scheduled_s for d in report.duties) / 3600,
        "incidents": len(incidents),
        "by_type": Counter(i.type for i in incidents),
        "by_severity": Counter(i.severity for i in incidents),
        "items_found": len(report.items),
        "items_returned": sum(1 for i in report.items if i["status_value"] == ItemStatus.RETURNED),
        "items_open": sum(
            1
            for i in report.items
            if i["status_value"] in ("in_custody", "matched", "awaiting_pickup")
        ),
        "items_to_agency": sum(1 for i in report.items if i["status_value"] == "handed_to_agency"),
        "return_median_s": median(returned),
        "persons": sum(1 for p in report.persons if not p["found_first"]),
        "persons_reunited": sum(
            1 for p in report.persons if p["status"] == LostPersonStatus.REUNITED
        ),
        "reunion_median_s": median(reunions),
        "alarms": len(report.alarms),
        "alarms_by_kind": Counter(a["kind"] for a in report.alarms),
        "billed_total": round(sum(d.amount or 0 for d in report.duties), 2),
        "unrated_hours": sum(d.billed_h for d in report.duties if d.rate is None),
        "billed_hours": sum(d.billed_h for d in report.duties),
    }


def chart_data(report: Report) -> dict:
    """The plain data fieldops.report.charts draws (it runs in a child process)."""
    from fieldops.report.charts import quarter_bins

    times = [i.received_at for i in report.incidents]
    start = min([report.event.starts_at, *times])
    start = start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)
    end = max([report.event.ends_at, *times])
    bins = quarter_bins(start, end)
    per_quarter: dict[str, list[int]] = {}
    for incident in report.incidents:
        index = min(len(bins) - 1, int((incident.received_at - start).total_seconds() // 900))
        per_quarter.setdefault(incident.type, [0] * len(bins))[index] += 1
    on_scene: dict[str, list[float]] = {}
    for incident in report.incidents:
        seconds = incident.seconds_to("on_scene")
        if seconds is not None:
            on_scene.setdefault(type_label(incident.type), []).append(seconds)
    return {
        "bins": [report.local(b) for b in bins],
        "per_quarter": dict(sorted(per_quarter.items(), key=lambda kv: -sum(kv[1]))),
        "type_labels": {t: type_label(t) for t in per_quarter},
        "on_scene": dict(sorted(on_scene.items())),
        "on_shift": [(report.local(at), n) for at, n in report.on_shift],
        "rostered": report.summary["rostered"],
    }


def map_data(report: Report, map_settings: dict) -> dict:
    """What the report's map draws (the page's Leaflet map and the server-drawn one)."""
    from fieldops.events.schemas import course_to_dict

    return {
        "map": map_settings,
        "course": course_to_dict(report.event.course, report.event.distance_unit),
        "posts": [
            {"name": p.name, "lat": p.lat, "lon": p.lon, "radius_m": p.radius_m}
            for p in report.post_rows
        ],
        "incidents": [
            {
                "id": i.id,
                "type": type_label(i.type),
                "type_value": i.type,
                "severity": i.severity,
                "severity_label": severity_label(i.severity),
                "lat": i.lat,
                "lon": i.lon,
                "time": report.local(i.received_at),
                "place": i.place,
                "status": i.status.replace("_", " "),
            }
            for i in report.incidents
        ],
        "items": [
            {
                "id": i["id"],
                "category": i["category"],
                "status": i["status"],
                "lat": i["lat"],
                "lon": i["lon"],
            }
            for i in report.items
            if i["lat"] is not None
        ],
    }
