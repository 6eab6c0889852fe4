"""Signing in and out, and the admin's staff logins (joining an event: fieldops.joining)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import logout_user
from sqlalchemy import select

from fieldops import openapi
from fieldops.api import body_as
from fieldops.audit import services as audit
from fieldops.auth import ending, services, sessions
from fieldops.auth.models import STAFF_ROLES, Role, User
from fieldops.auth.principal import bearer_token, check_csrf, csrf_token, request_user, require
from fieldops.auth.schemas import LoginIn, UserChangeIn, user_to_dict
from fieldops.db import write_transaction
from fieldops.errors import ApiError, Unauthorized
from fieldops.extensions import db
from fieldops.throttle import address_key, throttle

bp = Blueprint("auth", __name__)

HOME_FOR_ROLE = {
    Role.ADMIN: "/command",
    Role.COMMAND: "/command",
    Role.ORGANIZER: "/command",
    Role.OFFICER: "/officer",
}


def _sign_in(user: User) -> None:
    """A right password: a new server-side session (unless the account is disabled)."""
    services.refuse_disabled(user)
    with write_transaction():
        sid = sessions.start_session(user)
        audit.login_succeeded(user)
    sessions.sign_in(user, sid)


def _authenticate(username: str, password: str) -> User | None:
    """The user, or None for a wrong password; a 429 once this username or this address has
    failed too often (the same answer whether the user exists or not)."""
    gate, name, address = throttle(), username.strip().lower(), address_key()
    gate.refuse_if_spent("login-user", name)
    gate.refuse_if_spent("login-address", address)
    user = services.authenticate(username, password)
    if user is None:
        gate.failed("login-user", name)
        gate.failed("login-address", address)
        audit.login_failed(username, "invalid_credentials")
    elif user.disabled_at is not None:
        audit.login_failed(username, "account_disabled")
    return user


@bp.post("/api/v1/auth/login")
def api_login():
    """Staff (admin, command, organizer) sign in; sets the session cookie."""
    body = body_as(LoginIn)
    user = _authenticate(body.username, body.password)
    if user is None:
        raise ApiError("wrong username or password", code="invalid_credentials", status=401)
    session.pop("csrf_token", None)  # a new CSRF token for the signed-in session
    _sign_in(user)
    return jsonify(user=user_to_dict(user), csrf_token=csrf_token())


@bp.post("/api/v1/auth/logout")
@openapi.returns(status="204")
def api_logout():
    """Anyone (the command page's Sign out, the officer page's Leave): ends this cookie's
    session on the server, so no copy of the cookie works any more, and with a Bearer device
    token ends that token too; their live sockets are dropped."""
    token = bearer_token()
    if not token:  # a page of this site must not sign the dispatcher out
        check_csrf()
    with write_transaction():
        ended = sessions.end_cookie_session()
        ending.drop_on_commit(session_ids=ended)
        if token:
            services.revoke_token(token)
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


def _safe_next(target: str | None) -> str | None:
    r"""Only a path on this site: never an open redirect.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    `/\t/evil.example` or `/\evil.example` would become `//evil.example`, another site. So:
    a single leading slash, no control, format or white-space characters, no backslash, and
    neither a scheme nor a host once parsed.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(
        ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in target
    ):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


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
            try:
                user = _authenticate(
                    request.form.get("username", ""), request.form.get("password", "")
                )
            except ApiError as exc:  # throttled
                return (
                    render_template(
                        "login.html",
                        error=exc.message,
                        app_name=current_app.config.get("APP_NAME", "fieldops"),
                    ),
                    exc.status,
                    exc.headers,
                )
            if user is None:
                error = "Wrong username or password."
            elif user.disabled_at is not None:
                error = "This account is disabled. Ask an admin to enable it."
            else:
                _sign_in(user)
                return redirect(_safe_next(request.args.get("next")) or HOME_FOR_ROLE[user.role])
    status = 401 if error else 200
    return render_template(
        "login.html", error=error, app_name=current_app.config.get("APP_NAME", "fieldops")
    ), status


# --- staff logins (admin) -----------------------------------------------------------------


@bp.get("/api/v1/users")
@require(Role.ADMIN)
def list_users():
    """Admin: every staff login, with whether it is disabled."""
    users = db.session.scalars(select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.id))
    return jsonify(users=[user_to_dict(u) for u in users])


@bp.post("/api/v1/users/<int:user_id>/disable")
@require(Role.ADMIN)
def disable_user(user_id: int):
    """Admin: this staff login can no longer sign in; its sessions and sockets end now."""
    with write_transaction():
        user = services.disable_user(services.staff_user(user_id), by=request_user())
        data = user_to_dict(user)
    return jsonify(data)


@bp.post("/api/v1/users/<int:user_id>/enable")
@require(Role.ADMIN)
def enable_user(user_id: int):
    """Admin: a disabled staff login may sign in again."""
    with write_transaction():
        user = services.enable_user(services.staff_user(user_id))
        data = user_to_dict(user)
    return jsonify(data)


@bp.patch("/api/v1/users/<int:user_id>")
@require(Role.ADMIN)
def update_user(user_id: int):
    """Admin: rename a staff login or give it another staff role; both are audited.

    A new `role` ends the login's sessions and sockets: it signs in again as that role."""
    body = body_as(UserChangeIn)
    with write_transaction():
        user = services.update_user(
            services.staff_user(user_id), by=request_user(), role=body.role, display_name=body.name
        )
        data = user_to_dict(user)
    return jsonify(data)
