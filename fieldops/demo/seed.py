"""Demo data: a marathon on the New York City course and a small school event.

Seeding is idempotent: events are found by name, posts by name, officers by badge, and an
officer's roster entry by post. Running it again reuses everything, refreshes the event and
shift windows so that they cover the present, and keeps the simulated officers' device tokens
(only their hashes are in the database) in ``instance/demo-tokens.json`` (mode 600), together
with the demo staff passwords so that they can be printed again.

Run inside an app context: ``seed_demo()``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from fieldops.auth.models import Role, User
from fieldops.auth.services import (
    authenticate,
    create_user,
    find_device_token,
    issue_device_token,
    officer_for_token,
    set_password,
)
from fieldops.auth.services import revoke_device_tokens as revoke_tokens
from fieldops.db import utcnow, write_transaction
from fieldops.demo import TOKENS_FILE
from fieldops.demo.lostfound import seed_lost_and_found
from fieldops.demo.simulator import CoursePath
from fieldops.events import roster, services
from fieldops.events.models import Assignment, Event, EventKind, EventOfficer, Post, PostKind
from fieldops.extensions import db
from fieldops.joining import services as joining
from fieldops.tracking.geometry import destination

COURSE_FILE = "nyc-marathon-course.geojson"
CAMPUS_FILE = "demo-school-campus.geojson"  # its buildings, exits and assembly points
MARATHON_NAME = "NYC Marathon course (demo)"
SCHOOL_NAME = "School field day (demo)"
MARATHON_M = 42_195.0
MILE_M = 1_609.344
SHIFT_HOURS = 8
STAFF_ROLES = ("admin", "command", "organizer")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet


# --- what gets seeded ----------------------------------------------------------------------


@dataclass
class PostSpec:
    name: str
    kind: PostKind
    lat: float
    lon: float
    radius_m: float
    orders: str
    polygon: list | None = None


@dataclass
class OfficerSpec:
    name: str
    badge: str
    kind: str = "posted"  # posted | bike | foot
    post: str | None = None  # the post's name, for the roster
    simulated: bool = True  # False: left for a person to join with on a phone


@dataclass
class SeededEvent:
    id: int
    name: str
    kind: str
    code: str
    posts: int
    officers: int
    rostered: int
    simulated: int
    course_km: float | None
    course_note: str = ""
    staff_code: str | None = None  # a school's area leads join with it


@dataclass
class DemoInfo:
    logins: list[dict]
    events: list[SeededEvent]
    human: dict
    tokens_path: Path
    tokens: dict = field(repr=False, default_factory=dict)


ORDERS = {
    PostKind.TRAFFIC_POINT: (
        "Hold cross traffic while runners are on the course; let vehicles cross only in a gap "
        "the command post approves. Emergency vehicles first. Report any runner down with the "
        "mile."
    ),
    PostKind.WATER_STATION: (
        "Keep spectators and volunteers out of the runners' lane. Watch for slips on wet "
        "pavement and cups. Call medical for any runner who stops and sits down."
    ),
    PostKind.MEDICAL: (
        "Keep the ambulance lane open. Escort medical staff onto the course when called and "
        "note the bib number of every runner transported."
    ),
    PostKind.ROAD_CLOSURE: (
        "Barriers stay closed until the sweep vehicle has passed. No vehicles or bicycles on "
        "the course; direct drivers to the posted detour."
    ),
    PostKind.CROWD: (
        "Keep spectators behind the barriers and the emergency lane clear. Lost children and "
        "lost runners go to the nearest information tent."
    ),
    PostKind.COMMAND_POST: (
        "Incident command. Radio and phone check with every post before the start; log every "
        "incident with time, place and who responded."
    ),
}

# The course's outline by official mile, for post names: boroughs, bridges and avenues as widely
# published; the boundaries from Manhattan on were checked against the shipped track.
AREAS = (
    (2.0, "Verrazzano-Narrows Bridge"),
    (3.0, "Bay Ridge, Brooklyn"),
    (8.0, "4th Ave, Brooklyn"),
    (10.0, "Lafayette Ave, Brooklyn"),
    (11.5, "Bedford Ave, Williamsburg"),
    (13.1, "Greenpoint, Brooklyn"),
    (15.0, "Long Island City, Queens"),
    (16.0, "Queensboro Bridge"),
    (19.45, "1st Ave, Manhattan"),
    (19.95, "Willis Ave Bridge"),
    (20.85, "the Bronx"),
    (21.15, "Madison Ave Bridge"),
    (22.6, "5th Ave, Harlem"),
    (23.5, "5th Ave, Upper East Side"),
    (25.05, "Central Park"),
    (25.75, "Central Park South"),
    (99.0, "Central Park"),
)

FIRST_NAMES = (
    "Alex", "Maria", "James", "Aisha", "Daniel", "Rosa", "Kevin", "Priya", "Michael", "Grace",
    "Luis", "Tanya", "Robert", "Mei", "Anthony", "Keisha", "Brian", "Elena", "Chris", "Fatima",
    "David", "Nicole", "Marcus", "Sofia", "Patrick", "Yolanda", "Samuel", "Hannah", "Victor",
    "Jasmine", "Thomas", "Olga", "Andre", "Lauren", "Miguel", "Denise",
)  # fmt: skip
LAST_NAMES = (
    "Rivera", "Chen", "O'Brien", "Johnson", "Patel", "Kowalski", "Nguyen", "Williams", "Garcia",
    "Murphy", "Kim", "Brown", "Santos", "Cohen", "Okafor", "Russo", "Jackson", "Lopez", "Walsh",
    "Singh", "Davis", "Morales", "Friedman", "Baptiste", "Reyes", "Novak", "Thompson", "Ali",
    "Fitzgerald", "Torres", "Greene", "Martinez", "Sullivan", "Ortiz", "Hughes", "Diaz",
)  # fmt: skip

HUMAN = {"name": "Jordan Avery", "badge": "4199"}


def _area(mile: float) -> str:
    return next(label for upto, label in AREAS if mile < upto)


def _mile_label(mile: float) -> str:
    return f"Mile {mile:.1f}".replace(".0", "")


BRIDGES = (  # (from mile, to mile, name): no crossings to hold on a bridge
    (0.0, 2.0, "Verrazzano-Narrows Bridge"),
    (13.0, 13.3, "Pulaski Bridge"),
    (15.0, 16.0, "Queensboro Bridge"),
    (19.45, 19.95, "Willis Ave Bridge"),
    (20.85, 21.15, "Madison Ave Bridge"),
)
CLOSURES = (  # (mile, name) road closures where the course comes off a bridge
    (2.0, "Mile 2 – Verrazzano-Narrows Bridge, Brooklyn end"),
    (13.1, "Mile 13.1 – Pulaski Bridge, halfway"),
    (16.0, "Mile 16 – Queensboro Bridge, Manhattan end"),
    (20.0, "Mile 20 – Willis Ave Bridge, Bronx end"),
    (21.15, "Mile 21 – Madison Ave Bridge, Manhattan end"),
)
MARATHON_MILES = MARATHON_M / MILE_M
POSTS_ON_COURSE = 60


def _on_bridge(mile: float) -> bool:
    return any(lo <= mile <= hi for lo, hi, _ in BRIDGES)


def marathon_plan(from_mile: float = 0.0) -> list[tuple[float, str, PostKind, float, float]]:
    """(official mile, name, kind, radius m, metres beside the course) for each of 60 posts.

    `from_mile`: where the course file begins (the shipped 2006 recording starts on 1st Ave, its
    GPS having had no signal before): posts are spread over the part the course covers, with
    traffic points filling up to 60. Negative miles count back from the finish.
    """
    plan: list[tuple[float, str, PostKind, float, float]] = [
        (-0.01, "Finish line – Central Park", PostKind.CROWD, 80, 0),
        (-0.15, "Finish – medical tent", PostKind.MEDICAL, 60, 35),
        (-0.25, "Command post – near the finish, Central Park", PostKind.COMMAND_POST, 60, 70),
    ]
    if from_mile < 0.05:
        plan.append((0.05, "Start line – Staten Island", PostKind.CROWD, 80, 0))
    plan += [(m, name, PostKind.ROAD_CLOSURE, 50, 0) for m, name in CLOSURES if m >= from_mile]
    for mile in range(max(3, math.ceil(from_mile)), 26):
        if _on_bridge(mile):
            continue
        name = f"Mile {mile} – {_area(mile)} – water station"
        plan.append((mile, name, PostKind.WATER_STATION, 60, 12))
    for mile in (4.2, 8.2, 12.2, 16.7, 18.2, 22.2, 24.6):
        if mile >= from_mile:
            name = f"{_mile_label(mile)} – {_area(mile)} – medical tent"
            plan.append((mile, name, PostKind.MEDICAL, 50, 25))
    # Traffic points at crossings, evenly over the covered course off the bridges.
    wanted = POSTS_ON_COURSE - len(plan)
    last = MARATHON_MILES - 0.4
    step = 0.05
    usable = [
        round(from_mile + 0.1 + i * step, 3)
        for i in range(int((last - from_mile - 0.1) / step) + 1)
        if not _on_bridge(from_mile + 0.1 + i * step)
    ]
    names = {name for _, name, *_ in plan}
    for i in range(wanted):
        mile = usable[min(len(usable) - 1, int((i + 0.5) * len(usable) / wanted))]
        name = f"{_mile_label(mile)} – {_area(mile)} – traffic point"
        if name in names:
            name = f"Mile {mile:.2f} – {_area(mile)} – traffic point"
        names.add(name)
        plan.append((mile, name, PostKind.TRAFFIC_POINT, 40, 0))
    return plan


def course_miles(path: CoursePath) -> tuple[float, float]:
    """(official mile where the course file starts, metres of file per official metre).

    A full course is scaled to the official distance; a partial recording is taken to end at
    the finish (as the shipped one does) at its own scale.
    """
    if path.length >= 0.9 * MARATHON_M:
        return 0.0, path.length / MARATHON_M
    return (MARATHON_M - path.length) / MILE_M, 1.0


def marathon_posts(path: CoursePath) -> list[PostSpec]:
    """The plan placed on the course (negative miles count back from the finish)."""
    from_mile, scale = course_miles(path)
    posts = []
    for mile, name, kind, radius, beside in marathon_plan(from_mile):
        if mile < 0:
            along = path.length + mile * MILE_M
        else:
            along = path.length - (MARATHON_M - mile * MILE_M) * scale
        lat, lon, course_bearing = path.at(along)
        if beside:
            lat, lon = destination(lat, lon, (course_bearing + 90) % 360, beside)
        posts.append(
            PostSpec(name, kind, round(lat, 6), round(lon, 6), float(radius), ORDERS[kind])
        )
    return posts


def marathon_officers(posts: list[PostSpec]) -> list[OfficerSpec]:
    names = _names()
    officers = [
        OfficerSpec(next(names), str(4101 + i), post=post.name) for i, post in enumerate(posts)
    ]
    patrols = ["bike"] * 4 + ["foot"] * 2
    officers += [
        OfficerSpec(next(names), str(4101 + len(posts) + i), kind=kind)
        for i, kind in enumerate(patrols)
    ]
    command_post = next(p.name for p in posts if p.kind == PostKind.COMMAND_POST)
    officers.append(OfficerSpec(HUMAN["name"], HUMAN["badge"], post=command_post, simulated=False))
    return officers


# A fictional school on a plausible Brooklyn block; offsets in metres (north, east) from its centre.
SCHOOL_CENTRE = (40.64520, -73.97120)


def _at(north: float, east: float) -> tuple[float, float]:
    lat, lon = destination(*SCHOOL_CENTRE, 0.0, north)
    lat, lon = destination(lat, lon, 90.0, east)
    return round(lat, 6), round(lon, 6)


def school_posts() -> list[PostSpec]:
    loop = [_at(-30, 55), _at(30, 55), _at(30, 82), _at(-30, 82)]
    loop_lat = sum(p[0] for p in loop) / 4
    loop_lon = sum(p[1] for p in loop) / 4
    return [
        PostSpec(
            "Main gate",
            PostKind.SCHOOL_GATE,
            *_at(-48, 0),
            40.0,
            "Staff the main gate during arrival and dismissal. Visitors go to the front office; "
            "nobody goes in without a visitor badge.",
        ),
        PostSpec(
            "Bus loop",
            PostKind.TRAFFIC_POINT,
            round(loop_lat, 6),
            round(loop_lon, 6),
            40.0,
            "Keep cars out of the bus loop while buses load. Children board only once the bus "
            "has stopped.",
            polygon=[list(p) for p in loop],
        ),
        PostSpec(
            "Crossing – front corner",
            PostKind.TRAFFIC_POINT,
            *_at(-75, -65),
            40.0,
            "Stop traffic for children and parents at the crosswalk, with the crossing guard.",
        ),
        PostSpec(
            "Gym door",
            PostKind.SCHOOL_GATE,
            *_at(52, -20),
            40.0,
            "Field-day spectators come in through the gym door only; keep it closed otherwise.",
        ),
    ]


def school_officers() -> list[OfficerSpec]:
    names = _names(offset=70)
    posts = ["Main gate", "Bus loop", "Bus loop", "Crossing – front corner", "Gym door"]
    return [OfficerSpec(next(names), str(5201 + i), post=p) for i, p in enumerate(posts)]


def _names(offset: int = 0):
    """Distinct, repeatable officer names."""
    pairs = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    random.Random(2006).shuffle(pairs)
    used: Counter = Counter()
    for first, last in pairs[offset:]:
        if used[first] >= 2 or used[last] >= 2:  # a varied roster
            continue
        used.update((first, last))
        yield f"{first} {last}"
    raise RuntimeError("ran out of demo names")  # pragma: no cover


# --- seeding -------------------------------------------------------------------------------


def tokens_path() -> Path:
    return Path(current_app.instance_path) / TOKENS_FILE


def _load_saved(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_tokens(path: Path, data: dict) -> None:
    """Atomically, readable by the owner only: it holds device tokens and passwords."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def new_password() -> str:
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
    return "demo-" + "-".join(groups)


def course_bytes() -> bytes:
    return (resources.files("fieldops") / "data" / COURSE_FILE).read_bytes()


def seed_demo(progress: bool = False) -> DemoInfo:
    """Create (or find) the demo staff, events, posts, roster and device tokens."""
    path = tokens_path()
    saved = _load_saved(path)
    school = school_posts()
    school_crew = school_officers()
    steps = 1 + 1 + 2 * POSTS_ON_COURSE + 7 + 1 + len(school) + len(school_crew)
    bar_context = (
        click.progressbar(length=steps, label="seeding the demo", show_pos=True)
        if progress
        else contextlib.nullcontext(None)
    )
    with bar_context as bar:

        def advance(n: int = 1) -> None:
            if bar is not None:
                bar.update(n)

        logins = _ensure_staff(saved.get("logins", {}))
        advance()

        marathon = _ensure_event(
            MARATHON_NAME,
            kind="marathon",
            venue="Staten Island to Central Park, New York City",
            distance_unit="mi",
        )
        lines = _ensure_course(marathon)
        advance()
        posts = marathon_posts(CoursePath(lines))
        marathon_post_ids = _ensure_posts(marathon, posts, advance)
        marathon_crew = marathon_officers(posts)
        marathon_tokens = _ensure_officers(
            marathon, marathon_crew, marathon_post_ids, saved, advance
        )
        seed_lost_and_found(marathon.id)
        advance()

        school_event = _ensure_event(
            SCHOOL_NAME,
            kind="school",
            venue="Demo Elementary School (a fictional campus), Brooklyn, NY",
            distance_unit="mi",
        )
        school_post_ids = _ensure_posts(school_event, school, advance)
        _ensure_campus(school_event)
        school_tokens = _ensure_officers(school_event, school_crew, school_post_ids, saved, advance)
        saved_school = (saved.get("events") or {}).get(str(school_event.id)) or {}
        school_leads = _ensure_leads(school_event, saved_school.get("leads") or [])
        human_pin = _ensure_human_pin(marathon, (saved.get("human") or {}).get("pin"))

    data = {
        "version": 1,
        "note": "fieldops demo: staff passwords and simulated officers' device tokens",
        "logins": {row["role"]: row for row in logins},
        "events": {
            str(marathon.id): _event_entry(marathon, "marathon", marathon_tokens),
            str(school_event.id): _event_entry(school_event, "school", school_tokens)
            | {"leads": school_leads},
        },
        "human": {"event_id": marathon.id, **HUMAN, "pin": human_pin},
    }
    save_tokens(path, data)
    events = [
        _summary(marathon, marathon_crew, marathon_tokens),
        _summary(school_event, school_crew, school_tokens),
    ]
    human_post = next(o.post for o in marathon_crew if not o.simulated)
    human = dict(
        HUMAN, event_id=marathon.id, code=marathon.enrollment_code, post=human_post, pin=human_pin
    )
    db.session.remove()
    return DemoInfo(logins=logins, events=events, human=human, tokens_path=path, tokens=data)


def _event_entry(event: Event, key: str, officers: list[dict]) -> dict:
    return {
        "id": event.id,
        "key": key,
        "name": event.name,
        "code": event.enrollment_code,
        "officers": officers,
    }


def _summary(event: Event, crew: list[OfficerSpec], tokens: list[dict]) -> SeededEvent:
    event = db.session.get(Event, event.id)
    posts = db.session.scalar(select(func.count(Post.id)).where(Post.event_id == event.id))
    members = db.session.scalar(
        select(func.count(EventOfficer.id)).where(EventOfficer.event_id == event.id)
    )
    rostered = db.session.scalar(
        select(func.count(func.distinct(Assignment.officer_id))).where(
            Assignment.event_id == event.id
        )
    )
    return SeededEvent(
        id=event.id,
        name=event.name,
        kind=event.kind.value,
        code=event.enrollment_code,
        staff_code=event.staff_code,
        posts=posts,
        officers=members,
        rostered=rostered,
        simulated=len(tokens),
        course_km=round(event.course.length_m / 1000, 2) if event.course else None,
        course_note=_course_note(event.course.lines) if event.course else "",
    )


def _course_note(lines: list) -> str:
    from_mile, _scale = course_miles(CoursePath(lines))
    return f"mile {from_mile:.1f} to the finish" if from_mile >= 0.5 else "start to finish"


def _ensure_staff(saved: dict) -> list[dict]:
    """admin, command, organizer: created with a fresh password, or reused with the saved one.

    An account of that name that the demo did not create keeps its password (printed as
    unknown); one the demo created whose password was lost gets a new one.
    """
    logins = []
    with write_transaction():
        for role in STAFF_ROLES:
            username = role
            display = f"Demo {role}"
            password = (saved.get(role) or {}).get("password")
            user = db.session.scalar(select(User).where(User.username == username))
            if user is None:
                if not isinstance(password, str) or len(password) < 10:
                    password = new_password()
                create_user(username=username, password=password, role=role, display_name=display)
            elif isinstance(password, str) and authenticate(username, password) is not None:
                pass
            elif user.display_name == display and user.role == Role(role):
                password = new_password()
                set_password(user, password)
            else:
                password = None
            logins.append({"role": role, "username": username, "password": password})
    return logins


def _ensure_event(name: str, *, kind: str, venue: str, distance_unit: str) -> Event:
    """The demo event by name; its window is moved to cover the present if it does not."""
    now = utcnow()
    with write_transaction():
        event = db.session.scalar(
            select(Event)
            .where(Event.name == name, Event.kind == EventKind(kind))
            .order_by(Event.id)
        )
        if event is None:
            event = services.create_event(
                name=name,
                kind=kind,
                venue=venue,
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=SHIFT_HOURS + 1),
                timezone="America/New_York",
                distance_unit=distance_unit,
            )
        elif not (event.starts_at <= now and event.ends_at >= now + timedelta(hours=2)):
            services.change_event(
                event,
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=SHIFT_HOURS + 1),
            )
    return event


def _ensure_course(event: Event) -> list:
    """The NYC course, imported once; returns its lines."""
    with write_transaction():
        event = db.session.get(Event, event.id)
        if event.course is None:
            services.set_course(event, course_bytes(), COURSE_FILE)
        # The shipped recording begins on 1st Avenue: say miles as the race counts them.
        from_mile, _scale = course_miles(CoursePath(event.course.lines))
        services.set_course_start(event, round(from_mile * MILE_M, 1))
        lines = event.course.lines
    return lines


def _ensure_campus(event: Event) -> None:
    """The school's campus, imported from its GeoJSON file as an admin would, once."""
    from fieldops.campus import services as campus
    from fieldops.campus.schemas import FeatureCollectionIn

    with write_transaction():
        event = db.session.get(Event, event.id)
        if event.campus:
            return
        text = (resources.files("fieldops") / "data" / CAMPUS_FILE).read_text()
        collection = FeatureCollectionIn.model_validate(json.loads(text))
        campus.replace_campus(event, [f.as_feature() for f in collection.features])


# The school's simulated area leads (teachers): who they are and the areas they lead.
LEADS = [("Ms Rivera", ["Classroom wing"]), ("Mr Okafor", ["Gym", "Cafeteria"])]


def _ensure_leads(event: Event, saved: list[dict]) -> list[dict]:
    """Two teachers joined as area leads, as a phone joins with the staff code; their tokens
    kept in the tokens file (reused while they still work; reissued, not duplicated, if lost)."""
    from fieldops.leads import services as leads
    from fieldops.leads.models import AreaLead

    if saved and all(find_device_token(entry.get("token", "")) for entry in saved):
        return saved
    with write_transaction():
        event = db.session.get(Event, event.id)
        if not event.staff_code:
            leads.new_staff_code(event)
        ids = {area["name"]: area["id"] for area in leads.campus_areas(event)}
        joined = {
            lead.user.display_name: lead
            for lead in db.session.scalars(select(AreaLead).where(AreaLead.event_id == event.id))
        }
        out = []
        for name, areas in LEADS:
            chosen = [ids[a] for a in areas if a in ids]
            if not chosen:
                continue
            if name in joined:
                user = joined[name].user
                revoke_tokens(user, event.id)
                token = issue_device_token(user, event.id).token
            else:
                _lead, token, _event = leads.join(event.staff_code, name, chosen)
            out.append({"name": name, "token": token, "area_ids": chosen})
        return out


def _ensure_posts(event: Event, specs: list[PostSpec], advance) -> dict[str, int]:
    """Posts by name; missing ones are added. Returns name -> post id."""
    with write_transaction():
        event = db.session.get(Event, event.id)
        existing = {
            p.name: p.id for p in db.session.scalars(select(Post).where(Post.event_id == event.id))
        }
        for spec in specs:
            if spec.name not in existing:
                post = services.add_post(
                    event,
                    name=spec.name,
                    kind=spec.kind.value,
                    lat=spec.lat,
                    lon=spec.lon,
                    radius_m=spec.radius_m,
                    polygon=spec.polygon,
                    orders=spec.orders,
                )
                existing[spec.name] = post.id
            advance()
    return existing


def _ensure_officers(
    event: Event, crew: list[OfficerSpec], post_ids: dict[str, int], saved: dict, advance
) -> list[dict]:
    """Each officer enrolled, rostered at their post for now to +8 h, holding a device token.

    A simulated officer is given a device token directly (its badge is on the roster, so a
    phone joining with it would need its PIN or command's approval); a saved token that still
    works is kept instead of issuing another.
    """
    saved_tokens = {
        str(o.get("badge")): o.get("token")
        for entry in saved.get("events", {}).values()
        if isinstance(entry, dict) and entry.get("name") == event.name
        for o in entry.get("officers", [])
        if isinstance(o, dict)
    }
    now = utcnow()
    out = []
    for spec in crew:
        with write_transaction():
            event = db.session.get(Event, event.id)
            member = roster.enroll_officer(event, name=spec.name, badge=spec.badge)
            officer = member.officer
            post_id = post_ids.get(spec.post) if spec.post else None
            if post_id is not None:
                _ensure_assignment(event, officer, post_id, now)
            token = None
            if spec.simulated:
                token = saved_tokens.get(spec.badge)
                found = officer_for_token(token) if isinstance(token, str) else None
                if found is None or found[0].id != officer.id or found[1] != event.id:
                    revoke_tokens(officer, event.id)  # any token we no longer hold
                    token = issue_device_token(officer, event.id).token
            officer_id = officer.id
        if token:
            out.append(
                {
                    "officer_id": officer_id,
                    "name": spec.name,
                    "badge": spec.badge,
                    "kind": spec.kind,
                    "post_id": post_id,
                    "token": token,
                }
            )
        advance()
    return out


def _ensure_human_pin(event: Event, saved_pin) -> str:
    """The join PIN of the officer left for a person's phone: the saved one while it still
    lets a phone in, else a new one (the first run, a lost file, or a phone already used it)."""
    with write_transaction():
        event = db.session.get(Event, event.id)
        officer_id = roster.member_by_badge(event, HUMAN["badge"]).officer_id
        if isinstance(saved_pin, str) and joining.pin_still_works(event.id, officer_id, saved_pin):
            return saved_pin
        return joining.issue_join_pin(event, officer_id)


def _ensure_assignment(event: Event, officer: User, post_id: int, now: datetime) -> None:
    """One roster entry for this officer and post, its window covering now to +8 h."""
    start, end = now - timedelta(minutes=15), now + timedelta(hours=SHIFT_HOURS)
    assignment = db.session.scalar(
        select(Assignment)
        .where(
            Assignment.event_id == event.id,
            Assignment.officer_id == officer.id,
            Assignment.post_id == post_id,
        )
        .order_by(Assignment.id)
    )
    if assignment is None:
        roster.assign(
            event,
            officer=officer,
            post=db.session.get(Post, post_id),
            starts_at=start,
            ends_at=end,
        )
    elif not (assignment.starts_at <= now and assignment.ends_at >= now + timedelta(hours=1)):
        roster.change_assignment(assignment, starts_at=start, ends_at=end)
