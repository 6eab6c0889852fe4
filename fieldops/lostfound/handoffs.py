"""The chain of custody: each hand-off appended, checked by fieldops.lostfound.custody's
rules (one custodian, recorded by the holder or the desk, no release without an identity
check)."""

from __future__ import annotations

from fieldops.auth.models import Role, User
from fieldops.db import utcnow
from fieldops.errors import ApiError
from fieldops.events.models import Event, Post
from fieldops.extensions import db
from fieldops.lostfound import custody
from fieldops.lostfound.access import DESK, actor_for, current_holder, matches_of
from fieldops.lostfound.custody import Holder, Verification
from fieldops.lostfound.matches import withdraw_other_suggestions
from fieldops.lostfound.models import (
    CustodianKind,
    CustodyRecord,
    FoundItem,
    LostReport,
    LostStatus,
    MatchStatus,
)
from fieldops.lostfound.publishing import publish_item, publish_report
from fieldops.lostfound.schemas import HandOffIn, HolderIn, ReleaseIn
from fieldops.tracking import live


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
        actor_for(item.event_id, user),
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
        withdraw_other_suggestions(item.id, None, keep=None)
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
    withdraw_other_suggestions(item.id, None, keep=None)
    publish_item(item)
    return record
