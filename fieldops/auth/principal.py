"""Who is calling: a device token (Bearer) or a browser session, checked at every edge."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf

from fieldops.auth.models import Role, User
from fieldops.auth.services import find_device_token
from fieldops.errors import ApiError, Forbidden, Unauthorized

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def request_user() -> User | None:
    """The caller, from a Bearer device token or the session cookie; None if anonymous.

    g.token_event_id is set when a device token was used: the token is good for that event only.
    """
    if "principal" in g:
        return g.principal
    g.token_event_id = None
    user = None
    token = bearer_token()
    if token:
        found = find_device_token(token)
        if found is None:
            raise Unauthorized("unknown or revoked device token")
        user, g.token_event_id = found.user, found.event_id
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
        check_csrf()
    g.principal = user
    return user


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
            user = request_user()
            if user is None:
                raise Unauthorized()
            if user.role not in allowed:
                raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")
            return view(*args, **kwargs)

        wrapper.roles = allowed  # fieldops.openapi and the access table read it
        return wrapper

    return decorator


def csrf_token() -> str:
    return generate_csrf()
