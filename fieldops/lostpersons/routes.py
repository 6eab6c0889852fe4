"""Lost persons over HTTP: report (or log a found person), read, mark searched, found,
reunited, the agency called, cancel, photos. Each answer is the copy the caller may see."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify

from fieldops import openapi
from fieldops.api import body_as, caller_and_event, photo_file, uploaded_photo
from fieldops.auth.models import FIELD_ROLES, Role
from fieldops.auth.principal import request_user, require
from fieldops.db import write_transaction
from fieldops.errors import Unauthorized
from fieldops.lostpersons import services
from fieldops.lostpersons.schemas import (
    AgencyCalledIn,
    CancelIn,
    FoundIn,
    FoundPersonIn,
    LostPersonIn,
    MatchIn,
    ReunitedIn,
    SearchedIn,
    photo_to_dict,
)

bp = Blueprint("lostpersons", __name__)


def _caller():
    user = request_user()
    if user is None:
        raise Unauthorized()
    return user


def _person(person_id: int):
    user = _caller()
    return user, services.visible_lost_person(person_id, user, g.get("token_event_id"))


@bp.post("/api/v1/events/<int:event_id>/lost-persons")
@require(*FIELD_ROLES)
def create_lost_person(event_id: int):
    """An officer's phone or the desk: 201 new (command alarmed, every officer told), 200 a
    repeat of the same report, 422 the same client_id with another body."""
    user, event = caller_and_event(event_id)
    body = body_as(LostPersonIn)
    with write_transaction():
        person, created = services.report_lost_person(event, user, body)
        data = services.copy_for(person, user)
    return jsonify(data), 201 if created else 200


@bp.post("/api/v1/events/<int:event_id>/found-persons")
@require(*FIELD_ROLES)
def create_found_person(event_id: int):
    """A found child nobody reported yet (the other way round); same idempotency rules."""
    user, event = caller_and_event(event_id)
    body = body_as(FoundPersonIn)
    with write_transaction():
        person, created = services.log_found_person(event, user, body)
        data = services.copy_for(person, user)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/events/<int:event_id>/lost-persons")
@require()
def list_lost_persons(event_id: int):
    """Every lost-person record of the event, as the caller may see it (officers: open)."""
    user, event = caller_and_event(event_id)
    found = services.lost_persons_of(event.id)
    copies = [services.copy_for(p, user) for p in found]
    if user.role == Role.OFFICER:
        copies = [c for c in copies if c["open"]]
    return jsonify(lost_persons=copies)


@bp.get("/api/v1/lost-persons/<int:person_id>")
@require()
def get_lost_person(person_id: int):
    user, person = _person(person_id)
    return jsonify(services.copy_for(person, user))


@bp.post("/api/v1/lost-persons/<int:person_id>/searched")
@require(*FIELD_ROLES)
def post_searched(person_id: int):
    """An officer (or the desk) marks a place searched: everyone sees it. 201."""
    user, person = _person(person_id)
    body = body_as(SearchedIn)
    with write_transaction():
        services.mark_searched(person, user, body)
        data = services.copy_for(person, user)
    return jsonify(data), 201


@bp.post("/api/v1/lost-persons/<int:person_id>/found")
@require(*FIELD_ROLES)
def post_found(person_id: int):
    """Found: where (the finder's position if not given) and by whom."""
    user, person = _person(person_id)
    body = body_as(FoundIn, required=False)
    with write_transaction():
        services.found(person, user, body)
        data = services.copy_for(person, user)
    return jsonify(data)


@bp.post("/api/v1/lost-persons/<int:person_id>/reunited")
@require(*FIELD_ROLES)
def post_reunited(person_id: int):
    """Back with whom, identity verified how (refused without it), where."""
    user, person = _person(person_id)
    body = body_as(ReunitedIn)
    with write_transaction():
        services.reunited(person, user, body)
        data = services.copy_for(person, user)
    return jsonify(data)


@bp.post("/api/v1/lost-persons/<int:person_id>/agency-called")
@require(Role.ADMIN, Role.COMMAND)
def post_agency_called(person_id: int):
    """The desk called the local agency (command only): logged once."""
    user, person = _person(person_id)
    body = body_as(AgencyCalledIn, required=False)
    with write_transaction():
        services.agency_called(person, user, body.note)
        data = services.copy_for(person, user)
    return jsonify(data)


@bp.post("/api/v1/lost-persons/<int:person_id>/cancel")
@require(Role.ADMIN, Role.COMMAND)
def post_cancel(person_id: int):
    """Command ends a search that should not run (reported in error...), with the reason."""
    user, person = _person(person_id)
    body = body_as(CancelIn)
    with write_transaction():
        services.cancel(person, user, body.reason)
        data = services.copy_for(person, user)
    return jsonify(data)


@bp.post("/api/v1/lost-persons/<int:person_id>/match")
@require(Role.ADMIN, Role.COMMAND)
def post_match(person_id: int):
    """Command: this report is the found-first record `found_id`; the report is found."""
    user, person = _person(person_id)
    body = body_as(MatchIn)
    found_record = services.visible_lost_person(body.found_id, user, g.get("token_event_id"))
    with write_transaction():
        services.match(person, found_record, user)
        data = services.copy_for(person, user)
    return jsonify(data)


@bp.post("/api/v1/lost-persons/<int:person_id>/photos")
@require(*FIELD_ROLES)
@openapi.upload("photo", "image/jpeg")
def post_photo(person_id: int):
    """The guardian's photo: a real image only, re-encoded without EXIF, off the hub."""
    user, person = _person(person_id)
    processed = uploaded_photo()
    with write_transaction():
        photo, created = services.add_photo(person, user, processed, current_app.instance_path)
        data = photo_to_dict(photo)
    return jsonify(data), 201 if created else 200


@bp.get("/api/v1/lost-person-photos/<int:photo_id>")
@require()
@openapi.returns("image/jpeg")
def get_photo(photo_id: int):
    """To anyone who may see the record: officers at the event search with it."""
    user = _caller()
    photo = services.visible_photo(photo_id, user, g.get("token_event_id"))
    path = services.photo_path(photo, current_app.instance_path)
    return photo_file(path)
