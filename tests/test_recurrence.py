"""A school day that recurs: the first day's roster repeated on weekdays until a date, at the
same local times, so the officer checks in day after day at their post."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import Auth


@pytest.fixture
def school(make_event, make_user, make_post, app):
    """A school event whose first day was eight days ago, its officer rostered 07:00-ish then
    for the hours around this time of day. Returns the first day too: the day its shift
    starts, which is nine days ago in the first hour after midnight (UTC, the event's zone)."""
    now = datetime.now(UTC)
    first = now - timedelta(days=8)
    # The event starts with its first shift: the same day whatever the hour (two hours before
    # the shift fell on the day before between 01:00 and 02:00 UTC, and nothing recurred).
    event = make_event("Lincoln Elementary", kind="school", starts_at=first - timedelta(hours=1))
    post_id = make_post(event["id"], name="Arrival traffic", kind="traffic_point")
    _id, name = make_user("admin")
    admin = Auth(app.test_client())
    assert admin.login(name).status_code == 200
    rostered = admin.post(
        f"/api/v1/events/{event['id']}/assignments",
        json={
            "name": "Sam Reed",
            "badge": "5100",
            "post_id": post_id,
            "starts_at": (first - timedelta(hours=1)).isoformat(),
            "ends_at": (first + timedelta(hours=6)).isoformat(),
        },
    )
    assert rostered.status_code == 201, rostered.get_json()
    first_day = (first - timedelta(hours=1)).date()
    return event, admin, post_id, rostered.get_json()["join_pin"], first_day


def recur(admin, event, **body):
    return admin.post(f"/api/v1/events/{event['id']}/recur", json=body)


def test_the_first_days_roster_recurs_and_the_officer_checks_in_today(school, app):
    event, admin, post_id, pin, first_day = school
    today = datetime.now(UTC).date()
    until = today + timedelta(2)
    answer = recur(admin, event, weekdays=[0, 1, 2, 3, 4, 5, 6], until=str(until))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["assignments_added"] == (until - first_day).days  # each day after
    assert (
        recur(
            admin, event, weekdays=[0, 1, 2, 3, 4, 5, 6], until=str(today + timedelta(2))
        ).get_json()["assignments_added"]
        == 0
    )  # again: nothing twice
    phone = Auth(app.test_client())
    joined = phone.join(event["code"], "Sam Reed", "5100", pin=pin)
    assert joined.status_code == 201, joined.get_json()
    token = joined.get_json()["device_token"]
    me = phone.client.get(
        f"/api/v1/events/{event['id']}/me", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    starts = datetime.fromisoformat(me["assignment"]["starts_at"].replace("Z", "+00:00"))
    assert starts.date() in (today, today - timedelta(1))  # today's shift (or last night's)
    assert me["post"]["name"] == "Arrival traffic"
    checked_in = phone.client.post(
        f"/api/v1/events/{event['id']}/shift/check-in",
        json={"post_id": post_id},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert checked_in.status_code == 201, checked_in.get_json()


def test_weekdays_only_and_the_event_window_grows(school):
    event, admin, _post_id, _pin, first = school
    until = first + timedelta(days=14)
    answer = recur(admin, event, weekdays=[0, 1, 2, 3, 4], until=str(until))
    expected = sum(1 for n in range(1, 15) if (first + timedelta(days=n)).weekday() < 5)
    assert answer.get_json()["assignments_added"] == expected
    ends = datetime.fromisoformat(answer.get_json()["ends_at"].replace("Z", "+00:00"))
    assert ends.date() >= until - timedelta(days=2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekdays": [7], "until": "2099-01-01"}, "weekdays.0"),
        ({"weekdays": [], "until": "2099-01-01"}, "weekdays"),
        ({"weekdays": [1], "until": "2001-01-01"}, "until"),
        ({"weekdays": [1], "until": "soon"}, "until"),
        ({"weekdays": [1], "until": "2099-01-01"}, "until"),  # more than 400 days
    ],
)
def test_a_recurrence_that_cannot_be_made_names_the_field(school, body, field):
    event, admin, _post_id, _pin, _first = school
    answer = recur(admin, event, **body)
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["field"] == field


def test_without_a_first_day_roster_there_is_nothing_to_repeat(make_event, make_user, auth):
    event = make_event("Empty school", kind="school")
    _id, name = make_user("admin")
    assert auth.login(name).status_code == 200
    answer = recur(auth, event, weekdays=[0], until=str(date.today() + timedelta(days=30)))
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "weekdays"


def test_a_terms_report_reads_week_by_week(school, app):
    """Over more than a week, the report adds a row per week: its incidents by type, drills
    and proactive work."""
    import uuid

    from fieldops.db import write_transaction
    from fieldops.extensions import db
    from fieldops.incidents.models import Incident

    event, admin, _post_id, _pin, _first = school
    today = datetime.now(UTC).date()
    recur(admin, event, weekdays=[0, 1, 2, 3, 4], until=str(today + timedelta(days=14)))
    ids = []
    for kind in ("bullying", "medical"):
        made = admin.post(
            f"/api/v1/events/{event['id']}/incidents",
            json={
                "client_id": str(uuid.uuid4()),
                "type": kind,
                "lat": 40.6,
                "lon": -74.0,
                "reported_at": datetime.now(UTC).isoformat(),
            },
        )
        assert made.status_code == 201, made.get_json()
        ids.append(made.get_json()["id"])
    with app.app_context(), write_transaction():  # the first one a week earlier
        earlier = db.session.get(Incident, ids[0])
        earlier.received_at = earlier.reported_at = earlier.received_at - timedelta(days=7)
    page = admin.client.get(f"/events/{event['id']}/report").get_data(as_text=True)
    assert "Week by week" in page
    section = page[page.index("Week by week") :]
    assert "Bullying 1" in section and "Medical 1" in section
    assert section.index("Bullying 1") < section.index("Medical 1")  # oldest week first
