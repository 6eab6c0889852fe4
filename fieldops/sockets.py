"""The /live namespace: who is connected, and joining an event's stream.

Every handler authenticates through `principal()`; every failure is an ack
`{"ok": false, "error": {...}}` (or, with no ack, an `error` event), never a silent drop.
"""

from __future__ import annotations

import functools
import logging

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from fieldops import realtime
from fieldops.auth import sessions
from fieldops.auth.models import Role, User
from fieldops.auth.services import find_device_token
from fieldops.errors import ApiError, Forbidden
from fieldops.events.access import visible_event
from fieldops.extensions import db, socketio
from fieldops.tracking import services as tracking

log = logging.getLogger(__name__)

# sid -> {"user_id", "role", "token_event" (a device token's only event, or None),
#         "token_id", "session_id", "expires_at" (the credentials it connected with, so that
#         fieldops.auth.ending can drop it when they end), "event_id" (set by a join)}
_connections: dict[str, dict] = {}


def connections() -> list[tuple[str, dict]]:
    """This process's live sockets and what they connected with."""
    return list(_connections.items())


def principal() -> tuple[User, int | None]:
    entry = _connections.get(request.sid)
    user = db.session.get(User, entry["user_id"]) if entry else None
    if user is None:
        raise ApiError("not authenticated", code="unauthorized", status=401)
    return user, entry["token_event"]


def joined_event() -> int:
    """The event this socket joined; 409 before `join`."""
    entry = _connections.get(request.sid)
    if entry is None:
        raise ApiError("not authenticated", code="unauthorized", status=401)
    if entry.get("event_id") is None:
        raise ApiError("join an event first", code="not_joined", field="event_id", status=409)
    return entry["event_id"]


def joined_officer() -> tuple[int, int]:
    """(officer id, event id) of an officer's socket after `join`, from what connect and join
    verified: the hot `position` path reads nothing from the database."""
    event_id = joined_event()
    entry = _connections[request.sid]
    if entry["role"] != Role.OFFICER:
        raise Forbidden("only officers do this")
    return entry["user_id"], event_id


def handler(event_name: str):
    """Register a /live handler whose errors come back as a clear error ack."""

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args):
            try:
                result = fn(*args)
                return {"ok": True, **(result or {})}
            except ApiError as exc:
                db.session.rollback()
                return {"ok": False, **exc.to_dict()}
            except Exception:
                log.exception("socket handler %s failed", event_name)
                db.session.rollback()
                return {
                    "ok": False,
                    "error": {"code": "server_error", "message": "server error", "field": None},
                }
            finally:
                db.session.remove()

        socketio.on_event(event_name, wrapper, namespace=realtime.NAMESPACE)
        return wrapper

    return decorator


@socketio.on("connect", namespace=realtime.NAMESPACE)
def on_connect(auth=None):
    """Any client: authenticates with the session cookie or auth={"token": device token}."""
    try:
        token = auth.get("token") if isinstance(auth, dict) else None
        if token:
            found = find_device_token(str(token))
            if found is None:
                raise ConnectionRefusedError("unknown or revoked device token")
            user, token_event = found.user, found.event_id
            credentials = {"token_id": found.id}
        elif current_user.is_authenticated:  # a live server-side session (auth.sessions)
            user, token_event = current_user, None
            live = sessions.current()
            credentials = {
                "session_id": live.id,
                "token_id": live.device_token_id,
                "expires_at": live.expires_at,
            }
        else:
            raise ConnectionRefusedError("authentication required")
        _connections[request.sid] = {
            "user_id": user.id,
            "role": Role(user.role),
            "token_event": token_event,
            **credentials,
        }
    finally:
        db.session.remove()


@socketio.on("disconnect", namespace=realtime.NAMESPACE)
def on_disconnect(*_args):
    _connections.pop(request.sid, None)


def _leave_previous_event(user: User) -> None:
    """A socket follows one event at a time: switching events leaves the old rooms."""
    entry = _connections[request.sid]
    previous = entry.pop("event_id", None)
    if previous is None:
        return
    if user.role == "officer":
        leave_room(realtime.event_room(previous))
    else:
        leave_room(realtime.command_room(previous))


@handler("join")
def on_join(payload):
    """Dashboard or phone: subscribe to an event; the ack carries the snapshot and its seq."""
    if (
        not isinstance(payload, dict)
        or isinstance(payload.get("event_id"), bool)
        or not isinstance(payload.get("event_id"), int)
    ):
        raise ApiError("event_id must be a number", code="invalid", field="event_id", status=422)
    user, token_event = principal()
    event = visible_event(user, payload["event_id"], token_event)
    stream = tracking.stream_for(event, user)
    _leave_previous_event(user)
    # Subscribe first, then read seq and state: anything published after this point reaches
    # the client, which drops envelopes with seq <= the snapshot's seq.
    join_room(stream)
    if user.role == "officer":
        join_room(realtime.event_room(event.id))
    seq = realtime.current_seq(stream)
    _connections[request.sid]["event_id"] = event.id
    return {"seq": seq, "stream": stream, "snapshot": tracking.snapshot(event, user)}
