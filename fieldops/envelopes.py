"""The contract of every envelope on the /live streams: one pydantic model per type.

`{"type", "seq", "data"}` is the envelope (fieldops.realtime); `DATA[type]` is the model of its
`data`. The models are documentation (`fieldops envelopes` prints them as JSON Schema, and
docs/api.md is written from them) and a check: the test suite validates every envelope and
every join ack it causes against them (realtime.check_contract with CHECK_ENVELOPES, in-process
and in live servers), with unknown keys refused,
so a serializer cannot drift from its contract unnoticed.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, model_validator

from fieldops.alerts.models import AlertKind
from fieldops.auth.models import Role
from fieldops.campus.models import FeatureKind
from fieldops.drills.models import AreaState, DrillAction, DrillMode, Hazard, Problem
from fieldops.events.models import EventKind, OfficerStatus, PostKind
from fieldops.incidents.models import (
    AssignmentStatus,
    Disposition,
    IncidentStatus,
    IncidentType,
    Severity,
)
from fieldops.joining.models import RequestReason, RequestStatus
from fieldops.lostfound.models import (
    Category,
    CustodianKind,
    IdentityMethod,
    ItemStatus,
    LostStatus,
    MatchStatus,
)
from fieldops.lostpersons.models import LostPersonKind, LostPersonStatus

# ISO 8601 in UTC, as fieldops.formats.iso writes it: "2026-11-01T14:03:05.123456Z"
Time = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")]


class Contract(BaseModel):
    # Strict: a "5" is not an int, a 1 not a bool; a float field takes a JSON integer too.
    model_config = ConfigDict(extra="forbid", strict=True)


# --- pieces --------------------------------------------------------------------------------


class Someone(Contract):
    id: int
    name: str


class Person(Someone):
    badge: str | None
    role: Role


class OfficerRef(Someone):
    badge: str | None


class Fix(Contract):
    lat: float
    lon: float
    accuracy: float | None
    heading: float | None
    speed: float | None
    battery: float | None
    recorded_at: Time
    received_at: Time


class PostRef(Contract):
    id: int
    name: str


class Shift(Contract):
    id: int
    post_id: int | None
    checked_in_at: Time


class Assignment(Contract):
    officer_id: int
    name: str
    badge: str | None
    status: AssignmentStatus
    dispatched_at: Time | None
    acknowledged_at: Time | None
    en_route_at: Time | None
    on_scene_at: Time | None
    released_at: Time | None
    overdue: bool


class Photo(Contract):
    id: int
    url: str
    width: int | None
    height: int | None


class Responder(Contract):
    officer_id: int
    name: str
    badge: str | None
    status: AssignmentStatus
    distance_m: int | None = Field(description="from the alarm, as of the alarm's last change")


class Audience(Contract):
    kind: Literal["event", "post", "officer"]
    id: int | None
    label: str


class Recipient(Contract):
    officer_id: int
    name: str
    badge: str | None
    acknowledged_at: Time | None


# --- the data of each envelope type --------------------------------------------------------


class OfficerData(Contract):
    """`officer`: one officer's whole live state (joined, checked in or out, status, flags)."""

    id: int
    event_id: int
    name: str
    badge: str | None
    status: OfficerStatus
    on_shift: bool
    shift: Shift | None
    post: PostRef | None
    stale: bool
    off_post: bool
    fix: Fix | None


class PositionFix(Fix):
    officer_id: int


class PositionsData(Contract):
    """`positions` (command stream): the officers that moved since the last tick."""

    event_id: int
    fixes: list[PositionFix]


class IncidentData(Contract):
    """`incident`: the incident whole, after any change."""

    id: int
    event_id: int
    client_id: str | None
    type: IncidentType
    severity: Severity
    status: IncidentStatus
    disposition: Disposition | None
    lat: float
    lon: float
    place: str | None
    note: str | None
    involves_students: bool = Field(description="who they were is never here (fieldops.students)")
    reported_by: Person | None
    reported_at: Time
    received_at: Time
    updated_at: Time
    assignments: list[Assignment]
    photos: list[Photo]


class OfficerIncidentData(IncidentData):
    """An officer's copy: `dispatch` says whether this change sent them."""

    dispatch: bool


class AlertData(Contract):
    """`alert`: an alarm whole, after any change (raised, acknowledged, called off, a
    responder sent)."""

    id: int
    event_id: int
    kind: AlertKind
    priority: int
    incident_id: int | None
    incident_status: IncidentStatus | None
    officer: OfficerRef | None
    lat: float | None
    lon: float | None
    place: str | None
    message: str
    raised_at: Time
    acknowledged_at: Time | None
    acknowledged_by: Someone | None
    cancelled_at: Time | None
    cancelled_by: Someone | None
    responders: list[Responder]


class MessageBase(Contract):
    id: int
    event_id: int
    text: str
    priority: bool
    to: Audience
    sender: Someone
    sent_at: Time


class MessageData(MessageBase):
    """`message` on the command streams: with every recipient's acknowledgement."""

    recipients: list[Recipient]


class OfficerMessageData(MessageBase):
    """`message` on an officer's stream: their own copy, with their `acknowledged_at` (never
    the other recipients)."""

    acknowledged_at: Time | None


class DeviceRequestData(Contract):
    """`device_request` (command stream): a phone waiting for approval to join, and its end."""

    id: int
    event_id: int
    officer: OfficerRef
    given_name: str
    reason: RequestReason
    status: RequestStatus
    requested_at: Time
    decided_at: Time | None
    decided_by: Someone | None
    replace_old: bool
    collected_at: Time | None
    live_devices: int


class EventInfo(Contract):
    id: int
    name: str
    kind: EventKind
    venue: str | None
    starts_at: Time | None
    ends_at: Time | None
    timezone: str
    distance_unit: str


class Post(Contract):
    id: int
    name: str
    kind: PostKind
    lat: float
    lon: float
    radius_m: float | None
    polygon: list | None
    orders: str | None
    is_exit: bool


class CampusFeature(Contract):
    """A school's building or area (`polygon`: [[lat, lon], ...], its label at lat/lon), or an
    exit or assembly point (lat/lon, `polygon` null)."""

    id: int
    kind: FeatureKind
    name: str
    polygon: list[list[float]] | None
    lat: float
    lon: float


class SetupData(Contract):
    """`setup`: the event's details, posts and campus after an admin changed them (to the
    command post and every officer at the event)."""

    event_id: int
    event: EventInfo
    posts: list[Post]
    campus: list[CampusFeature]


class Holder(Contract):
    """A custodian of a found item. `name` is null in organizers' copies for members of the
    public (a finder handing an item in, the owner)."""

    kind: CustodianKind
    name: str | None
    officer_id: int | None
    post_id: int | None


class IdentityCheck(Contract):
    method: IdentityMethod
    detail: str
    verified_by: Person | None


class CustodyRecordData(Contract):
    """One hand-off in an item's chain of custody (append-only)."""

    id: int
    from_: Holder = Field(alias="from")
    to: Holder
    at: Time
    where: str
    received_by: str | None = Field(description="null in organizers' copies for the owner")
    recorded_by: Person | None
    note: str | None = Field(description="null in organizers' copies")
    identity_checked: bool
    identity_check: IdentityCheck | None = Field(description="command and admin only")


class FoundItemData(Contract):
    """`found_item` (command streams, and the phones of the officers who logged, held or
    handed it on): a found item whole, with its chain of custody, after any change.
    Organizers' and officers' copies carry null for the finder's name (a member of the public)
    and contact, for identity checks and for notes."""

    id: int
    event_id: int
    client_id: str
    category: Category
    description: str
    colours: list[str]
    brand: str
    marks: str
    lat: float | None
    lon: float | None
    place: str
    found_at: Time
    found_by: Person | None
    finder_name: str | None
    finder_contact: str | None
    handed_in_by_public: bool
    logged_by: Person | None
    stored_at: str
    personal_data: bool
    status: ItemStatus
    custodian: Holder | None
    retain_until: Time
    received_at: Time
    updated_at: Time
    photos: list[Photo]
    custody: list[CustodyRecordData]


class LostReportData(Contract):
    """`lost_report` (command streams): a lost report whole. Organizers' copies carry null
    for the owner's name and contact."""

    id: int
    event_id: int
    client_id: str
    category: Category
    description: str
    colours: list[str]
    brand: str
    lat: float | None
    lon: float | None
    place: str
    last_seen_at: Time
    owner_name: str | None
    owner_contact: str | None
    taken_by: Person | None
    status: LostStatus
    received_at: Time
    updated_at: Time


class MatchData(Contract):
    """`match` (command streams): a suggested pairing of a found item and a lost report, and
    its confirmation or rejection (`confirmed_by`: who decided)."""

    id: int
    event_id: int
    found_item_id: int
    lost_report_id: int
    score: float
    reasons: list[str]
    status: MatchStatus
    suggested_at: Time
    confirmed_by: Someone | None
    confirmed_at: Time | None
    updated_at: Time


class LastSeen(Contract):
    lat: float
    lon: float
    place: str
    at: Time | None


class SearchRing(Contract):
    """Drawn by each screen: radius = min(max_m, speed_m_s × seconds since `since`)."""

    lat: float
    lon: float
    since: Time
    speed_m_s: float
    max_m: float


class SearchedArea(Contract):
    id: int
    lat: float
    lon: float
    radius_m: float
    place: str
    by: Someone | None
    at: Time


class LostPersonBase(Contract):
    """What every copy of a lost-person record carries (the search needs it)."""

    id: int
    event_id: int
    kind: LostPersonKind
    status: LostPersonStatus
    open: bool = Field(description="searching or found, and not matched into a report")
    found_first: bool = Field(description="logged found before anyone reported them")
    first_name: str
    age: int | None
    sex: str
    height: str
    build: str
    hair: str
    eyes: str
    clothing_top: str
    clothing_bottom: str
    shoes: str
    carried: str
    photos: list[Photo]
    last_seen: LastSeen | None
    ring: SearchRing | None = Field(description="while searched for; null once found or closed")
    meeting_point: str
    reported_at: Time
    updated_at: Time
    searched: list[SearchedArea]
    found_at: Time | None
    found_place: str
    reunited_at: Time | None
    cancelled_at: Time | None


class LostPersonData(LostPersonBase):
    """`lost_person` on the command streams: the record whole after any change. The keys
    marked "command only" are left out of the organizer stream's copy."""

    client_id: str
    matched_to_id: int | None
    full_name: str = Field(None, description="command only")
    guardian_name: str = Field(None, description="command only")
    guardian_contact: str = Field(None, description="command only")
    reported_by: Someone | None
    received_at: Time
    found_lat: float | None
    found_lon: float | None
    found_by: Someone | None
    reunited_with: str = Field(None, description="command only")
    identity_verified_how: str = Field(None, description="command only")
    reunited_place: str
    reunited_by: Someone | None
    reunion_after_s: float | None
    agency_prompted_at: Time | None
    agency_called_at: Time | None
    agency_called_by: Someone | None
    agency_note: str
    cancelled_by: Someone | None
    cancel_reason: str


class OfficerLostPersonData(LostPersonBase):
    """`lost_person` on every officer's stream at the event: first name only, no guardian
    details; `watch_exit` (with the instruction) for an officer posted at an exit."""

    watch_exit: bool
    instruction: str | None


class Reporter(Someone):
    role: Role


class DrillAreaReportData(Contract):
    """One report of one area (append-only): `note` is null in organizers' copies."""

    id: int
    area_id: int
    area_name: str
    state: AreaState
    accounted: int = Field(ge=0)
    missing: int = Field(ge=0)
    extra: int = Field(ge=0)
    injured: int = Field(ge=0)
    problems: list[Problem]
    note: str | None
    assembly_point_id: int | None
    reported_by: Reporter
    reported_at: Time


class DrillArea(Contract):
    """An area the drill was ordered for, as its latest report left it."""

    id: int
    name: str
    state: Literal["not_reported", "secured", "evacuated", "problem"]
    reported_at: Time | None
    done_at: Time | None = Field(description="its first report secured (evacuated, for Evacuate)")
    accounted: int | None
    missing: int | None
    extra: int | None
    injured: int | None
    problems: list[Problem]


class DrillCounts(Contract):
    accounted: int
    missing: int
    extra: int
    injured: int


class AssemblyTotal(Contract):
    id: int
    name: str
    accounted: int


class DrillData(Contract):
    """`drill` (every stream at the event): a drill or real response whole, after any change.
    `completed_at`: when its last area was secured (evacuated); `open` until All clear.
    Organizers' copies carry null `notes`."""

    id: int
    event_id: int
    action: DrillAction
    action_label: str
    mode: DrillMode
    hazard: Hazard | None
    words: str = Field(description="the directive every screen shows under the action")
    whole_campus: bool
    assembly_point: Someone | None
    areas: list[DrillArea]
    reports: list[DrillAreaReportData]
    totals: DrillCounts
    assembly_totals: list[AssemblyTotal]
    started_by: Reporter
    started_at: Time
    completed_at: Time | None
    time_to_complete_s: float | None
    concluded_by: Reporter | None
    concluded_at: Time | None
    notes: str | None
    open: bool
    updated_at: Time


DATA: dict[str, type[Contract]] = {
    "setup": SetupData,
    "officer": OfficerData,
    "positions": PositionsData,
    "incident": IncidentData,
    "alert": AlertData,
    "message": MessageData,
    "device_request": DeviceRequestData,
    "found_item": FoundItemData,
    "lost_report": LostReportData,
    "match": MatchData,
    "lost_person": LostPersonData,
    "drill": DrillData,
}
# An officer's stream carries these types, some as the officer's own copy.
OFFICER_DATA: dict[str, type[Contract]] = {
    "setup": SetupData,
    "officer": OfficerData,
    "incident": OfficerIncidentData,
    "alert": AlertData,
    "message": OfficerMessageData,
    "lost_person": OfficerLostPersonData,
    "found_item": FoundItemData,
    "drill": DrillData,
}
# An area lead's phone (a school's teachers and staff): the drills and the set-up, no more.
LEAD_DATA: dict[str, type[Contract]] = {"setup": SetupData, "drill": DrillData}
STREAM_TYPES = {
    "command": tuple(DATA),
    "officer": tuple(OFFICER_DATA),
    "lead": tuple(LEAD_DATA),
}


class Envelope(Contract):
    type: str
    seq: int = Field(ge=1)
    data: dict


# --- the join ack's snapshot ---------------------------------------------------------------


class PostAssignment(Contract):
    id: int
    officer_id: int
    post_id: int | None
    starts_at: Time
    ends_at: Time


class SnapshotBase(Contract):
    event: EventInfo
    course: dict | None = Field(description="the course's map form (see GET …/course)")
    posts: list[Post]
    campus: list[CampusFeature]
    stale_after: float
    server_time: Time
    alerts: list[AlertData]
    kept_messages: int = Field(description="the model keeps no more messages than this")


class KeptClosed(Contract):
    """How long a closed incident stays on the desk after its last change."""

    statuses: list[IncidentStatus]
    for_s: float


class KeptClosedFoundItems(Contract):
    """How long a returned, handed-over or disposed item stays on the desk after its last
    change."""

    statuses: list[ItemStatus]
    for_s: float


class KeptClosedLostReports(Contract):
    statuses: list[LostStatus]
    for_s: float


class KeptClosedLostPersons(Contract):
    """How long a closed lost-person record (not `open`) stays after its last change."""

    for_s: float


class KeptClosedDrills(Contract):
    """How long an ended drill (All clear) stays after its last change."""

    for_s: float


class CommandSnapshot(SnapshotBase):
    """The command stream: every officer, the incidents open or closed within the last hour,
    the open alarms, the recent messages with their acknowledgements, the waiting phones."""

    officers: list[OfficerData]
    incidents: list[IncidentData]
    messages: list[MessageData]
    device_requests: list[DeviceRequestData]
    kept_closed_incidents: KeptClosed
    found_items: list[FoundItemData] = Field(
        description="open, and closed within kept_closed_found_items"
    )
    lost_reports: list[LostReportData]
    matches: list[MatchData] = Field(description="suggested and confirmed")
    kept_closed_found_items: KeptClosedFoundItems
    kept_closed_lost_reports: KeptClosedLostReports
    lost_persons: list[LostPersonData]
    kept_closed_lost_persons: KeptClosedLostPersons
    drills: list[DrillData] = Field(description="the one on now, and those ended within the hour")
    kept_closed_drills: KeptClosedDrills


class OfficerSnapshot(SnapshotBase):
    """An officer's stream: themselves (shift, status), their post and assignment, the
    incidents they reported or were sent to, their own and told-of help alarms, their
    messages."""

    officers: list[OfficerData] = Field(max_length=1, description="the officer alone")
    incidents: list[IncidentData]
    messages: list[OfficerMessageData]
    lost_persons: list[OfficerLostPersonData] = Field(description="the open ones")
    found_items: list[FoundItemData] = Field(
        description="the items the officer logged, held or handed on (organizers' redacted"
        " copy): open, and closed within kept_closed_found_items"
    )
    kept_closed_found_items: KeptClosedFoundItems
    drills: list[DrillData] = Field(description="the one on now, and those ended within the hour")
    kept_closed_drills: KeptClosedDrills
    post: Post | None
    assignment: PostAssignment | None


class LeadArea(Contract):
    id: int
    name: str


class LeadInfo(Contract):
    id: int
    name: str
    event_id: int
    areas: list[LeadArea]


class LeadSnapshot(Contract):
    """An area lead's stream: the event, the campus, the lead's own areas and the drills;
    nothing about officers, incidents or positions."""

    event: EventInfo
    campus: list[CampusFeature]
    lead: LeadInfo | None
    server_time: Time
    drills: list[DrillData] = Field(description="the one on now, and those ended within the hour")
    kept_closed_drills: KeptClosedDrills


SNAPSHOT = {"command": CommandSnapshot, "officer": OfficerSnapshot, "lead": LeadSnapshot}


class JoinAck(Contract):
    ok: Literal[True]
    seq: int = Field(ge=0)
    stream: str
    epoch: str
    snapshot: dict | None = None
    replay: list[Envelope] | None = None

    @model_validator(mode="after")
    def _snapshot_or_replay(self):
        if (self.snapshot is None) == (self.replay is None):
            raise ValueError("a join ack carries a snapshot or a replay, exactly one")
        return self


def _json(value) -> str:
    return json.dumps(value)


def stream_kind(stream: str) -> str:
    if stream.endswith(":leads"):
        return "lead"
    return "officer" if stream.startswith("officer:") else "command"


def check_envelope(envelope: dict, stream_kind_: str | None = None) -> None:
    """Raise pydantic.ValidationError (or ValueError) unless the envelope keeps its contract."""
    Envelope.model_validate_json(_json(envelope))  # as a client receives it
    contracts = {"officer": OFFICER_DATA, "lead": LEAD_DATA}.get(stream_kind_, DATA)
    model = contracts.get(envelope["type"])
    if model is None:
        if envelope["type"] in DATA:
            raise ValueError(f"{envelope['type']!r} is not sent on the {stream_kind_} stream")
        raise ValueError(f"no contract for envelope type {envelope['type']!r}")
    model.model_validate_json(_json(envelope["data"]))


def check_join_ack(ack: dict) -> None:
    JoinAck.model_validate_json(_json(ack))
    kind = stream_kind(ack["stream"])
    if ack.get("snapshot") is not None:
        SNAPSHOT[kind].model_validate_json(_json(ack["snapshot"]))
    for envelope in ack.get("replay") or []:
        check_envelope(envelope, kind)


def json_schema() -> dict:
    """Every contract as one JSON Schema document (`fieldops envelopes`)."""
    names = {f"{t}_envelope_data": m for t, m in DATA.items()}
    names |= {f"{t}_officer_envelope_data": m for t, m in OFFICER_DATA.items() if m is not DATA[t]}
    names |= {f"{k}_snapshot": m for k, m in SNAPSHOT.items()}
    names["join_ack"] = JoinAck
    names["envelope"] = Envelope
    defs: dict = {}
    for name, model in names.items():
        schema = TypeAdapter(model).json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[name] = schema
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}
