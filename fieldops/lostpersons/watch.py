"""The Code Adam clock: a lost person not found within LOST_PERSON_AGENCY_AFTER prompts the
desk to call the local agency (an alarm, once). Checked once a second in the serving process."""

from __future__ import annotations

import logging

from fieldops.db import write_transaction
from fieldops.extensions import db, socketio
from fieldops.lostpersons import services
from fieldops.tracking import peers

log = logging.getLogger(__name__)
PERIOD_S = 1.0


def check(after_s: float) -> int:
    """Prompt for every search that is due; returns how many were prompted."""
    due = [p.id for p in services.due_for_agency(after_s)]
    db.session.rollback()  # end the read before taking the write lock
    if not due:
        return 0
    prompted = 0
    with write_transaction():
        for person in services.due_for_agency(after_s):  # again, under the write lock
            services.prompt_agency(person, after_s)
            prompted += 1
    return prompted


def run_forever(app) -> None:
    after_s = app.config["LOST_PERSON_AGENCY_AFTER"]
    while True:
        socketio.sleep(PERIOD_S)
        if not peers.leads():  # another process watches (fieldops.tracking.peers)
            continue
        with app.app_context():
            try:
                check(after_s)
            except Exception:
                log.exception("lost-person watch failed")
            finally:
                db.session.remove()
