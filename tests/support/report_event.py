"""A hand-built event whose report figures are known in advance (tests/test_report.py).

Harbor Half, 12:00–18:00 UTC (08:00–14:00 in New York), two posts, three officers:

- Ana, Mile 3 water 12:00–16:00 at 60/h: checked in 12:12 (12 min late), out 16:00.
  3 h 48 min checked in → billed 4.00 h (rounded up to the quarter hour) = 240.00.
- Ben, Mile 3 water 16:00–18:00 at 50/h: in 16:00, out 17:30 (30 min early).
  1.50 h → 75.00. Mile 3 water is uncovered 12:00–12:12 and 17:30–18:00.
- Cy, Finish 12:00–18:00 at 55/h: in 11:55, never checked out: closed at 18:00 and
  flagged. 6 h 05 min → billed 6.25 h = 343.75. Billing total 658.75.

Incidents (seconds after the report reached the command post):

| # | type, severity     | ack | dispatch | on scene | resolved      |
|---|--------------------|-----|----------|----------|---------------|
| 1 | medical, high      | 60  | 120      | 300      | 1200          |
| 2 | medical, critical  | 30  | 60       | 240      | 900           |
| 3 | fight, high        | 90  | 180      | 600      | 1800          |
| 4 | traffic, low       | 300 | —        | —        | 600           |
| 5 | other, low         | 120 | —        | —        | (cancelled)   |

To acknowledge: median 90 s, 90th percentile 228 s. To on scene: median 300 s, p90 540 s.

Lost and found: a wallet handed in by Sam Spectator at 13:20, returned to Dana Runner at
15:20 (identity: driver's licence), 2 h to return; keys still held. Mia Santos (6), reported
14:00, found 14:12, reunited with Rosa Santos 14:20: 20 min to reunion. One help alarm (Ana,
14:30, acknowledged after 45 s); one priority message at 13:10 to 3 officers, 2 acknowledged,
the first after 20 s.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fieldops.alerts.models import Alert, AlertKind
from fieldops.auth.models import Role, User
from fieldops.db import write_transaction
from fieldops.events.models import Assignment, Event, EventKind, EventOfficer, Post, PostKind
from fieldops.extensions import db
from fieldops.incidents.models import (
    AssignmentStatus,
    Incident,
    IncidentAssignment,
    IncidentStatus,
    IncidentType,
    Severity,
    TimelineEntry,
)
from fieldops.lostfound.models import (
    Category,
    CustodianKind,
    CustodyRecord,
    FoundItem,
    IdentityMethod,
    ItemStatus,
)
from fieldops.lostpersons.models import LostPerson, LostPersonKind, LostPersonStatus
from fieldops.messages.models import Message, MessageRecipient
from fieldops.tracking.models import OfficerMinute, PositionFix, ShiftLog

DAY = datetime(2026, 5, 3, tzinfo=UTC)
SECRETS = (
    "Sam Spectator",
    "sam@example.org",
    "Dana Runner",
    "driver's licence",
    "Mia",
    "Santos",
    "+1 555 0142",
    "runner says chest pain",
    "All units: ambulance",
    "Lost child",
)


def at(hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return DAY.replace(hour=hh, minute=mm, second=ss)


def build(app) -> dict:
    """The event, built straight into the database; {name: id} of what the tests look up."""
    with app.app_context(), write_transaction():
        event = Event(
            name="Harbor Half",
            kind=EventKind.MARATHON,
            starts_at=at(12),
            ends_at=at(18),
            timezone="America/New_York",
            enrollment_code=uuid.uuid4().hex[:8].upper(),
        )
        db.session.add(event)
        db.session.flush()
        water = Post(
            event_id=event.id,
            name="Mile 3 water",
            kind=PostKind("water_station"),
            lat=40.65,
            lon=-74.01,
            radius_m=50,
        )
        finish = Post(
            event_id=event.id,
            name="Finish",
            kind=PostKind("crowd"),
            lat=40.66,
            lon=-74.00,
            radius_m=80,
        )
        desk = User(
            username=f"desk-{uuid.uuid4().hex[:6]}", role=Role.COMMAND, display_name="Dee Desk"
        )
        people = {
            name: User(role=Role.OFFICER, display_name=name, badge=badge)
            for name, badge in (("Ana Ortiz", "101"), ("Ben Park", "102"), ("Cy Lee", "103"))
        }
        db.session.add_all([water, finish, desk, *people.values()])
        db.session.flush()
        ana, ben, cy = people["Ana Ortiz"], people["Ben Park"], people["Cy Lee"]
        db.session.add_all(
            [
                EventOfficer(event_id=event.id, officer_id=o.id, joined_at=at(11))
                for o in people.values()
            ]
        )
        # Ana's phone: 40.650 at 13:00, 40.652 at 13:05, 40.654 at 13:10; Cy's at 12:30 only.
        db.session.add_all(
            [
                PositionFix(
                    event_id=event.id,
                    officer_id=ana.id,
                    lat=lat,
                    lon=-74.01,
                    accuracy=8,
                    recorded_at=when,
                    received_at=when,
                    source="web",
                )
                for lat, when in ((40.650, at(13)), (40.652, at(13, 5)), (40.654, at(13, 10)))
            ]
            + [
                PositionFix(
                    event_id=event.id,
                    officer_id=cy.id,
                    lat=40.66,
                    lon=-74.0,
                    accuracy=5,
                    recorded_at=at(12, 30),
                    received_at=at(12, 30),
                    source="web",
                )
            ]
        )
        # The ingest's minute summary of those phones: Ana's fixes 12:12–15:32 (200 minutes)
        # inside her post but for 13:00–13:10, when all were outside (28 minutes stale, 10
        # off post); Cy's one minute at 12:30 (no post geometry checked: neither).
        db.session.add_all(
            [
                OfficerMinute(
                    event_id=event.id,
                    officer_id=ana.id,
                    minute=at(12, 12) + timedelta(minutes=n),
                    inside=not 48 <= n < 58,
                    outside=48 <= n < 58,
                )
                for n in range(200)
            ]
            + [
                OfficerMinute(
                    event_id=event.id,
                    officer_id=cy.id,
                    minute=at(12, 30),
                    inside=False,
                    outside=False,
                )
            ]
        )

        def duty(officer, post, start, end, rate, checked_in, checked_out):
            a = Assignment(
                event_id=event.id,
                officer_id=officer.id,
                post_id=post.id,
                starts_at=start,
                ends_at=end,
                hourly_rate=rate,
            )
            db.session.add(a)
            db.session.flush()
            db.session.add(
                ShiftLog(
                    event_id=event.id,
                    officer_id=officer.id,
                    post_id=post.id,
                    assignment_id=a.id,
                    checked_in_at=checked_in,
                    checked_out_at=checked_out,
                )
            )

        duty(ana, water, at(12), at(16), 60.0, at(12, 12), at(16))
        duty(ben, water, at(16), at(18), 50.0, at(16), at(17, 30))
        duty(cy, finish, at(12), at(18), 55.0, at(11, 55), None)

        def incident(
            n, type_, severity, received, ack, dispatch, on_scene, resolved, cancelled=None, note=""
        ):
            i = Incident(
                event_id=event.id,
                client_id=f"i{n}",
                body_hash="x",
                type=IncidentType(type_),
                severity=Severity(severity),
                status=IncidentStatus.CANCELLED if cancelled else IncidentStatus.RESOLVED,
                lat=40.65,
                lon=-74.01,
                place=f"Mile {n}",
                note=note,
                reported_by_id=ana.id,
                reported_at=received,
                received_at=received,
                updated_at=received,
            )
            db.session.add(i)
            db.session.flush()
            s = lambda seconds: received + timedelta(seconds=seconds)  # noqa: E731
            db.session.add(
                TimelineEntry(
                    incident_id=i.id,
                    kind="status",
                    at=s(ack),
                    data={"from": "reported", "to": "acknowledged"},
                )
            )
            if dispatch is not None:
                db.session.add(
                    IncidentAssignment(
                        incident_id=i.id,
                        officer_id=cy.id,
                        status=AssignmentStatus.RELEASED,
                        dispatched_by_id=desk.id,
                        dispatched_at=s(dispatch),
                        on_scene_at=s(on_scene),
                        released_at=s(resolved),
                    )
                )
                for step, when in (("dispatched", dispatch), ("on_scene", on_scene)):
                    db.session.add(
                        TimelineEntry(
                            incident_id=i.id, kind="status", at=s(when), data={"to": step}
                        )
                    )
            if resolved is not None:
                db.session.add(
                    TimelineEntry(
                        incident_id=i.id,
                        kind="status",
                        at=s(resolved),
                        data={"from": "on_scene", "to": "resolved"},
                    )
                )
            if cancelled is not None:
                db.session.add(
                    TimelineEntry(
                        incident_id=i.id,
                        kind="status",
                        at=s(cancelled),
                        data={"from": "acknowledged", "to": "cancelled"},
                    )
                )
            return i

        incident(1, "medical", "high", at(13), 60, 120, 300, 1200, note="runner says chest pain")
        incident(2, "medical", "critical", at(13, 30), 30, 60, 240, 900)
        incident(3, "fight", "high", at(14), 90, 180, 600, 1800)
        incident(4, "traffic", "low", at(15), 300, None, None, 600)
        incident(5, "other", "low", at(16), 120, None, None, None, cancelled=300)

        db.session.add(
            Alert(
                event_id=event.id,
                kind=AlertKind.HELP,
                priority=1,
                officer_id=ana.id,
                message="Ana Ortiz #101 needs help",
                place="Mile 3",
                raised_at=at(14, 30),
                acknowledged_at=at(14, 30, 45),
                acknowledged_by_id=desk.id,
            )
        )
        db.session.add(
            Alert(
                event_id=event.id,
                kind=AlertKind.LOST_PERSON,
                priority=3,
                message="Lost child: Mia, 6",
                place="Finish",
                raised_at=at(14),
                acknowledged_at=at(14, 1),
                acknowledged_by_id=desk.id,
            )
        )
        message = Message(
            event_id=event.id,
            sender_id=desk.id,
            priority=True,
            text="All units: ambulance coming up 1st Ave",
            to_kind="event",
            to_label="everyone",
            sent_at=at(13, 10),
        )
        db.session.add(message)
        db.session.flush()
        db.session.add_all(
            [
                MessageRecipient(
                    message_id=message.id, officer_id=ana.id, acknowledged_at=at(13, 10, 20)
                ),
                MessageRecipient(
                    message_id=message.id, officer_id=ben.id, acknowledged_at=at(13, 12)
                ),
                MessageRecipient(message_id=message.id, officer_id=cy.id),
            ]
        )

        wallet = FoundItem(
            event_id=event.id,
            client_id="w",
            body_hash="x",
            category=Category.WALLET_PURSE,
            description="brown leather wallet",
            colours=["brown"],
            lat=40.651,
            lon=-74.011,
            place="Mile 3",
            found_at=at(13, 20),
            finder_name="Sam Spectator",
            finder_contact="sam@example.org",
            logged_by_id=ana.id,
            stored_at="returned to the owner",
            personal_data=True,
            status=ItemStatus.RETURNED,
            retain_until=at(18) + timedelta(days=30),
            received_at=at(13, 20),
            updated_at=at(15, 20),
        )
        keys = FoundItem(
            event_id=event.id,
            client_id="k",
            body_hash="x",
            category=Category.KEYS,
            description="car keys, blue fob",
            colours=["blue"],
            lat=40.66,
            lon=-74.0,
            place="Finish",
            found_at=at(15),
            logged_by_id=cy.id,
            found_by_id=cy.id,
            stored_at="desk",
            personal_data=False,
            status=ItemStatus.IN_CUSTODY,
            retain_until=at(18) + timedelta(days=30),
            received_at=at(15),
            updated_at=at(15),
        )
        db.session.add_all([wallet, keys])
        db.session.flush()
        db.session.add_all(
            [
                CustodyRecord(
                    item_id=wallet.id,
                    from_kind=CustodianKind.FINDER,
                    from_name="Sam Spectator",
                    to_kind=CustodianKind.OFFICER,
                    to_name="Ana Ortiz",
                    to_user_id=ana.id,
                    at=at(13, 20),
                    received_by="Ana Ortiz",
                    recorded_by_id=ana.id,
                ),
                CustodyRecord(
                    item_id=wallet.id,
                    from_kind=CustodianKind.OFFICER,
                    from_name="Ana Ortiz",
                    from_user_id=ana.id,
                    to_kind=CustodianKind.DESK,
                    to_name="lost-and-found desk",
                    at=at(14),
                    received_by="Dee Desk",
                    recorded_by_id=ana.id,
                ),
                CustodyRecord(
                    item_id=wallet.id,
                    from_kind=CustodianKind.DESK,
                    from_name="lost-and-found desk",
                    to_kind=CustodianKind.OWNER,
                    to_name="Dana Runner",
                    at=at(15, 20),
                    received_by="Dana Runner",
                    recorded_by_id=desk.id,
                    identity_method=IdentityMethod.DOCUMENT,
                    identity_detail="driver's licence, NY",
                    verified_by_id=desk.id,
                ),
                CustodyRecord(
                    item_id=keys.id,
                    from_kind=CustodianKind.FINDER,
                    from_name="Cy Lee",
                    from_user_id=cy.id,
                    to_kind=CustodianKind.OFFICER,
                    to_name="Cy Lee",
                    to_user_id=cy.id,
                    at=at(15),
                    received_by="Cy Lee",
                    recorded_by_id=cy.id,
                ),
            ]
        )
        db.session.add(
            LostPerson(
                event_id=event.id,
                client_id="m",
                body_hash="x",
                kind=LostPersonKind.CHILD,
                status=LostPersonStatus.REUNITED,
                first_name="Mia",
                full_name="Mia Santos",
                age=6,
                clothing_top="yellow raincoat",
                last_seen_lat=40.66,
                last_seen_lon=-74.0,
                last_seen_place="by the finish arch",
                guardian_name="Rosa Santos",
                guardian_contact="+1 555 0142",
                meeting_point="Info tent",
                reported_by_id=desk.id,
                reported_at=at(14),
                received_at=at(14),
                updated_at=at(14, 20),
                found_at=at(14, 12),
                found_place="at the medal table",
                reunited_at=at(14, 20),
                reunited_with="Rosa Santos",
                identity_verified_how="driver's licence; Mia knew her",
                reunited_by_id=desk.id,
            )
        )
        return {
            "event": event.id,
            "ana": ana.id,
            "ben": ben.id,
            "cy": cy.id,
            "wallet": wallet.id,
            "keys": keys.id,
            "water": water.id,
            "finish": finish.id,
        }
