"""Fixtures: an app on a real database, an authenticated client, factories, a real server."""

from __future__ import annotations

import ast
import gc
import re
import shutil
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.databases import drop_test_databases, postgres_url_or_skip, sqlite_template
from tests.support.live_server import LiveServer

STAFF_PASSWORD = "correct-horse-battery"


# CPython 3.11 keeps ast.parse's recursion count per interpreter, not per thread: two threads
# parsing at once (a finalizer can hand over the GIL midway) fail with "SystemError: AST
# constructor recursion depth mismatch". Four threads parsing while finalizers run fail within
# seconds on this machine's 3.11.7, and never with this lock. This process parses in several
# threads (Werkzeug builds each app's URL rules with ast.parse, beside client and server
# threads), and two full runs of six hit it. A server parses only while it starts, in one thread.
# A fresh-clone run hit it once more with the lock (2026-12-03, an app's URL rules in a test's
# setup), most likely something else touching the count while a collection mid-parse ran
# finalizers. No collection runs during a parse now, so no finalizer hands the GIL over there.
_parse, _parsing = ast.parse, threading.RLock()


def _parse_one_at_a_time(*args, **kwargs):
    with _parsing:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _parse(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()


ast.parse = _parse_one_at_a_time


def pytest_sessionfinish(session, exitstatus):
    drop_test_databases()


# --- the fast layer starts nothing ------------------------------------------------------------
# A test that starts a process (a real server, the fieldops command, a browser) is `live`, and
# `make test-fast` leaves it out. Using the live_server or browser fixture marks a test by
# itself; one that starts a process some other way must say so with @pytest.mark.live, or its
# first process is refused with the reason.

MARKS_OF_FIXTURES = {"live_server": ("live",), "browser": ("browser", "live")}
# The offload worker is what fieldops.offload runs under a hub, for milliseconds and serving
# nothing: tests of that module start it directly. Node runs the pages' pure stream model
# (tests/js/) for the same kind of moment.
ALLOWED_CHILDREN = (["-m", "fieldops.offload"],)
ALLOWED_SCRIPTS = ("tests/js/",)
_unmarked_test: str | None = None


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by these marks
def pytest_collection_modifyitems(config, items):
    in_workers = config.pluginmanager.hasplugin("xdist")
    for item in items:
        for fixture, marks in MARKS_OF_FIXTURES.items():
            if fixture in item.fixturenames:
                for mark in marks:
                    item.add_marker(mark)
        if in_workers:
            item.add_marker(pytest.mark.xdist_group(_worker_group(item)))


@pytest.hookimpl(optionalhook=True)  # xdist's hook: absent under -p no:xdist
def pytest_xdist_node_collection_finished(node, ids):
    """Stop where loadgroup would silently not group. Every test gets a group, which xdist
    writes into its node id; on pytest 9.2 that no longer takes (pytest-xdist#1386), and the
    files' tests were spread over both workers: two pairs of processes crossed each other's
    messages on the one Redis."""
    ungrouped = [nodeid for nodeid in ids if "@" not in nodeid.rsplit("]", 1)[-1]]
    if ungrouped and node.config.getvalue("dist") == "loadgroup":
        pytest.exit(
            f"--dist loadgroup did not group {ungrouped[0]} (and {len(ungrouped) - 1} more): "
            "this pytest and pytest-xdist do not work together (see constraints.txt)",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def _worker_group(item) -> str:
    """`make test` runs the suite in two workers (pytest -n 2 --dist loadgroup): a file's tests
    stay together (its module fixtures, a server or a browser, start once), and the files that
    share the one Redis (its channels, streams and lead key) run one after another."""
    return "redis" if item.get_closest_marker("redis") else item.module.__name__


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _unmarked_test
    _unmarked_test = None if item.get_closest_marker("live") else item.nodeid
    databases.test_without_redis_mark = None if item.get_closest_marker("redis") else item.nodeid
    try:
        return (yield)
    finally:
        _unmarked_test = None
        databases.test_without_redis_mark = None


def _refuse_processes_in_unmarked_tests(event: str, args: tuple) -> None:
    if event != "subprocess.Popen" or _unmarked_test is None:
        return
    argv = list(args[1]) if isinstance(args[1], list | tuple) else [args[1]]
    if argv[1:3] in ALLOWED_CHILDREN:
        return
    if Path(str(argv[0])).name == "fc-list":
        return  # matplotlib asks fontconfig for the fonts once, to build its font cache
    if Path(str(argv[0])).name in ("node", "nodejs") and any(
        script in str(argv[1:2]) for script in ALLOWED_SCRIPTS
    ):
        return
    raise RuntimeError(
        f"{_unmarked_test} starts a process ({[str(a)[:40] for a in argv[:3]]}...): mark it "
        "@pytest.mark.live (make test-fast runs only tests that start nothing)"
    )


sys.addaudithook(_refuse_processes_in_unmarked_tests)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes():
    """scrypt's cost protects stored passwords, and would be most of the in-process tests'
    time: they hash with one PBKDF2 round (werkzeug's format all the same). Real servers in
    subprocesses keep the default."""
    from functools import partial

    from werkzeug.security import generate_password_hash

    from fieldops.auth import services

    patch = pytest.MonkeyPatch()
    cheap = partial(generate_password_hash, method="pbkdf2:sha256:1")
    patch.setattr(services, "generate_password_hash", cheap)
    yield
    patch.undo()


def _app_config(db_url: str, tmp_path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "ASYNC_MODE": "threading",
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "TILE_URL": "",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MESSAGE_QUEUE": None,
        "CHECK_ENVELOPES": True,
    }


@pytest.fixture
def backend(request) -> str:
    """sqlite by default; parametrize with indirect=True to run on PostgreSQL too."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def app(backend, tmp_path, request):
    """The app in-process, on a fresh database; `@pytest.mark.app_config(NAME=value)` adds
    configuration."""
    from fieldops import realtime
    from fieldops.app import create_app
    from fieldops.auth import device_callers
    from fieldops.extensions import db
    from fieldops.tracking import ingest, live

    if backend == "postgresql":
        db_url = postgres_url_or_skip()
    else:
        target = tmp_path / "fieldops.sqlite3"
        shutil.copy(sqlite_template(), target)
        db_url = f"sqlite:///{target}"
    live.reset()
    ingest.reset()
    device_callers.reset()
    realtime.contract_breaches.clear()
    marker = request.node.get_closest_marker("app_config")
    app = create_app(_app_config(db_url, tmp_path) | (marker.kwargs if marker else {}))
    if backend == "postgresql":
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        db.engine.dispose()
    live.reset()
    ingest.reset()
    device_callers.reset()
    # Every envelope and join ack the test caused kept its contract (fieldops.envelopes).
    assert not realtime.contract_breaches, realtime.contract_breaches


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    """Signs a test client in through the real login endpoint and adds the CSRF header."""

    def __init__(self, client):
        self.client = client
        self.csrf = None

    def login(self, username: str, password: str = STAFF_PASSWORD):
        response = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        if response.status_code == 200:
            self.csrf = response.get_json()["csrf_token"]
        return response

    def join(self, code: str, name: str = "Pat Officer", badge: str = "1001", pin: str = ""):
        body = {"code": code, "name": name, "badge": badge} | ({"pin": pin} if pin else {})
        response = self.client.post("/api/v1/join", json=body)
        if response.status_code == 201:
            self.csrf = response.get_json()["csrf_token"]
        return response

    def post(self, url: str, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.post(url, headers=headers, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def make_user(app):
    from fieldops.auth.services import create_user
    from fieldops.db import write_transaction

    def make(role: str = "command", username: str | None = None, password: str = STAFF_PASSWORD):
        username = username or f"{role}-{uuid.uuid4().hex[:6]}"
        with app.app_context(), write_transaction():
            user = create_user(username=username, password=password, role=role)
            return user.id, username

    return make


@pytest.fixture
def make_event(app):
    from fieldops.db import write_transaction
    from fieldops.events import services

    def make(name: str = "City Marathon", kind: str = "marathon", **kwargs):
        starts = kwargs.pop("starts_at", datetime.now(UTC) - timedelta(hours=1))
        ends = kwargs.pop("ends_at", starts + timedelta(hours=10))
        with app.app_context(), write_transaction():
            event = services.create_event(
                name=name, kind=kind, starts_at=starts, ends_at=ends, **kwargs
            )
            return {"id": event.id, "code": event.enrollment_code}

    return make


@pytest.fixture
def make_post(app):
    from fieldops.db import write_transaction
    from fieldops.events import services
    from fieldops.events.models import Event
    from fieldops.extensions import db

    def make(
        event_id: int,
        name: str = "Mile 1 crossing",
        lat: float = 40.6,
        lon: float = -74.0,
        radius_m: float = 50.0,
        kind: str = "traffic_point",
        **kwargs,
    ):
        with app.app_context(), write_transaction():
            post = services.add_post(
                db.session.get(Event, event_id),
                name=name,
                kind=kind,
                lat=lat,
                lon=lon,
                radius_m=radius_m,
                **kwargs,
            )
            return post.id

    return make


@pytest.fixture
def make_officer(app):
    """Join an event as an officer through the service; returns (officer id, device token)."""
    from fieldops.db import write_transaction
    from fieldops.events.models import Event
    from fieldops.extensions import db
    from fieldops.joining import services

    def make(event: dict, name: str = "Pat Officer", badge: str | None = None):
        badge = badge or uuid.uuid4().hex[:6]
        with app.app_context(), write_transaction():
            enrollment = services.join_event(
                db.session.get(Event, event["id"]), code=event["code"], name=name, badge=badge
            )
            return enrollment.officer.id, enrollment.token

    return make


@pytest.fixture
def assign(app):
    from fieldops.auth.models import User
    from fieldops.db import write_transaction
    from fieldops.events import roster
    from fieldops.events.models import Event, Post
    from fieldops.extensions import db

    def make(event_id: int, officer_id: int, post_id: int, hours: float = 8):
        now = datetime.now(UTC)
        with app.app_context(), write_transaction():
            roster.assign(
                db.session.get(Event, event_id),
                officer=db.session.get(User, officer_id),
                post=db.session.get(Post, post_id),
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=hours),
            )

    return make


@pytest.fixture
def tick(app):
    """Run one ingest tick, as the server's background task does every PUSH_TICK."""
    from fieldops.tracking import ingest

    def run() -> int:
        with app.app_context():
            return ingest.flush(
                stale_after=app.config["STALE_AFTER"], off_post_after=app.config["OFF_POST_AFTER"]
            )

    return run


def fix(lat: float = 40.6, lon: float = -74.0, seconds_ago: float = 0, **extra) -> dict:
    recorded = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return {
        "lat": lat,
        "lon": lon,
        "accuracy": 8.0,
        "recorded_at": recorded.isoformat().replace("+00:00", "Z"),
        **extra,
    }


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The real server (eventlet) in a subprocess, on a fresh database, with staff seeded."""
    with LiveServer(tmp_path_factory.mktemp("live")) as server:
        yield server


def _waits_without_eval() -> None:
    """Playwright runs a bare-expression predicate ("window.x > 1") with eval, which the
    pages' Content-Security-Policy forbids, as it should: a bare expression becomes an arrow
    function, which Playwright compiles without eval."""
    from playwright.sync_api import Page

    if getattr(Page.wait_for_function, "_without_eval", False):
        return
    original = Page.wait_for_function

    function = re.compile(r"^(async\s+)?(\(|function\b|[A-Za-z_$][\w$]*\s*=>)")

    def wait_for_function(self, expression: str, *args, **kwargs):
        text = expression.strip()
        if not function.match(text):
            expression = f"() => ({text})"
        return original(self, expression, *args, **kwargs)

    wait_for_function._without_eval = True
    Page.wait_for_function = wait_for_function


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session."""
    from playwright.sync_api import sync_playwright

    _waits_without_eval()

    from tests.support.browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshots(request):
    """Where a test saves what it saw (test-artifacts/, git-ignored), for people to look at."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)

    def path(name: str) -> str:
        return str(folder / f"{request.node.name}-{name}.png")

    return path


@pytest.fixture
def scene(app, make_user, make_event, make_post, make_officer, tick):
    """An event with a post, command and organizer logins, and helpers to add officers."""
    from tests.support.scene import Scene

    return Scene(app, make_user, make_event, make_post, make_officer, tick)
