"""The demo's lost and found: items found at posts along the marathon, a hand-off or two, and a
lost report from a member of the public that one of them matches.

Everything goes through fieldops.lostfound.services, as the officers' phones and the desk do.
Seeding it again adds nothing: each record has a fixed client_id and is only logged when the
event does not have it yet (the services would refuse the same client_id with another
found_at). Run inside an app context, after the posts and the roster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from fieldops.auth.models import User
from fieldops.db import utcnow, write_transaction
from fieldops.events import services as events
from fieldops.events.models import Assignment, Event, Post
from fieldops.extensions import db
from fieldops.lostfound import services as lostfound
from fieldops.lostfound.models import CustodianKind, FoundItem, LostReport
from fieldops.lostfound.schemas import FoundItemIn, HandOffIn, HolderIn, LostReportIn
from fieldops.tracking.geometry import destination, distance_m


@dataclass
class FoundSpec:
    client_id: str
    post: str  # a substring of the post's name: the first post that has it
    minutes_ago: int
    category: str
    description: str
    colours: tuple[str, ...] = ()
    brand: str = ""
    marks: str = ""
    personal_data: bool = False
    finder_name: str = ""  # a member of the public handed it in
    to_post: bool = False  # the officer leaves it at their post
    to_desk: bool = False  # then the desk collects it from the post


FOUND = (
    FoundSpec(
        "demo-found-phone",
        "water station",
        35,
        "phone",
        "Black smartphone in a clear case, screen cracked at one corner, locked",
        colours=("black",),
        brand="Samsung",
        marks="Lock screen photo of a golden retriever",
        to_post=True,
        to_desk=True,
    ),
    FoundSpec(
        "demo-found-wallet",
        "Finish line",
        25,
        "wallet_purse",
        "Brown leather bifold wallet with an ID card, two bank cards and about $20 cash",
        colours=("brown",),
        marks="ID card: New York State driver's licence, D. Whitfield",
        personal_data=True,
        finder_name="Sam Okoye",
        to_post=True,
    ),
    FoundSpec(
        "demo-found-backpack",
        "medical tent",
        20,
        "childs_item",
        "Child's backpack with a cartoon dinosaur, a water bottle and a jumper inside",
        colours=("green", "orange"),
    ),
    FoundSpec(
        "demo-found-glasses",
        "traffic point",
        12,
        "eyewear",
        "Pair of reading glasses in a blue hard case",
        colours=("blue",),
    ),
)

LOST_REPORT = {
    "client_id": "demo-lost-wallet",
    "category": "wallet_purse",
    "description": "Brown leather wallet, folding, with my driver's licence and bank cards",
    "colours": ["brown"],
    "place": "near the finish line, watching my sister finish",
    "owner_name": "Dana Whitfield",
    "owner_contact": "(555) 010-4477, dana.whitfield@example.org",
}
LOST_MINUTES_AGO = 45


def seed_lost_and_found(event_id: int) -> dict:
    """The found items, their hand-offs and the lost report; returns counts of what is there."""
    now = utcnow()
    with write_transaction():
        event = db.session.get(Event, event_id)
        desk = db.session.scalar(select(User).where(User.username == "command"))
        posts = list(db.session.scalars(select(Post).where(Post.event_id == event.id)))
        _mark_exits(event, posts)
        done = set(
            db.session.scalars(select(FoundItem.client_id).where(FoundItem.event_id == event.id))
        )
        for spec in FOUND:
            if spec.client_id not in done:
                _log_item(event, posts, desk, spec, now)
        done = set(
            db.session.scalars(select(LostReport.client_id).where(LostReport.event_id == event.id))
        )
        if LOST_REPORT["client_id"] not in done and desk is not None:
            finish = _post(posts, "Finish line")
            lat, lon = destination(finish.lat, finish.lon, 200.0, 40.0)
            body = LostReportIn(
                **LOST_REPORT,
                lat=round(lat, 6),
                lon=round(lon, 6),
                last_seen_at=now - timedelta(minutes=LOST_MINUTES_AGO),
            )
            lostfound.report_lost(event, desk, body)  # suggests its match with the wallet
    return {"found_items": len(FOUND), "lost_reports": 1}


def _mark_exits(event: Event, posts: list[Post]) -> None:
    """The course's two ends (the finish, the first post on the course) are where a lost
    child could be taken out: officers posted there are told to watch their exit."""
    finish = _post(posts, "Finish line")
    start_lat, start_lon = event.course.lines[0][0] if event.course else (finish.lat, finish.lon)
    far = min(posts, key=lambda p: distance_m(p.lat, p.lon, start_lat, start_lon))
    for post in (finish, far):
        if not post.is_exit:
            events.change_post(post, is_exit=True)


def _post(posts: list[Post], name_part: str) -> Post:
    return next((p for p in posts if name_part in p.name), posts[0])


def _log_item(event: Event, posts: list[Post], desk: User | None, spec: FoundSpec, now) -> None:
    post = _post(posts, spec.post)
    officer = _officer_at(event, post)
    lat, lon = destination(post.lat, post.lon, 45.0, 10.0)
    body = FoundItemIn(
        client_id=spec.client_id,
        category=spec.category,
        description=spec.description,
        colours=list(spec.colours),
        brand=spec.brand,
        marks=spec.marks,
        lat=round(lat, 6),
        lon=round(lon, 6),
        found_at=now - timedelta(minutes=spec.minutes_ago),
        finder_name=spec.finder_name,
        finder_contact="(555) 010-2290" if spec.finder_name else "",
        personal_data=spec.personal_data,
    )
    item, _created = lostfound.log_found_item(event, officer, body)
    if spec.to_post:
        lostfound.hand_off(
            item,
            officer,
            HandOffIn(
                to=HolderIn(kind=CustodianKind.POST, post_id=post.id),
                where=post.name,
                received_by=officer.display_name,
                note="left in the post's lock box",
            ),
        )
    if spec.to_desk and desk is not None:
        lostfound.hand_off(
            item,
            desk,
            HandOffIn(
                to=HolderIn(kind=CustodianKind.DESK),
                where="lost-and-found desk, command post",
                received_by="Demo command",
                note="collected from the post by the desk runner",
            ),
        )


def _officer_at(event: Event, post: Post) -> User:
    """The first officer rostered at the post (every demo post is staffed)."""
    query = (
        select(Assignment)
        .where(Assignment.event_id == event.id, Assignment.post_id == post.id)
        .order_by(Assignment.id)
    )
    return db.session.scalars(query).first().officer
