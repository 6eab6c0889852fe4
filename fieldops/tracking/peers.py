"""Several processes, one live picture (issue 13): what each process learns, the others learn.

Every serving process keeps the live picture in memory (fieldops.tracking.live) and judges
stale and off-post from it. Behind a load balancer an officer's fixes reach one process and a
dashboard may hang on another: without this, the other process would see no fix and call the
officer stale while they are sending. So, with a Redis message queue, each process tells the
others on one channel (per database) what it stored and what it reloaded:

- `fixes`: each officer's newest stored fix (after the commit); the others move their own
  marker (the `positions` push itself travels through Flask-SocketIO's queue);
- `reload`: an officer's roster row changed (join, check-in, status); the others re-read it.

One process at a time leads (a Redis lease renewed every push tick): only the leader publishes
flag changes and runs the incident and lost-person watches, so an alarm is raised once however
many processes serve. Every process still evaluates the flags, so a snapshot from any of them
agrees. A subscriber that lost its connection may have missed fixes: it forgets the picture,
which reloads from the database at its next use. With no message queue (one process) nothing
here does anything, and this process leads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import datetime

from flask import Flask

from fieldops.extensions import db, socketio
from fieldops.tracking import live

log = logging.getLogger(__name__)

LEASE_S = 3.0  # a leader that stops renewing is replaced within this
RETRY_S = 1.0

_me = secrets.token_hex(6)
_state: dict = {"redis": None, "channel": None, "lead_key": None, "leads": True}


def init_app(app: Flask) -> None:
    queue = app.config.get("MESSAGE_QUEUE") or ""
    if not queue.startswith("redis"):
        _state.update(redis=None, leads=True)
        return
    import redis

    # Processes serving one database share a picture; others on the same Redis (another
    # deployment, the tests' pairs of servers) must not hear them.
    scope = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
    _state.update(
        redis=redis.Redis.from_url(queue, socket_timeout=2, socket_connect_timeout=2),
        url=queue,
        channel=f"fieldops:live:{scope}",
        lead_key=f"fieldops:lead:{scope}",
        leads=False,
    )


def shared() -> bool:
    return _state["redis"] is not None


def leads() -> bool:
    """This process publishes flag changes and runs the watches (always, when alone)."""
    return _state["leads"]


def renew_lead() -> bool:
    """Take the lease if it is free, keep it if it is ours (every push tick)."""
    r = _state["redis"]
    if r is None:
        return True
    ms = int(LEASE_S * 1000)
    try:
        mine = bool(r.set(_state["lead_key"], _me, nx=True, px=ms))
        if not mine and r.get(_state["lead_key"]) == _me.encode():
            mine = bool(r.pexpire(_state["lead_key"], ms))
    except Exception:
        log.exception("could not renew the lead")
        mine = False  # unsure: let another process lead rather than two
    _state["leads"] = mine
    return mine


def _send(message: dict) -> None:
    r = _state["redis"]
    if r is None:
        return
    try:
        r.publish(_state["channel"], json.dumps(dict(message, by=_me), separators=(",", ":")))
    except Exception:  # the write is committed; the others reload if they lost the picture
        log.exception("could not tell the other processes")


def stored(moved: dict[int, dict[int, dict]]) -> None:
    """After a commit: the newest fix of each officer that moved (live.fix_to_dict form)."""
    if shared() and moved:
        fixes = [dict(f, event_id=e) for e, each in moved.items() for f in each.values()]
        _send({"fixes": fixes})


def reloaded(event_id: int, officer_id: int) -> None:
    """After a commit: this officer's roster row changed."""
    if shared():
        _send({"reload": [event_id, officer_id]})


def apply(message: dict) -> None:
    """What another process told us (in an app context)."""
    if message.get("by") == _me:
        return
    for fix in message.get("fixes", ()):
        if not live.is_loaded(fix["event_id"]):
            continue  # not an event this process serves: loaded from the database if it ever is
        state = live.officer(fix["event_id"], fix["officer_id"])
        recorded_at = datetime.fromisoformat(fix["recorded_at"])
        if state is not None and live.is_newer(state, recorded_at):
            received_at = datetime.fromisoformat(fix["received_at"])
            values = {key: fix[key] for key in live.FIX_FIELDS}
            live.apply_fix(state, dict(values, recorded_at=recorded_at, received_at=received_at))
    if "reload" in message:
        event_id, officer_id = message["reload"]
        if live.is_loaded(event_id):
            live.reload_officer(event_id, officer_id)


def run_forever(app: Flask) -> None:
    """The subscriber: started with the other background tasks when a queue is shared."""
    import redis

    while True:
        try:
            listener = redis.Redis.from_url(_state["url"], socket_connect_timeout=2).pubsub()
            listener.subscribe(_state["channel"])
            live.reset()  # whatever was missed while not listening is read again
            while True:
                message = listener.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                with app.app_context():
                    try:
                        apply(json.loads(message["data"]))
                    except Exception:
                        log.exception("could not apply another process's message")
                    finally:
                        db.session.remove()
        except Exception:
            log.exception("lost the other processes' channel; listening again")
            socketio.sleep(RETRY_S)
