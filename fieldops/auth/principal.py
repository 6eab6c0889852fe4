"""Who is calling: a device token (Bearer) or a browser session, checked at every edge."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf

from fieldops.auth import device_callers
from fieldops.auth.device_callers import Caller
from fieldops.auth.models import Role, User
from fieldops.errors import ApiError, Forbidden, Unauthorized
from fieldops.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token() -> str | None:
    return bearer_of(request.headers.get("Authorization", ""))


def bearer_of(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None for any other."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def request_caller() -> Caller | None:
    """Who is calling and with which role, for the check at the edge; None if anonymous.
    A device token is looked up once a minute at most (fieldops.auth.device_callers): a
    position sent over HTTP reads nothing else.

    g.token_event_id is set when a device token was used: the token is good for that event only.
    """
    if "caller" in g:
        return g.caller
    g.token_event_id = None
    caller = None
    token = bearer_token()
    if token:
        caller = device_callers.lookup(token)
        if caller is None:
            raise Unauthorized("unknown or revoked device token")
        g.token_event_id = caller.event_id
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
        check_csrf()
        g.principal = user
        caller = Caller(user_id=user.id, role=Role(user.role))
    g.caller = caller
    return caller


def request_user() -> User | None:
    """The caller's user row (request_caller() says who; this reads them)."""
    if "principal" in g:
        return g.principal
    caller = request_caller()
    if "principal" not in g:
        g.principal = db.session.get(User, caller.user_id) if caller else None
    return g.principal


def check_csrf() -> None:
    """Cookie sessions must echo the CSRF token on writes (X-CSRF-Token header)."""
    if request.method in SAFE_METHODS:
        return
    try:
        validate_csrf(request.headers.get("X-CSRF-Token", ""))
    except CSRFError as exc:
        raise ApiError(f"CSRF check failed: {exc.description}", code="csrf", status=403) from exc
    except Exception as exc:  # flask_wtf raises ValidationError subclasses too
        raise ApiError(f"CSRF check failed: {exc}", code="csrf", status=403) from exc


def require(*roles: Role):
    """Route decorator: the caller must be signed in with one of these roles. With none named:
    any role but an area lead's, whose phone reaches only what names Role.AREA_LEAD."""
    allowed = roles or tuple(r for r in Role if r != Role.AREA_LEAD)

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            caller = request_caller()
            if caller is None:
                raise Unauthorized()
            if caller.role not in allowed:
                raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")
            return view(*args, **kwargs)

        wrapper.roles = allowed  # fieldops.openapi and the access table read it
        return wrapper

    return decorator


def csrf_token() -> str:
    return generate_csrf()
