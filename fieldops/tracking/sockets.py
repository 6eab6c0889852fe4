"""Tracking over the socket: an officer's phone streams its fixes."""

from __future__ import annotations

from fieldops.sockets import hot_handler, joined_officer, later
from fieldops.tracking import brake, services
from fieldops.tracking.schemas import parse_fixes


@hot_handler("position")
def on_position(payload):
    """Officer's phone, after `join`: one fix or a list (the HTTP body); ack {"accepted": n}
    once the next tick has stored them, else an error ack `not_stored` (send them again).
    The socket's next event (a help alarm) is handled meanwhile."""
    officer_id, event_id = joined_officer()
    brake.check()  # before parsing: a refused fix should cost the least it can
    fixes = parse_fixes(payload)
    answer, accepted = later(), {"accepted": len(fixes)}

    def stored(ok: bool) -> None:
        if ok:
            answer.send(accepted)
        else:
            answer.refuse(services.not_stored())

    services.record_fixes_later(event_id, officer_id, fixes, "socket", stored)
    return answer
