"""Lost and found over HTTP: found items and their custody, lost reports, matches, photos,
and the printable custody sheet."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from flask_login import current_user

from fieldops import openapi
from fieldops.api import body_as, caller_and_event, photo_file, uploaded_photo
from fieldops.auth.models import FIELD_ROLES, Role
from fieldops.auth.principal import request_user, require
from fieldops.db import get_or_404, write_transaction
from fieldops.errors import Forbidden, Unauthorized, choice
from fieldops.events.models import Event
from fieldops.extensions import db
from fieldops.lostfound import services
from fieldops.lostfound.models import ItemStatus, LostStatus, Match
from fieldops.lostfound.schemas import (
    ConfirmIn,
    FoundItemIn,
    HandOffIn,
    LostReportIn,
    ReleaseIn,
    custody_record_to_dict,
    found_item_to_dict,
    lost_report_to_dict,
    match_to_dict,
    photo_to_dict,
)

bp = Blueprint("lostfound", __name__)


def _caller():
    user = request_user()
    if user is None:
        raise Unauthorized()
    return user


def _item(item_id: int):
    user = _caller()
    return user, services.visible_item(item_id, user, g.get("token_event_id"))


def _statuses(enum_cls) -> list | None:
    value = request.args.get("status")
    return [choice(enum_cls, v, "status") for v in value.split(",") if v] if value else None


def _item_answer(item, user) -> dict:
    return found_item_to_dict(item, private=services.private_for(user))


@bp.post("/api/v1/events/<int:event_id>/found-items")
@require(*FIELD_ROLES)
def create_found_item(event_id: int):
    """An officer's phone or the desk logs a found item: 201 new, 200 a repeat; pushes
    `found_item` (and any `match` suggested) to the command streams."""
    user, event = caller_and_event(event_id)
    body = body_as(FoundItemIn)
    with write_transaction():
        item, created = services.log_found_item(event, user, body)
        data = _item_answer(item, user)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/found-items")
@require()
@openapi.query(status="comma-separated statuses", retention="`1`: with the retention dates")
def list_found_items(event_id: int):
    """Staff: every item (`?status=`, `?retention=1`: past retention); an officer: what they
    logged, found or hold."""
    user, event = caller_and_event(event_id)
    if request.args.get("retention") in ("1", "true"):
        if user.role not in services.STAFF:
            raise Forbidden("the retention list is the desk's")
        found = services.retention_list(event)
    else:
        found = services.found_items_for(event, user, statuses=_statuses(ItemStatus))
    return jsonify(found_items=[_item_answer(i, user) for i in found])


@bp.get("/api/v1/found-items/<int:item_id>")
@require()
def get_found_item(item_id: int):
    """The item with its custody history (oldest first) and its match suggestions."""
    user, item = _item(item_id)
    matches = services.matches_of(item=item) if user.role in services.STAFF else []
    return jsonify(_item_answer(item, user) | {"matches": [match_to_dict(m) for m in matches]})


@bp.post("/api/v1/found-items/<int:item_id>/custody")
@require(*FIELD_ROLES)
def post_custody(item_id: int):
    """A hand-off, by the item's custodian or the desk: 201 the record; 409 an illegal move,
    403 not the custodian."""
    user, item = _item(item_id)
    body = body_as(HandOffIn)
    with write_transaction():
        record = services.hand_off(item, user, body)
        data = custody_record_to_dict(record)
        answer = _item_answer(item, user)
    return jsonify(answer | {"record": data}), 201


@bp.post("/api/v1/found-items/<int:item_id>/release")
@require(Role.ADMIN, Role.COMMAND)
def post_release(item_id: int):
    """The desk returns the item to its owner: 422 naming `identity_check` without one."""
    user, item = _item(item_id)
    body = body_as(ReleaseIn)
    with write_transaction():
        record = services.release_to_owner(item, user, body)
        data = custody_record_to_dict(record)
        answer = _item_answer(item, user)
    return jsonify(answer | {"record": data}), 201


@bp.post("/api/v1/found-items/<int:item_id>/photos")
@require(*FIELD_ROLES)
@openapi.upload("photo", "image/jpeg")
def post_photo(item_id: int):
    """A photo of the item (multipart `photo`), processed off the hub like incident photos:
    201 new, 200 the same image again."""
    user, item = _item(item_id)
    processed = uploaded_photo()
    with write_transaction():
        photo, created = services.add_photo(item, user, processed, current_app.instance_path)
        data = photo_to_dict(photo)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/found-item-photos/<int:photo_id>")
@require()
@openapi.returns("image/jpeg")
def get_photo(photo_id: int):
    """Only to users who may see the item."""
    user = _caller()
    photo = services.visible_photo(photo_id, user, g.get("token_event_id"))
    path = services.photo_path(photo, current_app.instance_path)
    return photo_file(path)


@bp.post("/api/v1/events/<int:event_id>/lost-reports")
@require(*FIELD_ROLES)
def create_lost_report(event_id: int):
    """An officer or the desk takes a lost report: 201 new, 200 a repeat; pushes
    `lost_report` (and any `match`)."""
    user, event = caller_and_event(event_id)
    body = body_as(LostReportIn)
    with write_transaction():
        report, created = services.report_lost(event, user, body)
        data = lost_report_to_dict(report, private=services.private_for(user))
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/lost-reports")
@require()
@openapi.query(status="comma-separated statuses")
def list_lost_reports(event_id: int):
    """Staff: every report (organizers without the owner's name and contact); an officer:
    those they took."""
    user, event = caller_and_event(event_id)
    found = services.lost_reports_for(event, user, statuses=_statuses(LostStatus))
    private = services.private_for(user)
    return jsonify(lost_reports=[lost_report_to_dict(r, private=private) for r in found])


@bp.get("/api/v1/lost-reports/<int:report_id>")
@require()
def get_lost_report(report_id: int):
    """The report with its match suggestions."""
    user = _caller()
    report = services.visible_report(report_id, user, g.get("token_event_id"))
    matches = services.matches_of(report=report) if user.role in services.STAFF else []
    data = lost_report_to_dict(report, private=services.private_for(user))
    return jsonify(data | {"matches": [match_to_dict(m) for m in matches]})


def _match(match_id: int):
    user = _caller()
    services.require_desk(user)
    return user, get_or_404(Match, match_id, "match")


@bp.post("/api/v1/matches/<int:match_id>/confirm")
@require()
def post_confirm(match_id: int):
    """The desk confirms a suggestion: the item matched (awaiting pickup with
    `owner_contacted`), the report matched, the other suggestions of either rejected."""
    user, match = _match(match_id)
    body = body_as(ConfirmIn, required=False)
    with write_transaction():
        services.confirm_match(match, user, owner_contacted=body.owner_contacted)
        data = match_to_dict(match)
    return jsonify(data)


@bp.post("/api/v1/matches/<int:match_id>/reject")
@require()
def post_reject(match_id: int):
    """The desk rules a suggestion out."""
    user, match = _match(match_id)
    with write_transaction():
        services.reject_match(match, user)
        data = match_to_dict(match)
    return jsonify(data)


# --- the custody sheet (a page) -----------------------------------------------------------


def _desk_page_user():
    if not current_user.is_authenticated or not services.is_desk(current_user):
        abort(403 if current_user.is_authenticated else 401)
    return current_user


@bp.get("/found-items/<int:item_id>/sheet")
def custody_sheet(item_id: int):
    """The item's custody sheet, print-ready (command, admin)."""
    user = _desk_page_user()
    item = services.visible_item(item_id, user)
    event = db.session.get(Event, item.event_id)
    return render_template("custody_sheet.html", event=event, items=[found_item_to_dict(item)])


@bp.get("/events/<int:event_id>/found-items/sheet")
def custody_sheets(event_id: int):
    """Every found item of the event, one per printed page (command, admin)."""
    user = _desk_page_user()
    event = get_or_404(Event, event_id, "event")
    items = services.found_items_for(event, user)
    return render_template(
        "custody_sheet.html", event=event, items=[found_item_to_dict(i) for i in items]
    )
