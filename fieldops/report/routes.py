"""The post-event report: the page, the PDF, the CSV zip and the GeoJSON, for organizers
(their copy: fieldops.report.figures) and command and admin (everything), signed in."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import current_user

from fieldops.auth.models import Role
from fieldops.events.access import visible_event
from fieldops.report import documents, exports, figures

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


@bp.get("/events/<int:event_id>/report.pdf")
def pdf(event_id: int):
    report = _report(event_id)
    return _download(documents.pdf(report), "application/pdf", exports.filename(report, "pdf"))


@bp.get("/events/<int:event_id>/report.zip")
def csv_zip(event_id: int):
    report = _report(event_id)
    return _download(exports.csv_zip(report), "application/zip", exports.filename(report, "zip"))


@bp.get("/events/<int:event_id>/report.geojson")
def geojson(event_id: int):
    report = _report(event_id)
    return _download(
        exports.geojson(report), "application/geo+json", exports.filename(report, "geojson")
    )
