"""The one place that talks to Socket.IO rooms.

Owns room names, the envelope ``{"type", "seq", "data"}``, the per-stream sequence numbers and
publishing only after the database commit. Nothing else calls ``socketio.emit`` (nor
disconnects a socket: ``disconnect`` is here too).

Streams and their rooms:
- ``event:<id>:command``: everything the command post (command, admin) sees of one event;
- ``event:<id>:organizer``: the same for organizers, with what only command may see left out
  (contact details, identity checks, full names of lost persons);
- ``officer:<id>``: what is addressed to one officer (seq per officer).

Each stream keeps a bounded log of its recent envelopes, so that a client that rejoins with
``since`` (the last seq it applied) is sent what it missed instead of a whole new snapshot.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections import defaultdict, deque

from fieldops.db import after_commit
from fieldops.extensions import socketio

log = logging.getLogger(__name__)

NAMESPACE = "/live"
# How much of each stream's recent history is kept for a reconnecting client to catch up on
# (in fixes: a positions envelope weighs one per officer in it, any other envelope one).
DEFAULT_LOG_WEIGHT = 20_000


def command_room(event_id: int) -> str:
    return f"event:{event_id}:command"


def organizer_room(event_id: int) -> str:
    return f"event:{event_id}:organizer"


def lead_room(event_id: int) -> str:
    """Every area lead's phone at the event: the drills and the set-up, nothing of officers."""
    return f"event:{event_id}:leads"


def officer_room(officer_id: int) -> str:
    return f"officer:{officer_id}"


class MemoryStreams:
    """Sequence numbers and the bounded log of recent envelopes, for one process."""

    def __init__(self, log_weight: int):
        self._lock = threading.Lock()
        self._seq: dict[str, int] = defaultdict(int)
        self._log: dict[str, deque[tuple[dict, int]]] = defaultdict(deque)
        self._weight: dict[str, int] = defaultdict(int)
        self._limit = log_weight
        self.epoch = secrets.token_hex(8)  # a restarted process starts a new history

    def append(self, stream: str, type_: str, data: dict) -> dict:
        with self._lock:
            self._seq[stream] += 1
            envelope = {"type": type_, "seq": self._seq[stream], "data": data}
            log, weight = self._log[stream], _weight(envelope)
            log.append((envelope, weight))
            self._weight[stream] += weight
            while self._weight[stream] > self._limit and len(log) > 1:
                self._weight[stream] -= log.popleft()[1]
            return envelope

    def current(self, stream: str) -> int:
        with self._lock:
            return self._seq[stream]

    def since(self, stream: str, seq: int, upto: int) -> list[dict] | None:
        with self._lock:
            logged = [e for e, _w in self._log[stream] if seq < e["seq"] <= upto]
        return logged if _complete(logged, seq, upto) else None


class RedisStreams:
    """The same, shared by every process on one Redis message queue."""

    def __init__(self, url: str, log_weight: int):
        import redis

        # Short timeouts: a publish after a commit must not hang its request on a lost Redis.
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._limit = log_weight

    @property
    def epoch(self) -> str:
        """Read at every join: a Redis that lost its data starts a new history (and its seqs
        start again), so a `since` from before means nothing."""
        self._redis.set("fieldops:epoch", secrets.token_hex(8), nx=True)
        return self._redis.get("fieldops:epoch").decode()

    def append(self, stream: str, type_: str, data: dict) -> dict:
        envelope = {
            "type": type_,
            "seq": int(self._redis.incr(f"fieldops:seq:{stream}")),
            "data": data,
        }
        key = f"fieldops:log:{stream}"
        # Kept by count in Redis (an envelope's weight is at most the whole budget).
        pipe = self._redis.pipeline(transaction=False)
        pipe.zadd(key, {json.dumps(envelope, separators=(",", ":")): envelope["seq"]})
        pipe.zremrangebyrank(key, 0, -(max(1, self._limit // _weight(envelope)) + 1))
        pipe.execute()
        return envelope

    def current(self, stream: str) -> int:
        return int(self._redis.get(f"fieldops:seq:{stream}") or 0)

    def since(self, stream: str, seq: int, upto: int) -> list[dict] | None:
        raw = self._redis.zrangebyscore(f"fieldops:log:{stream}", f"({seq}", upto)
        logged = [json.loads(item) for item in raw]
        return logged if _complete(logged, seq, upto) else None


def _weight(envelope: dict) -> int:
    """A positions envelope weighs one per fix in it, anything else one."""
    return max(1, len(envelope["data"].get("fixes", ())))


def _complete(logged: list[dict], seq: int, upto: int) -> bool:
    return [e["seq"] for e in logged] == list(range(seq + 1, upto + 1))


_streams: MemoryStreams | RedisStreams = MemoryStreams(DEFAULT_LOG_WEIGHT)


# With CHECK_ENVELOPES (the test suite), every envelope and join ack is checked against its
# contract (fieldops.envelopes); what breaks one is logged and kept here for the tests to see.
contract_breaches: list[str] = []
_check_contracts = False


def init_app(app) -> None:
    global _streams, _check_contracts
    _check_contracts = bool(app.config.get("CHECK_ENVELOPES"))
    queue = app.config.get("MESSAGE_QUEUE")
    weight = app.config.get("STREAM_LOG_WEIGHT", DEFAULT_LOG_WEIGHT)
    if queue and queue.startswith("redis"):
        _streams = RedisStreams(queue, weight)
    else:
        _streams = MemoryStreams(weight)


def current_seq(stream: str) -> int:
    return _streams.current(stream)


def epoch() -> str:
    """Names this history of sequence numbers: `since` means something only within one."""
    return _streams.epoch


def missed_since(stream: str, seq: int, upto: int) -> list[dict] | None:
    """The envelopes after `seq` up to `upto`, in order, if the log still holds every one of
    them; None when a fresh snapshot is needed instead."""
    if seq > upto:
        return None
    return _streams.since(stream, seq, upto)


def publish_now(room: str, type_: str, data: dict) -> dict:
    """Emit one envelope to a room. Call only when nothing can still roll back."""
    envelope = _streams.append(room, type_, data)
    if _check_contracts:
        check_contract(room, envelope)
    socketio.emit(type_, envelope, to=room, namespace=NAMESPACE)
    return envelope


def publish_on_commit(room: str, type_: str, data: dict) -> None:
    """Emit once the current write transaction commits; dropped if it rolls back."""
    after_commit(lambda: publish_now(room, type_, data))


def check_contract(stream: str, message: dict, *, join_ack: bool = False) -> None:
    """Log and keep (never raise: the write is committed) a message that breaks its contract."""
    from fieldops import envelopes

    try:
        if join_ack:
            envelopes.check_join_ack(message)
        else:
            envelopes.check_envelope(message, envelopes.stream_kind(stream))
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        what = "join ack" if join_ack else f"{message.get('type')!r} envelope"
        breach = f"{what} on {stream} breaks its contract: {exc}"
        log.error("%s", breach)
        contract_breaches.append(breach)


def checks_contracts() -> bool:
    return _check_contracts


def publish_to_staff_now(
    event_id: int, type_: str, data: dict, organizer_data: dict | None = None
) -> None:
    """The command post's streams: `data` to command, `organizer_data` (default: the same) to
    organizers."""
    publish_now(command_room(event_id), type_, data)
    publish_now(organizer_room(event_id), type_, data if organizer_data is None else organizer_data)


def publish_to_staff_on_commit(
    event_id: int, type_: str, data: dict, organizer_data: dict | None = None
) -> None:
    """publish_to_staff_now() once the current write transaction commits (each stream's push
    on its own, so one failing does not keep the other back)."""
    publish_on_commit(command_room(event_id), type_, data)
    publish_on_commit(
        organizer_room(event_id), type_, data if organizer_data is None else organizer_data
    )


def disconnect(sid: str) -> None:
    """Close one socket of this process (its credentials ended: fieldops.auth.ending)."""
    socketio.server.disconnect(sid, namespace=NAMESPACE)
