"""Positions give way when the server falls behind (issue 13), so a help alarm never waits
behind them.

A process that cannot keep up reads every socket's frames later and later, and a help alarm
sent by a phone waits behind all the fixes queued before it. So a serving process watches its
own lateness: a greenlet that sleeps PERIOD and measures how late it woke (the hub's lag).
While that lag is above FIELDOPS_SHED_LAG, new fixes are refused with 503 `busy` and a
Retry-After, before anything is stored. Phones keep them in their outbox and send them later,
a hundred to a message, which costs the server a fraction per fix. Help alarms, reports,
lost persons and dispatches are never refused. Nothing is lost: a refused fix was never
acknowledged. In-process apps (tests, the CLI) run no monitor and never brake.
"""

from __future__ import annotations

import time

from flask import Flask

from fieldops.errors import ApiError
from fieldops.extensions import socketio

PERIOD = 0.1  # s between the monitor's wakeups
DECAY = 0.7  # per period: a spike of lag fades out over about a second
RETRY_AFTER = 5  # s, said to the phone

_state = {"lag": 0.0, "limit": 0.0, "refused": 0}


def run_forever(app: Flask) -> None:
    _state["limit"] = app.config["SHED_LAG"]
    while True:
        started = time.monotonic()
        socketio.sleep(PERIOD)
        late = max(0.0, time.monotonic() - started - PERIOD)
        _state["lag"] = max(late, _state["lag"] * DECAY)


def engaged() -> bool:
    return 0 < _state["limit"] < _state["lag"]


def check() -> None:
    """Before a fix is taken: the 503 `busy` while the process is behind."""
    if engaged():
        _state["refused"] += 1
        raise ApiError(
            "the server is busy: keep the fixes and send them again shortly",
            code="busy",
            status=503,
            headers={"Retry-After": str(RETRY_AFTER)},
        )


def stats() -> dict:
    return {
        "lag_s": round(_state["lag"], 3),
        "braking": engaged(),
        "fixes_refused": _state["refused"],
    }
