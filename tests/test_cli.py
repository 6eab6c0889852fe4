"""The `fieldops` command sets up the database, staff logins, events and posts. Through Flask's
CLI runner on the real app and database; one test runs the installed command itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _app_config
from tests.support.server_process import ROOT

NYC_COURSE = ROOT / "tests/data/nyc-marathon-2006-runner-waypoints.gpx"


def run(app, *args):
    from fieldops.cli import cli

    return app.test_cli_runner().invoke(cli, list(args))


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database file that does not exist yet: what `fieldops init` starts from."""
    from fieldops.app import create_app
    from fieldops.extensions import db

    app = create_app(_app_config(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_init_creates_the_schema_on_a_new_database_and_a_second_run_changes_nothing(empty_app):
    from alembic.script import ScriptDirectory

    from fieldops.extensions import db, migrate

    first = run(empty_app, "init")
    assert first.exit_code == 0, first.output
    assert "database is up to date" in first.output
    with empty_app.app_context():
        head = ScriptDirectory.from_config(migrate.get_config()).get_current_head()
        version = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
        tables = set(db.inspect(db.engine).get_table_names())
    assert version == head
    assert {"users", "events", "posts", "incidents"} <= tables
    assert run(empty_app, "init").exit_code == 0
    created = run(empty_app, "user", "create", "--role", "admin", "--username", "root")
    # No password given: it is asked for (never a default), and no answer creates no one.
    assert created.exit_code != 0 and "password" in created.output.lower()


def test_cli_sets_up_an_event_with_a_course_and_a_post(app):
    from fieldops.auth.services import authenticate
    from fieldops.events.models import Event
    from fieldops.extensions import db

    user = run(
        app, "user", "create", "--role", "command", "--username", "ana", "--password", "a-long-pw1"
    )
    assert user.exit_code == 0, user.output
    assert "created command ana" in user.output
    course = ("--course", str(NYC_COURSE))
    event = run(app, "event", "create", "--name", "NYC", "--kind", "marathon", *course)
    assert event.exit_code == 0, event.output
    assert "event id: 1" in event.output and "enrollment code: " in event.output
    assert "course: 15.76 km" in event.output  # the recorded part: mile ~16.5 to the finish
    post = run(
        app, "post", "add", "--event", "1", "--name", "Mile 1", "--lat", "40.6", "--lon", "-74.05"
    )
    assert post.exit_code == 0 and "post id: 1" in post.output
    with app.app_context():
        assert authenticate("ana", "a-long-pw1").role.value == "command"
        stored = db.session.get(Event, 1)
        assert (stored.name, stored.kind.value) == ("NYC", "marathon")
        assert stored.enrollment_code in event.output
        assert round(stored.course.length_m / 1000, 2) == 15.76
        assert [(p.name, p.lat, p.lon) for p in stored.posts] == [("Mile 1", 40.6, -74.05)]


def test_cli_refuses_a_bad_course_and_writes_nothing(app, tmp_path):
    bad = tmp_path / "bad.gpx"
    bad.write_text("<gpx><trk></trk></gpx>")
    result = run(app, "event", "create", "--name", "X", "--course", str(bad))
    assert result.exit_code == 1 and "course not imported" in result.output
    again = run(app, "event", "create", "--name", "Y")
    assert "event id: 1" in again.output  # the failed one left no row behind


def test_cli_refuses_a_short_password_and_adds_nobody(app):
    from fieldops.auth.models import User
    from fieldops.extensions import db

    result = run(app, "user", "create", "--role", "admin", "--username", "a", "--password", "short")
    assert result.exit_code == 1 and "at least 10" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "a")) is None


def test_cli_names_an_event_that_does_not_exist(app):
    result = run(app, "post", "add", "--event", "9", "--name", "P", "--lat", "40", "--lon", "-74")
    assert result.exit_code == 1 and "event 9 does not exist" in result.output


@pytest.mark.live
def test_the_installed_fieldops_command_runs_against_the_configured_database(tmp_path):
    """The console script itself: its entry point, settings from the environment, errors on
    stderr with exit code 1 and no traceback."""
    env = {
        "FIELDOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "FIELDOPS_INSTANCE_PATH": str(tmp_path),
        "FIELDOPS_SECRET_KEY": "x",
        "FIELDOPS_ASYNC_MODE": "threading",
        "PATH": "/usr/bin:/bin",
    }

    script = Path(sys.executable).with_name("fieldops")  # installed beside this interpreter
    assert script.exists(), f"no fieldops command installed at {script}"

    def fieldops(*args):
        return subprocess.run(
            [str(script), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    init = fieldops("init")
    assert init.returncode == 0, init.stderr
    assert "database is up to date" in init.stdout
    assert (tmp_path / "cli.sqlite3").stat().st_size > 0
    refused = fieldops("user", "create", "--role", "admin", "--username", "a", "--password", "x")
    assert refused.returncode == 1 and "at least 10" in refused.stderr
    assert "Traceback" not in refused.stderr
