"""A screen that joins, then follows its stream, holds exactly what the database holds.

In the spirit of Zulip's `verify_action`: for every action a user takes, the join snapshot
taken before it plus the envelopes it caused, applied by the pages' own JavaScript
(fieldops/static/js/streams/model.js under Node), equals a fresh snapshot taken after it — on
the command stream and on the officer's stream.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.scene import POST

ROOT = Path(__file__).resolve().parents[1]
APPLY = ROOT / "tests" / "js" / "apply-stream.mjs"
COLLECTIONS = (
    "officers",
    "incidents",
    "alerts",
    "messages",
    "device_requests",
    "found_items",
    "lost_reports",
    "matches",
    "lost_persons",
    "drills",
)


def apply_in_javascript(
    kind: str, snapshot: dict, envelopes: list[dict], now_ms: float | None = None
) -> dict:
    node = shutil.which("node")
    assert node, "node is needed to run the pages' stream model (make setup installs it)"
    answer = subprocess.run(
        [node, str(APPLY)],
        input=json.dumps(
            {"kind": kind, "snapshot": snapshot, "envelopes": envelopes, "now": now_ms}
        ),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(answer.stdout)


def envelopes_kind(stream: str) -> str:
    from fieldops.envelopes import stream_kind

    return stream_kind(stream)


def held(snapshot: dict) -> dict:
    """A fresh snapshot's collections as the model lists them (sorted by id), and its set-up."""
    lists = {
        name: sorted(snapshot.get(name, []), key=lambda item: item["id"]) for name in COLLECTIONS
    }
    setup = {
        "event": snapshot["event"],
        "posts": snapshot.get("posts", []),  # an area lead's stream has none
        "campus": snapshot["campus"],
    }
    if "assignment" in snapshot:  # an officer's stream
        setup["post"] = snapshot["post"]
    return lists | setup


def without_own_fix(state: dict) -> dict:
    """A phone learns that its fixes are stored from their acks, not from its stream (no
    `positions` on an officer's stream), so its own fix is not compared."""
    return state | {"officers": [{**o, "fix": None} for o in state["officers"]]}


class Screen:
    """One joined stream: a dashboard (staff login) or a phone (device token)."""

    def __init__(self, app, event_id: int, *, client=None, token: str | None = None):
        from fieldops.extensions import socketio

        self.app, self.event_id = app, event_id
        self._client, self._token = client, token
        self.socket = self._connect(socketio)
        ack = self.socket.emit("join", {"event_id": event_id}, namespace="/live", callback=True)
        assert ack["ok"], ack
        self.kind = envelopes_kind(ack["stream"])
        self.snapshot, self.seq = ack["snapshot"], ack["seq"]

    def _connect(self, socketio):
        if self._token:
            return socketio.test_client(self.app, namespace="/live", auth={"token": self._token})
        return socketio.test_client(self.app, namespace="/live", flask_test_client=self._client)

    def envelopes(self) -> list[dict]:
        got = [m["args"] for m in self.socket.get_received("/live")]
        got = [a[0] if isinstance(a, list) else a for a in got]
        envelopes = [e for e in got if isinstance(e, dict) and "seq" in e]
        seqs = [e["seq"] for e in envelopes]
        assert seqs == list(range(self.seq + 1, self.seq + 1 + len(seqs))), seqs
        return envelopes

    def fresh(self) -> dict:
        again = Screen(self.app, self.event_id, client=self._client, token=self._token)
        again.socket.disconnect(namespace="/live")
        return again.snapshot


def read_in_full(screen: Screen) -> dict:
    """A fresh snapshot with every part told it has rows (fieldops.snapshots: `rows=`)."""
    from fieldops import snapshots

    def every_part_has_rows(kind, event, viewer):
        return dict.fromkeys(snapshots.questions_of(kind), True)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshots, "which_have_rows", every_part_has_rows)
        return screen.fresh()


def assert_screens_tell_the_truth(screens: list[Screen], *, caused: set[str]) -> None:
    seen = set()
    for screen in screens:
        envelopes = screen.envelopes()
        seen |= {e["type"] for e in envelopes}
        followed = apply_in_javascript(screen.kind, screen.snapshot, envelopes)
        fresh = held(screen.fresh())
        # A part's `rows` question never hides a row: reading every part gives the same.
        assert held(read_in_full(screen)) == fresh, screen.kind
        if screen.kind == "officer":
            followed, fresh = without_own_fix(followed), without_own_fix(fresh)
        assert followed == fresh, screen.kind
    # The action was seen on the streams (else the comparison proves nothing).
    assert caused <= seen, (caused, seen)


@pytest.fixture
def stage(scene):
    """An officer on shift at the post with a fix, a second one nearby, both screens joined."""
    lee_id, lee = scene.officer("Lee Officer")
    kim_id, kim = scene.officer("Kim Officer", at=(POST[0] + 0.001, POST[1]))

    class Stage:
        pass

    s = Stage()
    s.scene, s.lee_id, s.lee, s.kim_id, s.kim = scene, lee_id, lee, kim_id, kim
    s.reported = scene.report(lee).get_json()
    s.watch = lambda token: [
        Screen(scene.app, scene.id, client=scene.command.client),
        Screen(scene.app, scene.id, token=token),
        Screen(scene.app, scene.id, client=scene.organizer.client),  # its own stream
    ]
    return s


def test_an_officer_reports_an_incident(stage):
    screens = stage.watch(stage.lee)
    assert stage.scene.report(stage.lee, type="lost_person").status_code == 201
    assert_screens_tell_the_truth(screens, caused={"incident"})


def test_command_acknowledges_an_incident(stage):
    screens = stage.watch(stage.lee)
    assert stage.scene.transition(stage.reported["id"], "acknowledged").status_code == 200
    assert_screens_tell_the_truth(screens, caused={"incident"})


def test_command_dispatches_an_officer(stage):
    screens = stage.watch(stage.kim)
    assert stage.scene.dispatch(stage.reported["id"], stage.kim_id).status_code == 201
    assert_screens_tell_the_truth(screens, caused={"incident", "officer"})


@pytest.mark.parametrize("step", ["acknowledged", "en_route", "on_scene"])
def test_a_dispatched_officer_responds(stage, step):
    scene = stage.scene
    assert scene.dispatch(stage.reported["id"], stage.kim_id).status_code == 201
    screens = stage.watch(stage.kim)
    assert scene.respond(stage.kim, stage.reported["id"], step).status_code == 200
    assert_screens_tell_the_truth(screens, caused={"incident"})


def _help(stage, token):
    url = f"/api/v1/events/{stage.scene.id}/help"
    body = {"client_id": "f2b7c1d4-0c9e-4c5e-9d0a-1b2c3d4e5f60", "lat": POST[0], "lon": POST[1]}
    response = stage.scene.as_officer(token, "POST", url, json=body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_an_officer_calls_for_help(stage):
    screens = stage.watch(stage.lee) + [Screen(stage.scene.app, stage.scene.id, token=stage.kim)]
    _help(stage, stage.lee)
    assert_screens_tell_the_truth(screens, caused={"alert", "incident"})


def test_command_acknowledges_a_help_alarm(stage):
    alarm = _help(stage, stage.lee)
    screens = stage.watch(stage.lee)
    alert_id = alarm["alert"]["id"] if "alert" in alarm else alarm["id"]
    response = stage.scene.command.post(f"/api/v1/alerts/{alert_id}/acknowledge")
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"alert", "incident"})


def _message(stage, **body):
    url = f"/api/v1/events/{stage.scene.id}/messages"
    response = stage.scene.command.post(url, json={"text": "Road closed at mile 3"} | body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_command_sends_a_priority_message(stage):
    screens = stage.watch(stage.lee)
    _message(stage, priority=True, to={"kind": "event"})
    assert_screens_tell_the_truth(screens, caused={"message"})


def test_an_officer_acknowledges_a_message(stage):
    message = _message(stage, priority=True, to={"kind": "officer", "id": stage.lee_id})
    screens = stage.watch(stage.lee)
    url = f"/api/v1/messages/{message['id']}/acknowledge"
    assert stage.scene.as_officer(stage.lee, "POST", url).status_code == 200
    assert_screens_tell_the_truth(screens, caused={"message"})


def test_an_officer_checks_out_and_in_again(stage):
    scene = stage.scene
    screens = stage.watch(stage.lee)
    url = f"/api/v1/events/{scene.id}/shift/check-out"
    assert scene.as_officer(stage.lee, "POST", url, json={}).status_code == 200
    assert_screens_tell_the_truth(screens, caused={"officer"})
    screens = stage.watch(stage.lee)
    url = f"/api/v1/events/{scene.id}/shift/check-in"
    response = scene.as_officer(stage.lee, "POST", url, json={"post_id": scene.post_id})
    assert response.status_code == 201
    assert_screens_tell_the_truth(screens, caused={"officer"})


def test_an_officer_sets_a_status(stage):
    screens = stage.watch(stage.lee)
    url = f"/api/v1/events/{stage.scene.id}/status"
    response = stage.scene.as_officer(stage.lee, "POST", url, json={"status": "on_break"})
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"officer"})


def test_an_officer_moves(stage):
    screens = stage.watch(stage.lee)
    stage.scene.move(stage.lee, POST[0] + 0.0005, POST[1], seconds_ago=0)
    assert_screens_tell_the_truth(screens, caused={"positions"})


def test_an_officer_calls_off_a_false_alarm(stage):
    alarm = _help(stage, stage.lee)
    screens = stage.watch(stage.lee)
    url = f"/api/v1/alerts/{alarm['id']}/cancel"
    assert stage.scene.as_officer(stage.lee, "POST", url).status_code == 200
    assert_screens_tell_the_truth(screens, caused={"alert", "incident"})


def test_command_closes_an_incident(stage):
    screens = stage.watch(stage.lee)
    response = stage.scene.transition(stage.reported["id"], "cancelled")
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"incident"})


# --- lost persons: every officer's stream and the desk's ---------------------------------


def test_command_reports_a_lost_child(stage):
    from tests.support.lostpersons import report

    screens = stage.watch(stage.lee) + [Screen(stage.scene.app, stage.scene.id, token=stage.kim)]
    assert report(stage.scene).status_code == 201
    assert_screens_tell_the_truth(screens, caused={"lost_person", "alert"})


@pytest.mark.parametrize(
    ("what", "body"),
    [
        ("searched", {"lat": POST[0], "lon": POST[1], "radius_m": 30.0}),
        ("found", {"place": "Under the bleachers"}),
        ("reunited", "REUNION"),
    ],
)
def test_the_search_for_a_lost_child_goes_on(stage, what, body):
    from tests.support.lostpersons import REUNION, report, step

    person = report(stage.scene).get_json()
    screens = stage.watch(stage.lee)
    response = step(stage.scene, person["id"], what, REUNION if body == "REUNION" else body)
    assert response.status_code in (200, 201), response.get_json()
    assert_screens_tell_the_truth(screens, caused={"lost_person"})


# --- rejoining: the envelopes missed, from the stream's log, or a fresh snapshot -----------


def _rejoin(screen: Screen, **extra) -> dict:
    from fieldops.extensions import socketio

    again = screen._connect(socketio)
    body = {"event_id": screen.event_id, **extra}
    ack = again.emit("join", body, namespace="/live", callback=True)
    again.disconnect(namespace="/live")
    assert ack["ok"], ack
    return ack


def test_a_screen_that_rejoins_is_sent_exactly_what_it_missed(stage):
    command, phone, _organizer = stage.watch(stage.kim)
    epoch = _rejoin(command)["epoch"]
    assert stage.scene.dispatch(stage.reported["id"], stage.kim_id).status_code == 201
    _message(stage, priority=True, to={"kind": "event"})
    for screen in (command, phone):
        ack = _rejoin(screen, since=screen.seq, epoch=epoch)
        assert "snapshot" not in ack
        assert [e["seq"] for e in ack["replay"]] == list(range(screen.seq + 1, ack["seq"] + 1))
        assert {e["type"] for e in ack["replay"]} >= {"incident", "message"}
        followed = apply_in_javascript(screen.kind, screen.snapshot, ack["replay"])
        fresh = held(screen.fresh())
        if screen.kind == "officer":
            followed, fresh = without_own_fix(followed), without_own_fix(fresh)
        assert followed == fresh


def test_a_screen_from_another_server_life_or_too_far_behind_gets_a_snapshot(app, stage):
    from fieldops import realtime

    command, _phone, _organizer = stage.watch(stage.kim)
    epoch = _rejoin(command)["epoch"]
    assert "snapshot" in _rejoin(command, since=command.seq, epoch="another-life")
    assert "snapshot" in _rejoin(command, since=command.seq + 50, epoch=epoch)  # ahead of us
    app.config["STREAM_LOG_WEIGHT"] = 2
    realtime.init_app(app)  # a log that keeps two envelopes (and a new epoch)
    epoch = _rejoin(command)["epoch"]
    for text in ("one", "two", "three"):
        _message(stage, text=text, to={"kind": "event"})
    seq = _rejoin(command)["seq"]
    assert "replay" in _rejoin(command, since=seq - 2, epoch=epoch)
    assert "snapshot" in _rejoin(command, since=seq - 3, epoch=epoch)


def test_a_rostered_officers_snapshot_names_their_post_orders_and_shift_window(scene, assign):
    officer_id, token = scene.officer("Ray Officer", on_shift=False, at=None)
    assign(scene.id, officer_id, scene.post_id)
    snapshot = Screen(scene.app, scene.id, token=token).snapshot
    assert snapshot["assignment"]["post_id"] == scene.post_id
    assert snapshot["post"]["id"] == scene.post_id and "orders" in snapshot["post"]
    assert [o["id"] for o in snapshot["officers"]] == [officer_id]


def test_organizers_follow_their_own_stream_of_the_event(scene):
    """Read-only staff get the command post's picture on a stream of their own, so what only
    command may see can be left out of theirs."""
    from fieldops.extensions import socketio

    for who, stream in ((scene.organizer, "organizer"), (scene.command, "command")):
        sio = socketio.test_client(scene.app, namespace="/live", flask_test_client=who.client)
        ack = sio.emit("join", {"event_id": scene.id}, namespace="/live", callback=True)
        assert ack["stream"] == f"event:{scene.id}:{stream}"
        sio.disconnect(namespace="/live")


def test_a_write_committed_while_a_screen_joins_is_in_its_snapshot_or_after_its_seq(
    scene, monkeypatch
):
    """A report commits (and takes the next seq) just as the join reads the stream's seq: the
    snapshot, read after the seq, must hold it, since its envelope's seq is not above the ack's."""
    import threading

    from fieldops import realtime

    _lee_id, lee = scene.officer("Lee Officer")
    real_seq = realtime.current_seq
    reported = {}

    def seq_after_a_report(stream):
        if not reported and stream.startswith("event:"):
            writer = threading.Thread(target=lambda: reported.update(r=scene.report(lee)))
            writer.start()
            writer.join()
        return real_seq(stream)

    monkeypatch.setattr(realtime, "current_seq", seq_after_a_report)
    screen = Screen(scene.app, scene.id, client=scene.command.client)
    monkeypatch.setattr(realtime, "current_seq", real_seq)
    assert reported["r"].status_code == 201
    assert held(screen.snapshot)["incidents"] == held(screen.fresh())["incidents"]


def test_a_post_added_while_a_phone_joins_is_in_its_snapshot_or_after_its_seq(
    scene, make_user, monkeypatch
):
    """The join reads the event before the stream's seq and keeps it (one read less per join):
    a set-up change committed in between must be in the snapshot all the same."""
    import threading

    from fieldops import realtime

    _lee_id, lee = scene.officer("Lee Officer")
    admin = scene.staff(make_user, "admin")
    real_seq = realtime.current_seq
    added = {}

    def add_post():
        body = {"name": "Mile 4 crossing", "kind": "traffic_point", "lat": 40.66, "lon": -74.0}
        added.update(r=admin.post(f"/api/v1/events/{scene.id}/posts", json=body))

    def seq_after_a_new_post(stream):
        if not added and stream.startswith("officer:"):
            writer = threading.Thread(target=add_post)
            writer.start()
            writer.join()
        return real_seq(stream)

    Screen(scene.app, scene.id, token=lee)  # the set-up as it was, now kept
    monkeypatch.setattr(realtime, "current_seq", seq_after_a_new_post)
    screen = Screen(scene.app, scene.id, token=lee)
    monkeypatch.setattr(realtime, "current_seq", real_seq)
    assert added["r"].status_code == 201, added["r"].get_json()
    assert "Mile 4 crossing" in [p["name"] for p in screen.snapshot["posts"]]


def test_a_desk_open_all_day_forgets_closed_incidents_as_a_fresh_snapshot_does(stage, monkeypatch):
    """An incident closed long ago leaves a fresh snapshot; the page's model, pruned as the
    pages prune it, lets it go too (no envelope says so: time does)."""
    from datetime import timedelta

    from fieldops.db import utcnow
    from fieldops.incidents import snapshot as incidents_snapshot

    scene = stage.scene
    assert scene.transition(stage.reported["id"], "cancelled").status_code == 200
    command = stage.watch(stage.lee)[0]
    assert [i["id"] for i in command.snapshot["incidents"]] == [stage.reported["id"]]
    later = utcnow() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(incidents_snapshot, "utcnow", lambda: later)
    fresh = held(command.fresh())
    assert fresh["incidents"] == []
    followed = apply_in_javascript("command", command.snapshot, [], now_ms=later.timestamp() * 1000)
    assert followed == fresh


def test_an_admin_moves_a_post_and_changes_its_orders(stage, make_user):
    scene = stage.scene
    screens = stage.watch(stage.lee)
    admin = scene.staff(make_user, "admin")
    response = admin.client.patch(
        f"/api/v1/posts/{scene.post_id}",
        json={"orders": "Hold the corner; medics behind you", "radius_m": 80},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"setup"})


def test_an_admin_adds_a_post(stage, make_user):
    scene = stage.scene
    screens = stage.watch(stage.lee)
    admin = scene.staff(make_user, "admin")
    body = {"name": "Mile 4 medical", "kind": "medical", "lat": 40.66, "lon": -74.01}
    response = admin.post(f"/api/v1/events/{scene.id}/posts", json=body)
    assert response.status_code == 201, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"setup"})


def test_an_admin_draws_a_building_on_the_campus(stage, make_user):
    scene = stage.scene
    screens = stage.watch(stage.lee)
    admin = scene.staff(make_user, "admin")
    corners = [[40.65, -74.0], [40.65, -73.999], [40.651, -73.999]]
    gym = {"kind": "building", "name": "Gym", "polygon": corners}
    response = admin.post(f"/api/v1/events/{scene.id}/campus/features", json=gym)
    assert response.status_code == 201, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"setup"})


def test_an_admin_imports_a_campus(stage, make_user):
    scene = stage.scene
    screens = stage.watch(stage.lee)
    admin = scene.staff(make_user, "admin")
    exit_ = {
        "type": "Feature",
        "properties": {"name": "East exit"},
        "geometry": {"type": "Point", "coordinates": [-73.999, 40.6505]},
    }
    response = admin.client.put(
        f"/api/v1/events/{scene.id}/campus",
        json={"type": "FeatureCollection", "features": [exit_]},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"setup"})


# --- drills ----------------------------------------------------------------------------------


@pytest.fixture
def drilling(stage, make_user):
    """The stage's event with the demo school's campus, and a lockdown drill on."""
    from tests.test_campus import CAMPUS_FILE, put_campus

    admin = stage.scene.staff(make_user, "admin")
    campus = json.loads(CAMPUS_FILE.read_text())
    assert put_campus(admin, stage.scene.id, campus).status_code == 200
    body = {"client_id": "lockdown-1", "action": "lockdown", "mode": "drill"}
    started = stage.scene.command.post(f"/api/v1/events/{stage.scene.id}/drills", json=body)
    assert started.status_code == 201, started.get_json()
    stage.drill = started.get_json()
    gym = next(a for a in stage.drill["areas"] if a["name"] == "Gym")
    joined = stage.scene.app.test_client().post(
        "/api/v1/lead/join",
        json={"code": _staff_code(stage, admin), "name": "Ms Rivera", "area_ids": [gym["id"]]},
    )
    assert joined.status_code == 201, joined.get_json()
    stage.lead = joined.get_json()["device_token"]
    stage.gym = gym
    return stage


def _staff_code(stage, admin) -> str:
    events = admin.client.get("/api/v1/events").get_json()["events"]
    return next(e for e in events if e["id"] == stage.scene.id)["staff_code"]


def watch_with_lead(stage) -> list:
    """The stage's screens and an area lead's phone (its own stream)."""
    return [*stage.watch(stage.lee), Screen(stage.scene.app, stage.scene.id, token=stage.lead)]


def test_command_starts_a_lockdown_drill(stage, make_user):
    from tests.test_campus import CAMPUS_FILE, put_campus

    admin = stage.scene.staff(make_user, "admin")
    assert put_campus(admin, stage.scene.id, json.loads(CAMPUS_FILE.read_text())).status_code == 200
    screens = stage.watch(stage.lee)
    body = {"client_id": "evac-1", "action": "evacuate", "mode": "real"}
    points = [
        f
        for f in admin.client.get(f"/api/v1/events/{stage.scene.id}/campus").get_json()["features"]
        if f["kind"] == "assembly"
    ]
    body["assembly_point_id"] = points[0]["id"]
    response = stage.scene.command.post(f"/api/v1/events/{stage.scene.id}/drills", json=body)
    assert response.status_code == 201, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"drill"})


def test_an_officer_reports_an_area_secured(drilling):
    screens = watch_with_lead(drilling)
    area = drilling.drill["areas"][0]
    body = {"client_id": "gym-1", "area_id": area["id"], "state": "secured", "accounted": 22}
    response = drilling.scene.app.test_client().post(
        f"/api/v1/drills/{drilling.drill['id']}/reports",
        json=body,
        headers={"Authorization": f"Bearer {drilling.lee}"},
    )
    assert response.status_code == 201, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"drill"})


def test_an_area_lead_reports_their_area_evacuated(drilling):
    screens = watch_with_lead(drilling)
    body = {"client_id": "lead-1", "area_id": drilling.gym["id"], "state": "evacuated"}
    response = drilling.scene.app.test_client().post(
        f"/api/v1/drills/{drilling.drill['id']}/reports",
        json=body | {"accounted": 24},
        headers={"Authorization": f"Bearer {drilling.lead}"},
    )
    assert response.status_code == 201, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"drill"})


def test_command_gives_the_all_clear(drilling):
    screens = watch_with_lead(drilling)
    url = f"/api/v1/drills/{drilling.drill['id']}/all-clear"
    response = drilling.scene.command.post(url, json={"notes": "Well done"})
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"drill"})


# --- lost and found ------------------------------------------------------------------------


def _found(stage, token=None, **body):
    from tests.test_lostfound_api import found_body

    url = f"/api/v1/events/{stage.scene.id}/found-items"
    if token is None:
        response = stage.scene.command.post(url, json=found_body(**body))
    else:
        response = stage.scene.as_officer(token, "POST", url, json=found_body(**body))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _lost(stage, **body):
    from tests.test_lostfound_api import lost_body

    url = f"/api/v1/events/{stage.scene.id}/lost-reports"
    response = stage.scene.command.post(url, json=lost_body(**body))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _suggested(stage, report_id: int) -> dict:
    got = stage.scene.command.client.get(f"/api/v1/lost-reports/{report_id}").get_json()
    return got["matches"][0]


def test_an_officer_logs_a_found_item(stage):
    _lost(stage)  # so a match is suggested too
    screens = stage.watch(stage.lee)
    _found(stage, stage.lee, finder_name="Sam Spectator", finder_contact="sam@example.org")
    assert_screens_tell_the_truth(screens, caused={"found_item", "match"})


def test_the_desk_takes_a_lost_report(stage):
    _found(stage, stage.lee)
    screens = stage.watch(stage.lee)
    _lost(stage)
    assert_screens_tell_the_truth(screens, caused={"lost_report", "match"})


def test_an_officer_hands_a_found_item_to_their_post(stage):
    item = _found(stage, stage.lee)
    screens = stage.watch(stage.lee)
    url = f"/api/v1/found-items/{item['id']}/custody"
    body = {"to": {"kind": "post", "post_id": stage.scene.post_id}}
    assert stage.scene.as_officer(stage.lee, "POST", url, json=body).status_code == 201
    assert_screens_tell_the_truth(screens, caused={"found_item"})


def test_the_desk_confirms_a_match(stage):
    _found(stage, stage.lee)
    _found(stage, stage.lee)  # a second suggestion, withdrawn by the confirmation
    match = _suggested(stage, _lost(stage)["id"])
    screens = stage.watch(stage.lee)
    response = stage.scene.command.post(f"/api/v1/matches/{match['id']}/confirm")
    assert response.status_code == 200, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"match", "found_item", "lost_report"})


def test_the_desk_releases_an_item_to_its_owner(stage):
    item = _found(stage, stage.lee)
    match = _suggested(stage, _lost(stage)["id"])
    assert stage.scene.command.post(f"/api/v1/matches/{match['id']}/confirm").status_code == 200
    screens = stage.watch(stage.lee)
    body = {
        "received_by": "Dana Runner",
        "identity_check": {"method": "document", "detail": "passport"},
    }
    response = stage.scene.command.post(f"/api/v1/found-items/{item['id']}/release", json=body)
    assert response.status_code == 201, response.get_json()
    assert_screens_tell_the_truth(screens, caused={"found_item", "lost_report"})


def test_a_desk_open_all_day_forgets_returned_items_as_a_fresh_snapshot_does(stage, monkeypatch):
    from datetime import timedelta

    from fieldops.db import utcnow
    from fieldops.lostfound import snapshot as lostfound_snapshot

    item = _found(stage)
    body = {"received_by": "Dana", "identity_check": {"method": "contents", "detail": "a pen"}}
    url = f"/api/v1/found-items/{item['id']}/release"
    assert stage.scene.command.post(url, json=body).status_code == 201
    command = stage.watch(stage.lee)[0]
    assert [i["id"] for i in command.snapshot["found_items"]] == [item["id"]]
    later = utcnow() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(lostfound_snapshot, "utcnow", lambda: later)
    fresh = held(command.fresh())
    assert fresh["found_items"] == []
    followed = apply_in_javascript("command", command.snapshot, [], now_ms=later.timestamp() * 1000)
    assert followed["found_items"] == [] and followed == fresh


def test_a_desk_open_all_day_forgets_closed_lost_persons_as_a_fresh_snapshot_does(
    stage, monkeypatch
):
    from datetime import timedelta

    from fieldops.db import utcnow
    from fieldops.lostpersons import snapshot as lost_snapshot
    from tests.support.lostpersons import REUNION, report, step

    scene = stage.scene
    person = report(scene).get_json()
    assert step(scene, person["id"], "reunited", REUNION).status_code == 200
    command = stage.watch(stage.lee)[0]
    assert [p["id"] for p in command.snapshot["lost_persons"]] == [person["id"]]
    later = utcnow() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(lost_snapshot, "utcnow", lambda: later)
    fresh = held(command.fresh())
    assert fresh["lost_persons"] == []
    followed = apply_in_javascript("command", command.snapshot, [], now_ms=later.timestamp() * 1000)
    assert followed == fresh
