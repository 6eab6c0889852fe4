"""Who holds a device token, remembered: a phone sends a fix every few seconds, and looking
its token up each time (a query, and the user row behind it) was most of the server's CPU for
a fix sent over HTTP (bench/live.py --compare http --profile). A socket connecting with a
device token is checked here too.

An entry is forgotten when its token or user ends (fieldops.auth.ending: at once in the
process that ended it, within its sweep in the others, as their sockets are dropped) and
after TTL_S in any case, so nothing is trusted longer than an open socket would be.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from fieldops.auth.models import DeviceToken, Role, User, hash_token
from fieldops.extensions import db

TTL_S = 60.0
MAX_ENTRIES = 100_000  # beyond this (a flood of distinct tokens), start again


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in caller as the edge checks it: who, which role, and (a device token)
    the only event the token is good for."""

    user_id: int
    role: Role
    event_id: int | None = None
    token_id: int | None = None


_known: dict[str, tuple[Caller, float]] = {}  # token hash -> (caller, good until)
# Built once: after a restart 2,000 phones ask it at once, as they connect their sockets.
_LIVE_TOKEN = (
    select(DeviceToken.id, DeviceToken.user_id, DeviceToken.event_id, User.role)
    .join(User, User.id == DeviceToken.user_id)
    .where(DeviceToken.token_hash == bindparam("token_hash"), DeviceToken.revoked_at.is_(None))
)


def lookup(token: str) -> Caller | None:
    """The caller of a live (not revoked) device token; None for an unknown or revoked one."""
    key = hash_token(token)
    now = time.monotonic()
    hit = _known.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    # On the session's connection: nothing to flush, and no ORM machinery for plain columns.
    row = db.session.connection().execute(_LIVE_TOKEN, {"token_hash": key}).first()
    if row is None:
        _known.pop(key, None)
        return None
    if len(_known) >= MAX_ENTRIES:
        _known.clear()
    caller = Caller(row.user_id, Role(row.role), event_id=row.event_id, token_id=row.id)
    _known[key] = (caller, now + TTL_S)
    return caller


def forget(*, token_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
    tokens, users = set(token_ids), set(user_ids)
    if not tokens and not users:
        return
    for key, (caller, _until) in list(_known.items()):
        if caller.token_id in tokens or caller.user_id in users:
            _known.pop(key, None)


def reset() -> None:
    _known.clear()
