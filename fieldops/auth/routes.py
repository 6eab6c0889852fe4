"""Sign-in for staff, joining an event for officers."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import login_user, logout_user

from fieldops.api import json_object, text_field
from fieldops.auth import services
from fieldops.auth.models import Role
from fieldops.auth.principal import csrf_token, request_user
from fieldops.auth.qr import qr_svg
from fieldops.db import get_or_404, write_transaction
from fieldops.errors import ApiError, Unauthorized
from fieldops.events import services as event_services
from fieldops.events.models import Event
from fieldops.events.schemas import event_to_dict
from fieldops.extensions import db

bp = Blueprint("auth", __name__)

HOME_FOR_ROLE = {
    Role.ADMIN: "/command",
    Role.COMMAND: "/command",
    Role.ORGANIZER: "/command",
    Role.OFFICER: "/officer",
}


def user_to_dict(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role.value,
        "badge": user.badge,
    }


@bp.post("/api/v1/auth/login")
def api_login():
    """Staff (admin, command, organizer) sign in; sets the session cookie."""
    body = json_object()
    user = services.authenticate(text_field(body, "username"), text_field(body, "password"))
    if user is None:
        raise ApiError("wrong username or password", code="invalid_credentials", status=401)
    session.permanent = True
    login_user(user)
    return jsonify(user=user_to_dict(user), csrf_token=csrf_token())


@bp.post("/api/v1/auth/logout")
def api_logout():
    """Ends the browser session."""
    logout_user()
    session.clear()
    return "", 204


@bp.get("/api/v1/auth/me")
def api_me():
    """Who the session or token belongs to, and the CSRF token for writes."""
    user = request_user()
    if user is None:
        raise Unauthorized()
    return jsonify(user=user_to_dict(user), csrf_token=csrf_token())


def _join(event: Event):
    body = json_object()
    with write_transaction():
        enrollment = event_services.join_event(
            event,
            code=text_field(body, "code", max_length=32),
            name=text_field(body, "name", max_length=120),
            badge=text_field(body, "badge", max_length=40),
        )
        officer_id = enrollment.officer.id
    officer = db.session.get(type(enrollment.officer), officer_id)
    session.permanent = True
    login_user(officer)
    return jsonify(
        event=event_to_dict(event),
        officer=user_to_dict(officer),
        device_token=enrollment.token,
        device_token_qr=qr_svg(enrollment.token),
        csrf_token=csrf_token(),
    ), 201


@bp.post("/api/v1/events/<int:event_id>/join")
def api_join(event_id: int):
    """An officer's phone joins an event with its code, name and badge; 201 + device token."""
    return _join(get_or_404(Event, event_id, "event"))


@bp.post("/api/v1/join")
def api_join_by_code():
    """The same, when the phone knows only the code (the usual case)."""
    body = json_object()
    event = event_services.event_by_code(text_field(body, "code", max_length=32))
    if event is None:
        raise ApiError(
            "no event has that enrollment code", code="invalid_code", field="code", status=404
        )
    return _join(event)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    """The staff sign-in page (a plain form, CSRF-protected)."""
    error = None
    if request.method == "POST":
        from flask_wtf.csrf import validate_csrf
        from wtforms import ValidationError

        try:
            validate_csrf(request.form.get("csrf_token", ""))
        except ValidationError:
            error = "The form expired. Please try again."
        else:
            user = services.authenticate(
                request.form.get("username", ""), request.form.get("password", "")
            )
            if user is None:
                error = "Wrong username or password."
            else:
                session.permanent = True
                login_user(user)
                return redirect(_safe_next(request.args.get("next")) or HOME_FOR_ROLE[user.role])
    status = 401 if error else 200
    return render_template(
        "login.html", error=error, app_name=current_app.config.get("APP_NAME", "fieldops")
    ), status
