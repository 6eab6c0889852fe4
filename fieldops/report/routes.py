"""The post-event report: the page, the PDF, the CSV zip and the GeoJSON, for organizers
(their copy: fieldops.report.figures) and command and admin (everything), signed in."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from pydantic import TypeAdapter, ValidationError

from fieldops import openapi
from fieldops.api import caller_and_event
from fieldops.auth.models import Role
from fieldops.auth.principal import require
from fieldops.errors import ApiError
from fieldops.events.access import visible_event
from fieldops.formats import iso
from fieldops.payloads import Planned
from fieldops.report import documents, exports, figures, replay

bp = Blueprint("report", __name__)

READERS = (Role.ADMIN, Role.COMMAND, Role.ORGANIZER)


def _report(event_id: int) -> figures.Report:
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in READERS:
        abort(403)
    event = visible_event(current_user, event_id)
    return figures.build(event, private=current_user.role != Role.ORGANIZER)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/events/<int:event_id>/report")
def page(event_id: int):
    return documents.html(_report(event_id))


@bp.get("/events/<int:event_id>/report/ics214")
def activity_logs(event_id: int):
    """Every officer's ICS 214 activity log, one form per printed page."""
    return render_template("report_ics214.html", r=_report(event_id))


@bp.get("/events/<int:event_id>/report.pdf")
@openapi.returns("application/pdf")
def pdf(event_id: int):
    report = _report(event_id)
    return _download(documents.pdf(report), "application/pdf", exports.filename(report, "pdf"))


@bp.get("/events/<int:event_id>/report.zip")
@openapi.returns("application/zip")
def csv_zip(event_id: int):
    report = _report(event_id)
    return _download(exports.csv_zip(report), "application/zip", exports.filename(report, "zip"))


@bp.get("/events/<int:event_id>/report.geojson")
@openapi.returns("application/geo+json")
def geojson(event_id: int):
    report = _report(event_id)
    return _download(
        exports.geojson(report), "application/geo+json", exports.filename(report, "geojson")
    )


# --- replay (the command page's "Replay": state at a moment, from what was stored) ----------

_TIME = TypeAdapter(Planned)  # this millennium, in UTC


def _time_arg(name: str, *, required: bool = True):
    value = request.args.get(name)
    if value is None or value == "":
        if not required:
            return None
        raise ApiError(f"give {name} as an ISO 8601 time with its offset", field=name, status=422)
    try:
        return _TIME.validate_python(value)
    except ValidationError:
        raise ApiError(
            f"{name} must be an ISO 8601 time with its offset, e.g. 2026-11-01T14:05:00Z",
            field=name,
            status=422,
        ) from None


@bp.get("/api/v1/events/<int:event_id>/replay")
@require(*READERS)
@openapi.query(at="the moment, ISO 8601 with its offset")
def replay_state(event_id: int):
    """Every officer (latest fix by `at`, on shift then or not), incident (status then), found
    item (holder then) and lost person (still open then) at the moment `at`."""
    user, event = caller_and_event(event_id)
    at = _time_arg("at")
    return jsonify(replay.state_at(event.id, at, private=user.role != Role.ORGANIZER))


@bp.get("/api/v1/events/<int:event_id>/replay/track")
@require(*READERS)
@openapi.query(
    officer_id=("the officer", {"type": "integer"}),
    **{"from": "ISO 8601 time", "to": "ISO 8601 time"},
)
def replay_track(event_id: int):
    """One officer's fixes between `from` and `to` (default: the event ± 1 h), thinned."""
    _user, event = caller_and_event(event_id)
    officer_id = request.args.get("officer_id", type=int)
    if officer_id is None:
        raise ApiError("give officer_id", field="officer_id", status=422)
    start = _time_arg("from", required=False)
    start, end = replay.window(event, start, _time_arg("to", required=False))
    return jsonify(officer_id=officer_id, points=replay.track(event.id, officer_id, start, end))


@bp.get("/replay")
def replay_page():
    """The command page's Replay: any moment of an event, drawn from what was stored."""
    from fieldops.events.models import Event
    from fieldops.events.schemas import course_to_dict, event_to_dict
    from fieldops.extensions import db
    from fieldops.web.routes import STAFF, map_config

    if not current_user.is_authenticated or current_user.role not in STAFF:
        return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))
    event_id = request.args.get("event", type=int)
    event = db.session.get(Event, event_id) if event_id is not None else None
    if event is None:
        return redirect("/command")
    visible_event(current_user, event.id)
    start, end = replay.window(event, None, None)
    config = {
        "event": event_to_dict(event),
        "window": {"from": iso(start), "to": iso(end)},
        "course": course_to_dict(event.course, event.distance_unit),
        "posts": [
            {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "radius_m": p.radius_m}
            for p in event.posts
        ],
        "map": map_config(),
    }
    return render_template("replay.html", config=config, event=event, user=current_user)
