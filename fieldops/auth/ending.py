"""Ended credentials leave the live map at once: the sockets of a session, token or user.

A service that ends credentials (sign-out, a revoked device token, a disabled user, a phone
replaced on approval) calls `drop_on_commit(...)`: once its transaction commits, this process
disconnects the sockets that connected with them (and forgets their device tokens:
fieldops.auth.device_callers). Several server processes behind Redis, and
commands run from the CLI, are caught by the sweep: every SWEEP_PERIOD_S each serving process
looks for sessions and device tokens revoked and users disabled since its last round, and for
sessions past their end, and disconnects its own sockets that used them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldops import realtime
from fieldops.auth import device_callers
from fieldops.auth.models import DeviceToken, User, UserSession
from fieldops.db import after_commit, utcnow
from fieldops.extensions import db, socketio

log = logging.getLogger(__name__)
SWEEP_PERIOD_S = 2.0
# How far back each round looks before the previous one began: a revocation is stamped inside
# its transaction, a moment before it commits, and other machines' clocks differ a little.
OVERLAP = timedelta(seconds=10)


def drop_now(
    *,
    session_ids: Iterable[int] = (),
    token_ids: Iterable[int] = (),
    user_ids: Iterable[int] = (),
    expired_at: datetime | None = None,
) -> int:
    """Disconnect this process's sockets that used any of these; returns how many."""
    from fieldops.sockets import connections  # the registry of live sockets (imports us)

    sessions, tokens, users = set(session_ids), set(token_ids), set(user_ids)
    device_callers.forget(token_ids=tokens, user_ids=users)
    dropped = 0
    for sid, entry in connections():
        ends = entry.get("expires_at")
        if (
            entry.get("session_id") in sessions
            or entry.get("token_id") in tokens
            or entry["user_id"] in users
            or (expired_at is not None and ends is not None and ends <= expired_at)
        ):
            realtime.disconnect(sid)
            dropped += 1
    return dropped


def drop_on_commit(
    *,
    session_ids: Iterable[int] = (),
    token_ids: Iterable[int] = (),
    user_ids: Iterable[int] = (),
) -> None:
    """Once the current write transaction commits, drop the sockets that used these."""
    sessions, tokens, users = list(session_ids), list(token_ids), list(user_ids)
    if sessions or tokens or users:
        after_commit(lambda: drop_now(session_ids=sessions, token_ids=tokens, user_ids=users))


def sweep(since: datetime) -> int:
    """One round: drop sockets whose credentials ended since `since`, or whose session expired."""
    now = utcnow()
    sessions = db.session.scalars(select(UserSession.id).where(UserSession.revoked_at >= since))
    tokens = db.session.scalars(select(DeviceToken.id).where(DeviceToken.revoked_at >= since))
    users = db.session.scalars(select(User.id).where(User.disabled_at >= since))
    ended = {"session_ids": list(sessions), "token_ids": list(tokens), "user_ids": list(users)}
    db.session.rollback()  # end the read before touching sockets
    return drop_now(**ended, expired_at=now)


def run_forever(app) -> None:
    """The serving process's background task (fieldops.app.start_background)."""
    since = utcnow() - OVERLAP
    while True:
        socketio.sleep(SWEEP_PERIOD_S)
        started = utcnow()
        with app.app_context():
            try:
                dropped = sweep(since)
                since = started - OVERLAP
                if dropped:
                    log.info("dropped %d socket(s) whose credentials ended", dropped)
            except Exception:
                log.exception("credential sweep failed")
            finally:
                db.session.remove()
