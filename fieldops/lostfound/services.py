"""Lost-and-found writes: logging found items and lost reports, the chain of custody, matches.

Each verb validates, writes and flushes inside the caller's write_transaction() and publishes
(after the commit) the records it changed to the command and organizer streams, the organizers'
copy without contact details, names of members of the public or identity checks.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from fieldops import realtime
from fieldops.auth.models import Role, User
from fieldops.db import get_or_404, insert_by_client_id, insert_once, utcnow
from fieldops.errors import ApiError, Forbidden, NotFound
from fieldops.events.models import Event, Post
from fieldops.extensions import db
from fieldops.incidents import photos
from fieldops.lostfound import custody, matching
from fieldops.lostfound.custody import Actor, Holder, Verification
from fieldops.lostfound.models import (
    CustodianKind,
    CustodyRecord,
    FoundItem,
    FoundItemPhoto,
    ItemStatus,
    LostReport,
    LostStatus,
    Match,
    MatchStatus,
)
from fieldops.lostfound.schemas import (
    FoundItemIn,
    HandOffIn,
    HolderIn,
    LostReportIn,
    ReleaseIn,
    found_item_to_dict,
    lost_report_to_dict,
    match_to_dict,
)
from fieldops.places.services import place_text
from fieldops.tracking import live

DESK = (Role.ADMIN, Role.COMMAND)
STAFF = (Role.ADMIN, Role.COMMAND, Role.ORGANIZER)
CLOSED_ITEM = frozenset({ItemStatus.RETURNED, ItemStatus.HANDED_TO_AGENCY, ItemStatus.DISPOSED})
CLOSED_REPORT = frozenset({LostStatus.RETURNED, LostStatus.CLOSED})


# --- who may see and do what --------------------------------------------------------------


def is_desk(user: User) -> bool:
    return user.role in DESK


def require_desk(user: User) -> None:
    if not is_desk(user):
        raise Forbidden("only the lost-and-found desk (command, admin) does this")


def private_for(user: User) -> bool:
    """Whether the user sees contact details and identity checks (command, admin, and an
    officer for what they took down themselves)."""
    return user.role != Role.ORGANIZER


def current_holder(item: FoundItem) -> Holder:
    last = item.custody[-1]
    return Holder(last.to_kind, last.to_user_id, last.to_post_id, last.to_name)


def can_see_item(item: FoundItem, user: User) -> bool:
    if user.role in STAFF:
        return True
    holder = current_holder(item) if item.custody else None
    return (
        item.logged_by_id == user.id
        or item.found_by_id == user.id
        or (
            holder is not None
            and holder.kind == CustodianKind.OFFICER
            and holder.user_id == user.id
        )
    )


def visible_item(item_id: int, user: User, token_event_id: int | None = None) -> FoundItem:
    item = db.session.get(FoundItem, item_id)
    if item is None or not can_see_item(item, user):
        raise NotFound(f"found item {item_id} does not exist")
    if token_event_id is not None and item.event_id != token_event_id:
        raise NotFound(f"found item {item_id} does not exist")
    return item


def can_see_report(report: LostReport, user: User) -> bool:
    return user.role in STAFF or report.taken_by_id == user.id


def visible_report(report_id: int, user: User, token_event_id: int | None = None) -> LostReport:
    report = db.session.get(LostReport, report_id)
    if report is None or not can_see_report(report, user):
        raise NotFound(f"lost report {report_id} does not exist")
    if token_event_id is not None and report.event_id != token_event_id:
        raise NotFound(f"lost report {report_id} does not exist")
    return report


def _actor(event_id: int, user: User) -> Actor:
    if is_desk(user):
        return Actor(user.id, desk=True)
    state = live.officer(event_id, user.id) if user.role == Role.OFFICER else None
    post_id = state.shift["post_id"] if state and state.shift else None
    return Actor(user.id, post_id=post_id)


# --- publishing ---------------------------------------------------------------------------


def publish_item(item: FoundItem) -> None:
    db.session.flush()
    db.session.refresh(item, ["custody", "photos"])
    realtime.publish_to_staff_on_commit(
        item.event_id,
        "found_item",
        found_item_to_dict(item),
        found_item_to_dict(item, private=False),
    )


def publish_report(report: LostReport) -> None:
    db.session.flush()
    realtime.publish_to_staff_on_commit(
        report.event_id,
        "lost_report",
        lost_report_to_dict(report),
        lost_report_to_dict(report, private=False),
    )


def publish_match(match: Match) -> None:
    db.session.flush()
    data = match_to_dict(match)
    realtime.publish_to_staff_on_commit(match.event_id, "match", data, data)


# --- logging ------------------------------------------------------------------------------


def retain_until(event: Event):
    return event.ends_at + timedelta(days=event.retention_days)


def log_found_item(event: Event, user: User, body: FoundItemIn) -> tuple[FoundItem, bool]:
    """A found item (True), or the one already logged with this client_id (False). Its first
    custody record: from its finder to the one who logged it (an officer, or the desk)."""
    if user.role == Role.ORGANIZER:
        raise Forbidden("organizers do not log found items")
    fingerprint = body.fingerprint(event.id, user.id)
    now = utcnow()
    by_public = bool(body.finder_name)
    item = FoundItem(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=fingerprint,
        category=body.category,
        description=body.description,
        colours=list(body.colours),
        brand=body.brand,
        marks=body.marks,
        lat=body.lat,
        lon=body.lon,
        place=place_text(event, body.lat, body.lon),
        found_at=body.found_at,
        found_by_id=None if by_public else user.id,
        finder_name=body.finder_name,
        finder_contact=body.finder_contact,
        logged_by_id=user.id,
        stored_at=body.stored_at
        or ("lost-and-found desk" if is_desk(user) else "with the officer"),
        personal_data=body.has_personal_data,
        status=ItemStatus.IN_CUSTODY,
        retain_until=retain_until(event),
        received_at=now,
        updated_at=now,
    )
    item, created = insert_by_client_id(
        item,
        select(FoundItem).where(
            FoundItem.event_id == event.id, FoundItem.client_id == body.client_id
        ),
        "record",
    )
    if not created:
        publish_again_item(item)
        return item, False
    to = (
        Holder(CustodianKind.DESK, name="lost-and-found desk")
        if is_desk(user)
        else Holder(CustodianKind.OFFICER, user_id=user.id, name=user.display_name)
    )
    db.session.add(
        CustodyRecord(
            item_id=item.id,
            from_kind=CustodianKind.FINDER,
            from_name=body.finder_name or user.display_name,
            from_user_id=None if by_public else user.id,
            to_kind=to.kind,
            to_name=to.name,
            to_user_id=to.user_id,
            at=now,
            where=item.place,
            received_by=user.display_name,
            recorded_by_id=user.id,
            note="found" if not by_public else "handed in by a member of the public",
        )
    )
    publish_item(item)
    suggest_matches(item)
    return item, True


def publish_again_item(item: FoundItem) -> None:
    """A retry: the item and its matches as they stand, to the same streams again."""
    publish_item(item)
    for match in matches_of(item=item):
        publish_match(match)


def report_lost(event: Event, user: User, body: LostReportIn) -> tuple[LostReport, bool]:
    if user.role == Role.ORGANIZER:
        raise Forbidden("organizers do not take lost reports")
    fingerprint = body.fingerprint(event.id, user.id)
    now = utcnow()
    report = LostReport(
        event_id=event.id,
        client_id=body.client_id,
        body_hash=fingerprint,
        category=body.category,
        description=body.description,
        colours=list(body.colours),
        brand=body.brand,
        lat=body.lat,
        lon=body.lon,
        place=body.place or place_text(event, body.lat, body.lon),
        last_seen_at=body.last_seen_at,
        owner_name=body.owner_name,
        owner_contact=body.owner_contact,
        taken_by_id=user.id,
        status=LostStatus.OPEN,
        received_at=now,
        updated_at=now,
    )
    report, created = insert_by_client_id(
        report,
        select(LostReport).where(
            LostReport.event_id == event.id, LostReport.client_id == body.client_id
        ),
        "record",
    )
    if not created:
        publish_report(report)
        for match in matches_of(report=report):
            publish_match(match)
        return report, False
    publish_report(report)
    suggest_matches(report)
    return report, True


# --- matching -----------------------------------------------------------------------------


def _described(record: FoundItem | LostReport) -> matching.Described:
    found = isinstance(record, FoundItem)
    return matching.Described(
        id=record.id,
        side="found" if found else "lost",
        category=record.category.value,
        description=" ".join(filter(None, [record.description, getattr(record, "marks", "")])),
        colours=tuple(record.colours or ()),
        brand=record.brand,
        at=record.found_at if found else record.last_seen_at,
        lat=record.lat,
        lon=record.lon,
    )


def suggest_matches(record: FoundItem | LostReport, limit: int = 3) -> list[Match]:
    """Rank the open records of the other side against this new one; keep the best as
    suggested matches (a pair is suggested once)."""
    if isinstance(record, FoundItem):
        others = db.session.scalars(
            select(LostReport).where(
                LostReport.event_id == record.event_id, LostReport.status == LostStatus.OPEN
            )
        )
    else:
        others = db.session.scalars(
            select(FoundItem).where(
                FoundItem.event_id == record.event_id,
                FoundItem.status == ItemStatus.IN_CUSTODY,
            )
        )
    ranked = matching.rank(_described(record), [_described(o) for o in others], limit=limit)
    made = []
    now = utcnow()
    for suggestion in ranked:
        match, created = insert_once(
            Match(
                event_id=record.event_id,
                found_item_id=suggestion.found_id,
                lost_report_id=suggestion.lost_id,
                score=suggestion.score,
                reasons=list(suggestion.reasons),
                status=MatchStatus.SUGGESTED,
                suggested_at=now,
                updated_at=now,
            ),
            select(Match).where(
                Match.found_item_id == suggestion.found_id,
                Match.lost_report_id == suggestion.lost_id,
            ),
        )
        if created:
            publish_match(match)
            made.append(match)
    return made


def matches_of(*, item: FoundItem | None = None, report: LostReport | None = None) -> list[Match]:
    query = select(Match).order_by(Match.score.desc(), Match.id)
    if item is not None:
        query = query.where(Match.found_item_id == item.id)
    if report is not None:
        query = query.where(Match.lost_report_id == report.id)
    return list(db.session.scalars(query))


def _withdraw_other_suggestions(item_id: int, report_id: int | None, keep: int | None) -> None:
    """Once an item or a report is spoken for, its other suggestions are rejected."""
    query = select(Match).where(Match.status == MatchStatus.SUGGESTED)
    if report_id is None:
        query = query.where(Match.found_item_id == item_id)
    else:
        query = query.where((Match.found_item_id == item_id) | (Match.lost_report_id == report_id))
    now = utcnow()
    for other in db.session.scalars(query):
        if other.id == keep:
            continue
        other.status = MatchStatus.REJECTED
        other.updated_at = now
        publish_match(other)


def confirm_match(match: Match, user: User, *, owner_contacted: bool = False) -> Match:
    """A command user says the found item is the lost report's: the item is matched (awaiting
    pickup once the owner was told), the report matched; other suggestions for either go."""
    require_desk(user)
    if match.status != MatchStatus.SUGGESTED:
        raise ApiError(
            f"this match is already {match.status.value}",
            code="illegal_transition",
            field="status",
            status=409,
        )
    item = db.session.get(FoundItem, match.found_item_id)
    report = db.session.get(LostReport, match.lost_report_id)
    if item.status != ItemStatus.IN_CUSTODY or report.status != LostStatus.OPEN:
        raise ApiError(
            "the item or the report is already spoken for",
            code="conflict",
            field="status",
            status=409,
        )
    now = utcnow()
    match.status = MatchStatus.CONFIRMED
    match.confirmed_by_id = user.id
    match.confirmed_at = now
    match.updated_at = now
    item.status = ItemStatus.AWAITING_PICKUP if owner_contacted else ItemStatus.MATCHED
    item.updated_at = now
    report.status = LostStatus.MATCHED
    report.updated_at = now
    db.session.flush()
    db.session.refresh(match, ["confirmed_by"])
    publish_match(match)
    _withdraw_other_suggestions(item.id, report.id, keep=match.id)
    publish_item(item)
    publish_report(report)
    return match


def reject_match(match: Match, user: User) -> Match:
    require_desk(user)
    if match.status != MatchStatus.SUGGESTED:
        raise ApiError(
            f"this match is already {match.status.value}",
            code="illegal_transition",
            field="status",
            status=409,
        )
    match.status = MatchStatus.REJECTED
    match.confirmed_by_id = user.id
    match.confirmed_at = match.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(match, ["confirmed_by"])
    publish_match(match)
    return match


# --- the chain of custody -----------------------------------------------------------------


def _holder_for(event: Event, to) -> Holder:
    """The custodian a body names, checked against the event."""
    kind = to.kind
    if kind == CustodianKind.OFFICER:
        if to.officer_id is None:
            raise ApiError("name the officer", code="invalid", field="to.officer_id", status=422)
        state = live.officer(event.id, to.officer_id)
        if state is None:
            raise ApiError(
                f"officer {to.officer_id} is not at this event",
                code="invalid",
                field="to.officer_id",
                status=422,
            )
        return Holder(kind, user_id=to.officer_id, name=state.name)
    if kind == CustodianKind.POST:
        post = db.session.get(Post, to.post_id) if to.post_id is not None else None
        if post is None or post.event_id != event.id:
            raise ApiError(
                "name a post of this event", code="invalid", field="to.post_id", status=422
            )
        return Holder(kind, post_id=post.id, name=post.name)
    if kind == CustodianKind.DESK:
        return Holder(kind, name=to.name or "lost-and-found desk")
    if kind == CustodianKind.AGENCY and not to.name:
        raise ApiError("name the agency", code="invalid", field="to.name", status=422)
    if kind == CustodianKind.FINDER:
        raise ApiError(
            "an item is never handed back to its finder",
            code="invalid",
            field="to.kind",
            status=422,
        )
    return Holder(kind, name=to.name)


def _append(
    item: FoundItem,
    user: User,
    to: Holder,
    *,
    where: str,
    received_by: str,
    note: str = "",
    verification: Verification | None = None,
) -> CustodyRecord:
    current = current_holder(item)
    custody.check_hand_off(
        current,
        to,
        _actor(item.event_id, user),
        verification=verification,
        retention_over=utcnow() >= item.retain_until,
        personal_data=item.personal_data,
    )
    now = utcnow()
    record = CustodyRecord(
        item_id=item.id,
        from_kind=current.kind,
        from_name=current.name,
        from_user_id=current.user_id,
        from_post_id=current.post_id,
        to_kind=to.kind,
        to_name=to.name,
        to_user_id=to.user_id,
        to_post_id=to.post_id,
        at=now,
        where=where,
        received_by=received_by,
        recorded_by_id=user.id,
        note=note,
        identity_method=verification.method if verification else None,
        identity_detail=verification.detail if verification else "",
        verified_by_id=verification.verified_by if verification else None,
    )
    db.session.add(record)
    item.status = custody.status_after(item.status, to.kind)
    item.updated_at = now
    return record


def hand_off(item: FoundItem, user: User, body: HandOffIn) -> CustodyRecord:
    """One hand-off, recorded by the item's custodian or by the desk."""
    if body.to.kind == CustodianKind.OWNER:
        raise ApiError(
            "release to the owner through …/release, with the identity check",
            code="invalid",
            field="to.kind",
            status=422,
        )
    event = db.session.get(Event, item.event_id)
    to = _holder_for(event, body.to)
    record = _append(
        item,
        user,
        to,
        where=body.where,
        received_by=body.received_by or to.name,
        note=body.note,
    )
    item.stored_at = body.stored_at or to.name or to.kind.value
    if to.kind in custody.FINAL:
        _withdraw_other_suggestions(item.id, None, keep=None)
    publish_item(item)
    return record


def hand_to_agency(item: FoundItem, user: User, agency: str, **details) -> CustodyRecord:
    return hand_off(
        item, user, HandOffIn(to=HolderIn(kind=CustodianKind.AGENCY, name=agency), **details)
    )


def dispose(item: FoundItem, user: User, **details) -> CustodyRecord:
    return hand_off(
        item, user, HandOffIn(to=HolderIn(kind=CustodianKind.DISPOSAL, name="disposal"), **details)
    )


def release_to_owner(item: FoundItem, user: User, body: ReleaseIn) -> CustodyRecord:
    """To its owner, with how identity was checked and who verified it; the confirmed lost
    report, if any, is returned too."""
    check = body.identity_check
    verification = None
    if check is not None:
        verifier = check.verified_by if check.verified_by is not None else user.id
        verified_by = db.session.get(User, verifier)
        if verified_by is None or verified_by.role not in (*DESK, Role.OFFICER):
            raise ApiError(
                "the verifier must be a command, admin or officer user",
                code="invalid",
                field="identity_check.verified_by",
                status=422,
            )
        verification = Verification(check.method, check.detail, verifier)
    owner = Holder(CustodianKind.OWNER, name=body.received_by)
    record = _append(
        item,
        user,
        owner,
        where=body.where,
        received_by=body.received_by,
        note=body.note,
        verification=verification,
    )
    item.stored_at = "returned to the owner"
    for match in matches_of(item=item):
        if match.status == MatchStatus.CONFIRMED:
            report = db.session.get(LostReport, match.lost_report_id)
            report.status = LostStatus.RETURNED
            report.updated_at = record.at
            publish_report(report)
    _withdraw_other_suggestions(item.id, None, keep=None)
    publish_item(item)
    return record


# --- reading ------------------------------------------------------------------------------


def found_items_for(
    event: Event, user: User, *, statuses: list[ItemStatus] | None = None
) -> list[FoundItem]:
    query = select(FoundItem).where(FoundItem.event_id == event.id).order_by(FoundItem.id)
    if statuses:
        query = query.where(FoundItem.status.in_(statuses))
    return [i for i in db.session.scalars(query) if can_see_item(i, user)]


def retention_list(event: Event) -> list[FoundItem]:
    """Unclaimed after the event and its retention period: to the agency (IDs, cards, phones)
    or to disposal."""
    return list(
        db.session.scalars(
            select(FoundItem)
            .where(
                FoundItem.event_id == event.id,
                FoundItem.status.not_in(CLOSED_ITEM),
                FoundItem.retain_until <= utcnow(),
            )
            .order_by(FoundItem.retain_until, FoundItem.id)
        )
    )


def lost_reports_for(
    event: Event, user: User, *, statuses: list[LostStatus] | None = None
) -> list[LostReport]:
    query = select(LostReport).where(LostReport.event_id == event.id).order_by(LostReport.id)
    if statuses:
        query = query.where(LostReport.status.in_(statuses))
    return [r for r in db.session.scalars(query) if can_see_report(r, user)]


def matches_for(event: Event, statuses=(MatchStatus.SUGGESTED, MatchStatus.CONFIRMED)):
    return list(
        db.session.scalars(
            select(Match)
            .where(Match.event_id == event.id, Match.status.in_(statuses))
            .order_by(Match.id)
        )
    )


# --- photos -------------------------------------------------------------------------------


def add_photo(
    item: FoundItem, user: User, processed, instance_path: str
) -> tuple[FoundItemPhoto, bool]:
    """Stored as incident photos are (instance/photos/found/...), once per image."""
    holder = current_holder(item)
    allowed = (
        is_desk(user)
        or item.logged_by_id == user.id
        or (holder.kind == CustodianKind.OFFICER and holder.user_id == user.id)
    )
    if not allowed:
        raise Forbidden("only the desk, who logged the item and who holds it add photos")
    relative = photos.store(processed, instance_path, f"photos/found/{item.event_id}/{item.id}")
    photo, created = insert_once(
        FoundItemPhoto(
            item_id=item.id,
            uploaded_by_id=user.id,
            path=relative,
            sha256=processed.sha256,
            width=processed.width,
            height=processed.height,
            size=len(processed.jpeg),
            created_at=utcnow(),
        ),
        select(FoundItemPhoto).where(
            FoundItemPhoto.item_id == item.id, FoundItemPhoto.sha256 == processed.sha256
        ),
    )
    if created:
        item.updated_at = utcnow()
    publish_item(item)
    return photo, created


def visible_photo(photo_id: int, user: User, token_event_id: int | None) -> FoundItemPhoto:
    photo = get_or_404(FoundItemPhoto, photo_id, "photo")
    visible_item(photo.item_id, user, token_event_id)
    return photo


def photo_path(photo: FoundItemPhoto, instance_path: str) -> Path:
    return photos.stored_path(photo, instance_path)
