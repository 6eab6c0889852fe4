"""The /live namespace: who is connected, and joining an event's stream.

Every handler authenticates through `principal()`; every failure is an ack
`{"ok": false, "error": {...}}` (or, with no ack, an `error` event), never a silent drop.
"""

from __future__ import annotations

import functools
import logging
from typing import Annotated

from flask import g, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from pydantic import Field, Strict
from socketio.packet import ACK

from fieldops import realtime, snapshots
from fieldops.auth import device_callers, sessions
from fieldops.auth.models import Role, User
from fieldops.errors import ApiError, Forbidden
from fieldops.events.access import visible_event
from fieldops.extensions import db, socketio
from fieldops.payloads import Id, Payload, Text, parse
from fieldops.socket_json import TOO_DEEP
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
    entry = _connections.get(socket_id())
    user = db.session.get(User, entry["user_id"]) if entry else None
    if user is None:
        raise ApiError("not authenticated", code="unauthorized", status=401)
    return user, entry["token_event"]


def joined_event() -> int:
    """The event this socket joined; 409 before `join`."""
    entry = _connections.get(socket_id())
    if entry is None:
        raise ApiError("not authenticated", code="unauthorized", status=401)
    if entry.get("event_id") is None:
        raise ApiError("join an event first", code="not_joined", field="event_id", status=409)
    return entry["event_id"]


def joined_officer() -> tuple[int, int]:
    """(officer id, event id) of an officer's socket after `join`, from what connect and join
    verified: the hot `position` path reads nothing from the database."""
    event_id = joined_event()
    entry = _connections[socket_id()]
    if entry["role"] != Role.OFFICER:
        raise Forbidden("only officers do this")
    return entry["user_id"], event_id


TOO_DEEP_ERROR = ApiError("the payload nests too deep", code="invalid_json")


def _answer(event_name: str, fn, args: tuple) -> dict:
    """The handler's ack: its result, or the error it raised as the one error shape."""
    # One payload: none is an empty one (refused by its model), extra ones are ignored.
    payload = args[0] if args else None
    if payload is TOO_DEEP:
        return {"ok": False, **TOO_DEEP_ERROR.to_dict()}
    try:
        result = fn(payload)
        return result if isinstance(result, Later) else {"ok": True, **(result or {})}
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


def handler(event_name: str):
    """Register a /live handler whose errors come back as a clear error ack. It runs in a
    Flask request context made from the socket's handshake (its address, its headers)."""

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args):
            return _answer(event_name, fn, args)

        socketio.on_event(event_name, wrapper, namespace=realtime.NAMESPACE)
        return wrapper

    return decorator


_hot_handlers: dict[str, object] = {}


class Later:
    """What a hot handler returns when its ack goes out later (a fix's, once the store tick
    has committed it), so that the socket's next event (a help alarm) is not held behind it:
    each socket's events are handled one after another. Answer once, from any greenlet."""

    __slots__ = ("_ack",)

    def __init__(self, ack):
        self._ack = ack

    def send(self, result: dict) -> None:
        self._ack({"ok": True, **result})

    def refuse(self, error: ApiError) -> None:
        self._ack({"ok": False, **error.to_dict()})


def later() -> Later:
    """In a hot handler: the ack it will send itself."""
    return Later(g.ack)


def hot_handler(event_name: str):
    """`handler` for the events every phone sends: a fix every few seconds, a join after each
    reconnect (2,000 at once after a restart). In an app context only: Flask-SocketIO would
    build a request context for each event, opening the cookie session and matching the URL
    again, a quarter of the server's CPU per fix (bench/live.py --profile). The handler gets
    the socket from `socket_id()`, never from `request`, and may return `later()` to answer
    once it can."""

    def decorator(fn):
        _hot_handlers[event_name] = fn
        return fn

    return decorator


def install_hot_handlers(app) -> None:
    """After socketio.init_app: the hot handlers, in python-socketio's own event dispatch.
    python-socketio sends a handler's result as its ack when it returns; a hot handler can
    answer later, so its events are taken before the ack is made (the one place that knows
    python-socketio's internals, pinned in constraints.txt)."""
    server = socketio.server
    dispatch = server._handle_event_internal

    def handle_event(srv, sid, eio_sid, data, namespace, ack_id):
        fn = _hot_handlers.get(data[0]) if namespace == realtime.NAMESPACE else None
        if fn is None:
            return dispatch(srv, sid, eio_sid, data, namespace, ack_id)

        def ack(result: dict) -> None:
            if ack_id is not None:
                packet = srv.packet_class(ACK, namespace=namespace, id=ack_id, data=[result])
                srv._send_packet(eio_sid, packet)

        with app.app_context():
            g.socket_id, g.ack = sid, ack
            result = _answer(data[0], fn, tuple(data[1:]))
        if not isinstance(result, Later):
            ack(result)

    server._handle_event_internal = handle_event
    for event_name in _hot_handlers:  # listed with the others; handle_event runs them
        server.on(event_name, _taken_by_handle_event, namespace=realtime.NAMESPACE)


def _taken_by_handle_event(*_args):
    raise RuntimeError("a hot handler is run by install_hot_handlers' handle_event")


def socket_id() -> str:
    """The socket this handler answers (a hot handler has no request)."""
    return g.get("socket_id") or request.sid


@socketio.on("connect", namespace=realtime.NAMESPACE)
def on_connect(auth=None):
    """Any client: authenticates with the session cookie or auth={"token": device token}."""
    try:
        token = auth.get("token") if isinstance(auth, dict) else None
        if token:
            caller = device_callers.lookup(str(token))
            if caller is None:
                raise ConnectionRefusedError("unknown or revoked device token")
            user_id, role, token_event = caller.user_id, caller.role, caller.event_id
            credentials = {"token_id": caller.token_id}
        elif current_user.is_authenticated:  # a live server-side session (auth.sessions)
            user_id, role, token_event = current_user.id, Role(current_user.role), None
            live = sessions.current()
            credentials = {
                "session_id": live.id,
                "token_id": live.device_token_id,
                "expires_at": live.expires_at,
            }
        else:
            raise ConnectionRefusedError("authentication required")
        _connections[request.sid] = {
            "user_id": user_id,
            "role": role,
            "token_event": token_event,
            **credentials,
        }
    finally:
        db.session.remove()


@socketio.on("disconnect", namespace=realtime.NAMESPACE)
def on_disconnect(*_args):
    _connections.pop(request.sid, None)


def _leave_previous_stream(sid: str, stream: str) -> None:
    """A socket follows one stream at a time: switching events leaves the old event's stream
    (an officer's stream is theirs at every event: it stays)."""
    previous = _connections[sid].pop("stream", None)
    if previous is not None and previous != stream:
        leave_room(previous, sid=sid, namespace=realtime.NAMESPACE)


def _end_reads_keeping(*kept) -> None:
    """Commit, expiring everything but these (each one reloaded is one query more per join).
    Of the viewer only their id and role are read again, and those are what connect verified."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    for instance in list(session.identity_map.values()):
        if not any(instance is row for row in kept):
            session.expire(instance)


class JoinIn(Payload):
    """`join`: the event to follow; `since` and `epoch` from the last join's ack and the last
    envelope applied, to be sent only what was missed."""

    event_id: Id
    since: Annotated[int, Strict(), Field(ge=0)] | None = None
    epoch: Text(64) | None = None


@hot_handler("join")
def on_join(payload):
    """Dashboard or phone: subscribe to an event's stream. The ack carries the stream's seq and
    either `replay` (the envelopes after `since`, when the log still holds them all) or a
    `snapshot` of everything the screen shows (fieldops.snapshots). Every phone joins again
    after every reconnect, 2,000 at once after a restart: a hot handler."""
    join = parse(JoinIn, payload)
    sid = socket_id()
    user, token_event = principal()
    event = visible_event(user, join.event_id, token_event)
    stream = tracking.stream_for(event, user)
    _leave_previous_stream(sid, stream)
    # Subscribe first, then read seq, then state: whatever is published after the seq is read
    # reaches this socket, and the client applies only envelopes with a greater seq (each
    # carries its resource whole, so one also found in the snapshot changes nothing).
    join_room(stream, sid=sid, namespace=realtime.NAMESPACE)
    seq = realtime.current_seq(stream)
    # The reads above (who, which event) began a read transaction, which on SQLite pins what
    # this one sees to before the seq was read: end it, so the snapshot is read after the seq
    # (it reads the event again if its set-up changed since: snapshots.build).
    _end_reads_keeping(user, event)
    _connections[sid].update(event_id=event.id, stream=stream)
    epoch = realtime.epoch()
    answer = {"seq": seq, "stream": stream, "epoch": epoch}
    missed = None
    if join.since is not None and join.epoch == epoch:
        missed = realtime.missed_since(stream, join.since, seq)
    if missed is not None:
        answer["replay"] = missed
    else:
        answer["snapshot"] = snapshots.build(event, user)
    if realtime.checks_contracts():
        realtime.check_contract(stream, {"ok": True, **answer}, join_ack=True)
    return answer
