"""The words for the server's enums: defined once (fieldops/vocabulary.py), sent to both pages."""

import json
import os
import re
import subprocess

import pytest

from fieldops.alerts.models import AlertKind
from fieldops.events.models import OfficerStatus
from fieldops.incidents.models import Disposition, IncidentStatus, IncidentType, Severity
from fieldops.vocabulary import vocabulary
from tests.support.live_server import ROOT


@pytest.mark.parametrize(
    ("key", "enum"),
    [
        ("incident_types", IncidentType),
        ("severities", Severity),
        ("incident_statuses", IncidentStatus),
        ("dispositions", Disposition),
        ("alert_kinds", AlertKind),
        ("officer_statuses", OfficerStatus),
    ],
)
def test_every_member_of_every_enum_has_a_label_of_its_own(key, enum):
    items = vocabulary()[key]
    assert {item["value"] for item in items} == {member.value for member in enum}
    for item in items:
        assert item["label"] and item["label"] != item["value"], item


def test_one_label_per_status_on_both_pages():
    statuses = {s["value"]: s for s in vocabulary()["incident_statuses"]}
    assert statuses["reported"]["label"] == "Reported"
    assert [v for v, s in statuses.items() if not s["open"]] == ["resolved", "cancelled"]


def page_vocabulary(html: str) -> dict:
    found = re.search(r"<script[^>]*data-page-config[^>]*>(.*?)</script>", html, re.S)
    assert found, "no page config"
    return json.loads(found.group(1))["vocabulary"]


def test_both_pages_carry_the_servers_vocabulary(client, make_user, auth):
    officer_page = client.get("/officer").get_data(as_text=True)
    assert page_vocabulary(officer_page) == vocabulary()
    # The report's buttons are drawn from it; the help button's type is not one of them.
    assert 'data-testid="type-suspicious"' in officer_page
    assert "Suspicious person / package" in officer_page
    assert 'data-testid="type-officer_help"' not in officer_page
    make_user("command", "desk")
    auth.login("desk")
    assert page_vocabulary(client.get("/command").get_data(as_text=True)) == vocabulary()


@pytest.mark.parametrize(
    "script",
    [
        "tests/js/stream.test.mjs",
        "tests/js/outbox.test.mjs",
        "tests/js/model.test.mjs",
        "tests/js/sending.test.mjs",
        "tests/js/format.test.mjs",
    ],
)
def test_the_shared_stream_and_outbox_modules(script):
    """node:test files: the seq buffer (stream.js), the outbox's rules (outbox.js), the stream
    model's merge rules (model.js), a phone's answers to its fixes (officer/sending.js), the
    clocks (shared/format.js), in UTC and en_US. make test installs node when missing."""
    env = {**os.environ, "TZ": "UTC", "LC_ALL": "en_US.UTF-8", "LANG": "en_US.UTF-8"}
    result = subprocess.run(
        ["node", script], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
