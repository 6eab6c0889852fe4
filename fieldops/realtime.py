"""The one place that talks to Socket.IO rooms.

Owns room names, the envelope ``{"type", "seq", "data"}``, the per-stream sequence numbers and
publishing only after the database commit. Nothing else calls ``socketio.emit`` (nor
disconnects a socket: ``disconnect`` is here too).

Streams and their rooms:
- ``event:<id>:command``: everything the command post sees of one event (seq per event);
- ``officer:<id>``: what is addressed to one officer (seq per officer).
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict

from fieldops.db import after_commit
from fieldops.extensions import socketio

NAMESPACE = "/live"


def command_room(event_id: int) -> str:
    return f"event:{event_id}:command"


def event_room(event_id: int) -> str:
    return f"event:{event_id}"


def officer_room(officer_id: int) -> str:
    return f"officer:{officer_id}"


class MemorySeq:
    """Sequence numbers for one process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counters: dict[str, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._current: dict[str, int] = defaultdict(int)

    def next(self, stream: str) -> int:
        with self._lock:
            value = next(self._counters[stream])
            self._current[stream] = value
            return value

    def current(self, stream: str) -> int:
        with self._lock:
            return self._current[stream]


class RedisSeq:
    """Sequence numbers shared by every process on the same message queue."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url)

    def next(self, stream: str) -> int:
        return int(self._redis.incr(f"fieldops:seq:{stream}"))

    def current(self, stream: str) -> int:
        return int(self._redis.get(f"fieldops:seq:{stream}") or 0)


_seq: MemorySeq | RedisSeq = MemorySeq()


def init_app(app) -> None:
    global _seq
    queue = app.config.get("MESSAGE_QUEUE")
    _seq = RedisSeq(queue) if queue and queue.startswith("redis") else MemorySeq()


def current_seq(room: str) -> int:
    return _seq.current(room)


def publish_now(room: str, type_: str, data: dict) -> dict:
    """Emit one envelope to a room. Call only when nothing can still roll back."""
    envelope = {"type": type_, "seq": _seq.next(room), "data": data}
    socketio.emit(type_, envelope, to=room, namespace=NAMESPACE)
    return envelope


def publish_on_commit(room: str, type_: str, data: dict) -> None:
    """Emit once the current write transaction commits; dropped if it rolls back."""
    after_commit(lambda: publish_now(room, type_, data))


def disconnect(sid: str) -> None:
    """Close one socket of this process (its credentials ended: fieldops.auth.ending)."""
    socketio.server.disconnect(sid, namespace=NAMESPACE)
