"""A real fieldops server in a subprocess, and real clients for it (HTTP and Socket.IO)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import requests
import socketio

from tests.support.server_process import ROOT, ServerProcess

STAFF_PASSWORD = "correct-horse-battery"
STAFF_ROLES = ("admin", "command", "organizer")


def fieldops_command(env: dict, *args: str, stdin: str = "", cwd: Path = ROOT) -> str:
    """Run `fieldops <args>` as an operator would (its output; an error names the command)."""
    done = subprocess.run(
        [sys.executable, "-m", "fieldops.entry", *args],
        input=stdin,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"fieldops {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def seed_staff(env: dict, password: str = STAFF_PASSWORD, cwd: Path = ROOT) -> None:
    """Logins admin, command and organizer (the database must be migrated: `serve` does it)."""
    rows = "".join(f"{role},{role},{password}\n" for role in STAFF_ROLES)
    fieldops_command(env, "user", "import", stdin=rows, cwd=cwd)


@cache
def seeded_sqlite_template() -> Path:
    """A database made once per test session the way an operator makes one (`fieldops init`,
    then the staff logins with `fieldops user import`); each seeded server copies it."""
    folder = Path(tempfile.mkdtemp(prefix="fieldops-live-template-"))
    path = folder / "live.sqlite3"
    env = {
        **os.environ,
        "FIELDOPS_DATABASE_URL": f"sqlite:///{path}",
        "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
        "FIELDOPS_SECRET_KEY": "template",
    }
    fieldops_command(env, "init")
    seed_staff(env)
    return path


class ServerClients:
    """What a test does against a server at `url`: staff sessions, events, phones, sockets."""

    url: str
    verify: bool | str = True

    def staff(self, role: str) -> StaffSession:
        session = StaffSession(self.url)
        session.verify = self.verify
        session.login(role, STAFF_PASSWORD)
        return session

    def create_event(self, admin: StaffSession, **overrides) -> dict:
        from datetime import UTC, datetime, timedelta

        now = datetime.now(UTC)
        body = {
            "name": "Live Test Marathon",
            "kind": "marathon",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=9)).isoformat(),
            **overrides,
        }
        response = admin.post("/api/v1/events", json=body)
        response.raise_for_status()
        return response.json()

    def join_officer(
        self, code: str, name: str, badge: str, pin: str = ""
    ) -> tuple[requests.Session, dict]:
        """A phone joins (a badge already at the event needs its `pin`)."""
        session = requests.Session()
        session.verify = self.verify
        body = {"code": code, "name": name, "badge": badge} | ({"pin": pin} if pin else {})
        response = session.post(
            f"{self.url}/api/v1/join",
            json=body,
            timeout=10,
            verify=self.verify,  # per request: REQUESTS_CA_BUNDLE would win over session.verify
        )
        response.raise_for_status()
        return session, response.json()

    def socket(
        self,
        *,
        token: str | None = None,
        cookies: requests.Session | None = None,
        headers: dict | None = None,
        transport: str = "websocket",
    ) -> socketio.Client:
        http = requests.Session()
        http.verify = self.verify  # engineio trusts the same certificate on the websocket
        client = socketio.Client(reconnection=False, http_session=http)
        all_headers = dict(headers or {})
        if cookies is not None and transport == "polling":
            # In the jar, as a browser keeps them: then the cookies each answer sets (a sticky
            # load balancer's) go with the next request too; a Cookie header would replace them.
            http.cookies.update(cookies.cookies)
        elif cookies is not None:
            all_headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in cookies.cookies)
        client.connect(
            self.url,
            namespaces=["/live"],
            transports=[transport],
            auth={"token": token} if token else None,
            headers=all_headers,
            wait_timeout=10,
        )
        return client

    def watched_officer(self, name: str, badge: str) -> Watched:
        """A new event, a command screen following it, and an officer's phone joined to it."""
        event = self.create_event(self.staff("admin"))
        screen = self.socket(cookies=self.staff("command"))
        seen = Recorder(screen)
        assert screen.call("join", {"event_id": event["id"]}, namespace="/live", timeout=10)["ok"]
        http, joined = self.join_officer(event["enrollment_code"], name, badge)
        phone = self.socket(token=joined["device_token"])
        assert phone.call("join", {"event_id": event["id"]}, namespace="/live", timeout=10)["ok"]
        return Watched(event, screen, seen, http, joined, phone)


@dataclass
class Watched:
    event: dict
    screen: socketio.Client
    seen: Recorder
    http: requests.Session  # the phone's, for its HTTP calls
    joined: dict  # the join's answer: the officer, the device token
    phone: socketio.Client

    def close(self) -> None:
        self.phone.disconnect()
        self.screen.disconnect()


class Front(ServerClients):
    """The clients of a server known only by its address (a load balancer in front of several)."""

    def __init__(self, url: str):
        self.url = url


class LiveServer(ServerClients, ServerProcess):
    """`fieldops serve` (eventlet) on a fresh SQLite database, with staff logins seeded.

    tls=True: `serve --tls` (HTTPS on its port, the self-signed certificate made in its
    instance folder, which its clients trust). tls_port=N: also HTTPS on N (`https_url`)."""

    def __init__(
        self, folder: Path, seed: bool = True, tls: bool = False, tls_port: int | None = None, **env
    ):
        self.folder = folder
        self.seed = seed
        self.database = folder / "live.sqlite3"
        self.tls, self.tls_port = tls, tls_port
        super().__init__(
            folder / "server.log",
            {
                **os.environ,
                "FIELDOPS_DATABASE_URL": f"sqlite:///{self.database}",
                "FIELDOPS_SECRET_KEY": "live-test-secret",
                "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
                "FIELDOPS_TILE_URL": "",
                "FIELDOPS_PUSH_TICK": "0.2",
                "FIELDOPS_ASYNC_MODE": "eventlet",
                "FIELDOPS_CHECK_ENVELOPES": "1",
                # A test machine running a suite lags now and then: fixes must not be refused
                # for it (tests/test_brake.py turns the brake on).
                "FIELDOPS_SHED_LAG": "0",
                "PYTHONUNBUFFERED": "1",
                **env,
            },
            scheme="https" if tls else "http",
        )
        self.certificate = folder / "instance" / "tls" / "self-signed.crt"
        if tls or tls_port:
            self.verify = str(self.certificate)
        self.https_url = f"https://127.0.0.1:{tls_port}" if tls_port else None

    def start(self) -> None:
        """`serve` migrates the database; the staff logins are made once it answers, with the
        CLI an operator uses (on a new SQLite database of its own: a copy of one made so)."""
        args = ("--tls",) if self.tls else ()
        if self.tls_port:
            args += ("--tls-port", str(self.tls_port))
        own_sqlite = self.env["FIELDOPS_DATABASE_URL"] == f"sqlite:///{self.database}"
        if self.seed and own_sqlite and not self.database.exists():  # not on a restart
            shutil.copy(seeded_sqlite_template(), self.database)
        super().start("serve", args=args)
        if self.seed and not own_sqlite:
            seed_staff(self.env)

    def stop(self) -> None:
        """Stop it; then every envelope and join ack it sent must have kept its contract."""
        super().stop()
        breaches = [line for line in self.log().splitlines() if "breaks its contract" in line]
        assert not breaches, "\n".join(breaches[:5])


class StaffSession(requests.Session):
    """A browser-like session: cookie plus the CSRF header on writes."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url
        self.csrf = None

    def login(self, username: str, password: str) -> None:
        response = super().request(
            "POST",
            f"{self.base_url}/api/v1/auth/login",
            json={"username": username, "password": password},
            timeout=10,
            verify=self.verify,
        )
        response.raise_for_status()
        self.csrf = response.json()["csrf_token"]

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        headers = kwargs.pop("headers", None) or {}
        if self.csrf and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRF-Token", self.csrf)
        kwargs.setdefault("timeout", 10)
        kwargs.setdefault("verify", self.verify)  # REQUESTS_CA_BUNDLE would win over the session's
        return super().request(method, url, *args, headers=headers, **kwargs)


class Recorder:
    """Collects every envelope a socket client receives."""

    def __init__(self, client: socketio.Client):
        self.envelopes: list[dict] = []
        client.on("*", self._on_any, namespace="/live")

    def _on_any(self, event, data):
        self.envelopes.append(data)

    def wait_for(self, predicate, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for envelope in list(self.envelopes):
                if predicate(envelope):
                    return envelope
            time.sleep(0.02)
        raise AssertionError(
            f"no matching envelope in {timeout}s; got {json.dumps(self.envelopes)[:2000]}"
        )
