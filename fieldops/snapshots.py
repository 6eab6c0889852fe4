"""What a screen is told when it joins a stream: one snapshot holding everything it shows.

Each capability registers its part (`@part("command")`, `@part("officer")`, or both) in its own
`snapshot.py`; `build()` puts them together for the joining viewer. The envelopes that follow
in the same stream carry the same serializers, so a screen that applies them to the snapshot
holds what a fresh snapshot would (tests/test_stream_truth.py proves it for every action).
"""

from __future__ import annotations

from collections.abc import Callable

from fieldops.auth.models import Role, User
from fieldops.events.models import Event

COMMAND, OFFICER, LEAD = "command", "officer", "lead"
Part = Callable[[Event, User], dict]
_parts: dict[str, list[Part]] = {COMMAND: [], OFFICER: [], LEAD: []}


def part(*kinds: str):
    """Register fn(event, viewer) -> {key: value, ...} in the snapshots of these streams."""

    def register(fn: Part) -> Part:
        for kind in kinds:
            _parts[kind].append(fn)
        return fn

    return register


def kind_for(viewer: User) -> str:
    if viewer.role == Role.AREA_LEAD:
        return LEAD
    return OFFICER if viewer.role == Role.OFFICER else COMMAND


def build(event: Event, viewer: User) -> dict:
    """Every part of the viewer's stream, read now (call after the seq is read: see join)."""
    snapshot: dict = {}
    for fn in _parts[kind_for(viewer)]:
        snapshot.update(fn(event, viewer))
    return snapshot


def load_parts() -> None:
    """Import every capability's part (once, from the app factory)."""
    from fieldops.alerts import snapshot as _alerts  # noqa: F401
    from fieldops.drills import snapshot as _drills  # noqa: F401
    from fieldops.incidents import snapshot as _incidents  # noqa: F401
    from fieldops.joining import snapshot as _joining  # noqa: F401
    from fieldops.leads import snapshot as _leads  # noqa: F401
    from fieldops.lostfound import snapshot as _lostfound  # noqa: F401
    from fieldops.lostpersons import snapshot as _lostpersons  # noqa: F401
    from fieldops.messages import snapshot as _messages  # noqa: F401
    from fieldops.tracking import snapshot as _tracking  # noqa: F401
