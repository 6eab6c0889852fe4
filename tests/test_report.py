"""The post-event report (issue 10), every figure checked against a hand-built event whose
answers are known (tests/support/report_event.py), over HTTP as its readers ask for it:
command and admin see everything, organizers a copy with nothing private in it."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from tests.support import report_event
from tests.support.report_event import SECRETS


@pytest.fixture
def harbor(app, make_user):
    from tests.conftest import Auth

    ids = report_event.build(app)

    def reader(role: str) -> Auth:
        _id, username = make_user(role)
        auth = Auth(app.test_client())
        assert auth.login(username).status_code == 200
        return auth

    ids["command"], ids["organizer"] = reader("command"), reader("organizer")
    return ids


def _report(app, event_id: int, private: bool):
    from fieldops.events.models import Event
    from fieldops.extensions import db
    from fieldops.report import figures

    with app.app_context():
        return figures.build(
            db.session.get(Event, event_id), private=private, now=report_event.at(20)
        )


def _csv(harbor, role: str) -> dict[str, list[dict]]:
    response = harbor[role].client.get(f"/events/{harbor['event']}/report.zip")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {
        name.removesuffix(".csv"): list(
            csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))
        )
        for name in archive.namelist()
    }


def test_response_times_are_the_known_medians_and_90th_percentiles(app, harbor):
    r = _report(app, harbor["event"], private=True)
    every = r.times["all"]
    assert (every["acknowledged"]["median"], every["acknowledged"]["p90"]) == (90, 228)
    assert (every["on_scene"]["median"], every["on_scene"]["p90"]) == (300, 540)
    assert every["resolved"]["n"] == 4  # the cancelled one has no resolve time
    assert r.times["by_type"]["medical"]["on_scene"]["median"] == 270
    assert r.times["by_severity"]["low"]["dispatched"]["n"] == 0
    assert [i.id for i in r.slowest][:1] == [i.id for i in r.incidents if i.type == "fight"]


def test_coverage_flags_the_late_the_early_and_the_missing_check_out(app, harbor):
    r = _report(app, harbor["event"], private=True)
    by_name = {d.officer: d for d in r.duties}
    ana, ben, cy = by_name["Ana Ortiz"], by_name["Ben Park"], by_name["Cy Lee"]
    assert (ana.late_min, ana.early_min, ana.missing_out) == (12, 0, False)
    assert (ben.late_min, ben.early_min) == (0, 30)
    assert cy.missing_out and cy.worked_s == 6 * 3600 + 5 * 60  # closed at the scheduled end
    # Stale and off post, from the ingest's minute summary (Ben's phone sent nothing).
    assert (ana.stale_min, ana.off_post_min) == (28, 10)
    assert (ben.stale_min, cy.stale_min, cy.off_post_min) == (90, 364, 0)
    posts = {p.post: p for p in r.posts}
    gaps = [(r.local(a), r.local(b)) for a, b in posts["Mile 3 water"].gaps]
    assert gaps == [("08:00", "08:12"), ("13:30", "14:00")]  # New York time
    assert posts["Finish"].gaps == []


def test_billing_is_hours_checked_in_rounded_up_to_the_quarter_at_the_rate(app, harbor):
    r = _report(app, harbor["event"], private=True)
    bills = {d.officer: (d.billed_h, d.amount) for d in r.duties}
    assert bills == {"Ana Ortiz": (4.0, 240.0), "Ben Park": (1.5, 75.0), "Cy Lee": (6.25, 343.75)}
    assert r.summary["billed_total"] == 658.75


def test_the_summary_counts(app, harbor):
    s = _report(app, harbor["event"], private=True).summary
    assert (s["officers"], s["incidents"], s["alarms"]) == (3, 5, 2)
    assert s["by_type"]["medical"] == 2
    assert (s["items_found"], s["items_returned"], s["items_open"]) == (2, 1, 1)
    assert s["return_median_s"] == 2 * 3600
    assert (s["persons"], s["persons_reunited"], s["reunion_median_s"]) == (1, 1, 20 * 60)
    assert s["hours"] == pytest.approx((228 + 90 + 365) / 60)


def test_the_page_states_the_figures_and_the_rules(harbor):
    page = harbor["command"].client.get(f"/events/{harbor['event']}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Harbor Half" in text
    assert "658.75" in text
    assert "rounded up to the next 15 minutes" in text
    assert "08:00–08:12; 13:30–14:00" in text
    assert "1 min 30 s 3 min 48 s" in text  # to acknowledge: median, then 90th percentile
    assert "Mia Santos" in text and "Dana Runner" in text  # command sees who
    forms = harbor["command"].client.get(f"/events/{harbor['event']}/report/ics214")
    assert forms.status_code == 200
    assert "ICS position" in forms.get_data(as_text=True)
    assert "Checked in at Mile 3 water" in forms.get_data(as_text=True)
    # The charts are drawn on the server, inline, their words as text.
    for chart in ("chart-per-quarter", "chart-on-shift", "chart-on-scene"):
        figure = html[html.index(f'data-testid="{chart}"') :]
        assert figure.index("<svg") < figure.index("</figure>"), chart
    assert ">Medical<" in html or "Medical</text>" in html


def test_the_organizers_page_and_exports_hold_nothing_private(harbor):
    organizer = harbor["organizer"].client
    page = organizer.get(f"/events/{harbor['event']}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "658.75" in html and "Organizer" in html
    tables = _csv(harbor, "organizer")
    geo = organizer.get(f"/events/{harbor['event']}/report.geojson")
    forms = organizer.get(f"/events/{harbor['event']}/report/ics214").get_data(as_text=True)
    html += forms
    for name, blob in (
        ("page", html),
        ("csv", json.dumps(tables)),
        ("geojson", geo.get_data(as_text=True)),
    ):
        leaked = [s for s in SECRETS if s in blob]
        assert leaked == [], (name, leaked)
    assert {"guardian", "identity_check", "finder", "note", "text"}.isdisjoint(
        {k for rows in tables.values() for row in rows for k in row}
    )
    persons = tables["lost_persons"]
    assert [p["label"] for p in persons] == ["Child 1"]


def test_the_csv_zip_has_one_table_per_file_with_iso_times_in_the_events_zone(harbor):
    tables = _csv(harbor, "command")
    assert set(tables) >= {
        "incidents",
        "response_times",
        "coverage_officers",
        "coverage_posts",
        "billing",
        "found_items",
        "lost_persons",
        "alarms",
        "messages",
        "activity_log_ics214",
    }
    first = tables["incidents"][0]
    assert list(first)[:4] == ["id", "type", "severity", "status"]
    assert first["received"] == "2026-05-03T09:00:00-04:00"
    assert first["acknowledged_s"] == "60" and first["on_scene_s"] == "300"
    billing = {row["officer"]: row for row in tables["billing"]}
    assert (
        billing["Cy Lee"]["amount"] == "343.75"
        and "missing check-out" in billing["Cy Lee"]["flags"]
    )
    found = {row["category"]: row for row in tables["found_items"]}
    assert found["Wallet / purse"]["return_s"] == "7200"
    assert found["Wallet / purse"]["identity_check"] == "document: driver's licence, NY"
    timeline = [row for row in tables["incident_timelines"] if row["incident"] == first["id"]]
    assert [row["what"] for row in timeline] == [
        "Status: acknowledged",
        "Status: dispatched",
        "Status: on scene",
        "Status: resolved",
    ]
    message = tables["messages"][0]
    assert (message["recipients"], message["acknowledged"], message["first_ack_s"]) == (
        "3",
        "2",
        "20",
    )


def test_the_geojson_maps_incidents_found_items_and_posts(harbor):
    response = harbor["command"].client.get(f"/events/{harbor['event']}/report.geojson")
    assert response.status_code == 200
    layers = [f["properties"]["layer"] for f in json.loads(response.data)["features"]]
    assert (layers.count("incident"), layers.count("found_item"), layers.count("post")) == (5, 2, 2)


def test_officers_and_strangers_are_refused(app, harbor, make_user):
    assert app.test_client().get(f"/events/{harbor['event']}/report").status_code == 401
    assert harbor["command"].client.get("/events/999999/report").status_code == 404


@pytest.mark.live  # pdftotext is a process
def test_the_pdf_holds_the_figures_and_the_organizers_holds_nothing_private(harbor, tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing: make setup installs it")

    def text_of(role: str) -> str:
        response = harbor[role].client.get(f"/events/{harbor['event']}/report.pdf")
        assert response.status_code == 200, response.data[:300]
        assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
        assert "harbor-half-2026-05-03-report.pdf" in response.headers["Content-Disposition"]
        path = tmp_path / f"{role}.pdf"
        path.write_bytes(response.data)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
        return re.sub(r"\s+", " ", out.stdout)

    command = text_of("command")
    for figure in (
        "Harbor Half",
        "658.75",
        "343.75",
        "08:00–08:12; 13:30–14:00",
        "1 min 30 s",
        "Incidents reported per 15 minutes",
    ):
        assert figure in command, figure
    assert "Medical" in command
    assert "Mia" in command and "Rosa" in command  # (a narrow column breaks the full names)
    organizer = text_of("organizer")
    assert "658.75" in organizer and "Child 1" in organizer
    assert [s for s in SECRETS if s in organizer] == []


@pytest.mark.live  # WeasyPrint asks ldconfig where its libraries are
def test_fieldops_report_writes_the_pdf_the_tables_and_the_map_data(app, harbor, tmp_path):
    from fieldops.cli import cli

    pdf, tables = tmp_path / "harbor.pdf", tmp_path / "harbor.zip"
    args = ["report", str(harbor["event"]), "--pdf", str(pdf), "--zip", str(tables)]
    result = app.test_cli_runner().invoke(cli, [*args, "--organizer"])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    names = zipfile.ZipFile(tables).namelist()
    assert "billing.csv" in names
    assert "guardian" not in zipfile.ZipFile(tables).read("lost_persons.csv").decode()
    assert f"pdf: {pdf}" in result.output
    missing = app.test_cli_runner().invoke(cli, ["report", "999999", "--pdf", str(pdf)])
    assert missing.exit_code != 0 and "does not exist" in missing.output


def _replay(harbor, role: str, when: str, path: str = "replay"):
    url = f"/api/v1/events/{harbor['event']}/{path}?at={when}"
    return harbor[role].client.get(url)


def test_replay_places_each_officer_at_their_latest_fix_then(harbor):
    state = _replay(harbor, "command", "2026-05-03T13:07:00Z").get_json()
    where = {o["name"]: (o["lat"], o["age_s"], o["on_shift"]) for o in state["officers"]}
    assert where == {"Ana Ortiz": (40.652, 120, True), "Cy Lee": (40.66, 2220, True)}
    earlier = _replay(harbor, "command", "2026-05-03T13:04:59Z").get_json()
    assert [o["lat"] for o in earlier["officers"] if o["name"] == "Ana Ortiz"] == [40.65]
    # Ben checks in at 16:00 and sends no fix: not on the map, ever.
    later = _replay(harbor, "command", "2026-05-03T16:30:00Z").get_json()
    assert "Ben Park" not in {o["name"] for o in later["officers"]}


def test_replay_shows_incidents_items_and_lost_persons_as_they_were(harbor):
    # Incident 1 was reported at 13:00, an officer sent at 13:02, on scene at 13:05.
    for when, expected in (("13:04:59", "dispatched"), ("13:05:00", "on_scene")):
        state = _replay(harbor, "command", f"2026-05-03T{when}Z").get_json()
        assert [i["status"] for i in state["incidents"]] == [expected], when
    at_1405 = _replay(harbor, "command", "2026-05-03T14:05:00-00:00").get_json()
    assert [p["label"] for p in at_1405["lost_persons"]] == ["Mia"]
    assert at_1405["lost_persons"][0]["status"] == "searching"
    items = {i["category"]: (i["status"], i["held_by"]) for i in at_1405["found_items"]}
    assert items == {"wallet_purse": ("in_custody", "desk")}
    at_1600 = _replay(harbor, "command", "2026-05-03T16:00:00Z").get_json()
    assert at_1600["lost_persons"] == []  # reunited at 14:20
    assert {i["status"] for i in at_1600["found_items"]} == {"returned", "in_custody"}
    organizer = _replay(harbor, "organizer", "2026-05-03T14:05:00Z").get_json()
    assert organizer["lost_persons"][0]["label"] == "Person 1"


def test_replay_refuses_a_time_it_cannot_read_naming_the_field(harbor):
    response = _replay(harbor, "command", "yesterday")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "at"
    assert _replay(harbor, "command", "2026-05-03T13:00:00").status_code == 422  # no offset


def test_a_followed_officers_track(harbor):
    url = f"/api/v1/events/{harbor['event']}/replay/track?officer_id={harbor['ana']}"
    points = harbor["command"].client.get(url).get_json()["points"]
    assert [p[0] for p in points] == [40.650, 40.652, 40.654]
