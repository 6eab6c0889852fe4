"""The ingest keeps, beside every fix it stores, a one-row-per-minute summary of each officer's
phone (tracking.minutes): whether a fix of that minute was inside their post and whether one
was outside. The report counts stale and off-post minutes from it, not from the fixes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.support.scene import POST


def _minutes(app, officer_id: int) -> list[tuple]:
    from fieldops.extensions import db
    from fieldops.tracking.models import OfficerMinute

    with app.app_context():
        rows = db.session.execute(
            select(OfficerMinute.minute, OfficerMinute.inside, OfficerMinute.outside)
            .where(OfficerMinute.officer_id == officer_id)
            .order_by(OfficerMinute.minute)
        )
        return [(m.replace(second=0), inside, outside) for m, inside, outside in rows]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_each_minute_of_fixes_says_whether_the_officer_was_at_their_post(scene, app):
    lee_id, lee = scene.officer("Lee Officer")  # checked in at the post, a fix there now
    far = (POST[0] + 0.01, POST[1])  # a kilometre north
    scene.move(lee, *far, seconds_ago=150)  # earlier, away from the post
    scene.move(lee, *far, seconds_ago=150)  # the phone resends it: nothing changes
    rows = _minutes(app, lee_id)
    assert [(inside, outside) for _m, inside, outside in rows] == [(False, True), (True, False)]
    # And away too in the minute they were at the post: a fix timed in that minute, not "a
    # second ago", which crossed into the minute before when the test started on a minute's
    # first second (it failed so once in CI).
    at_post_minute = rows[-1][0]
    since = (datetime.now(UTC) - at_post_minute).total_seconds()
    scene.move(lee, *far, seconds_ago=since - 0.01)
    assert [(inside, outside) for _m, inside, outside in _minutes(app, lee_id)][-1] == (True, True)


def test_an_officer_off_shift_has_minutes_but_neither_inside_nor_outside(scene, app):
    kim_id, _kim = scene.officer("Kim Officer", on_shift=False)
    assert [(i, o) for _m, i, o in _minutes(app, kim_id)] == [(False, False)]
