"""Report benchmark (issue 10): a marathon of 1,000 officers × 10 hours × one fix per 5 s
(7.2 million fixes), 2,000 incidents and 500 lost-and-found items, in SQLite, then the time
of the report page, the CSV zip, the PDF and a replay seek, and the peak memory.

    .venv/bin/python bench/report.py                     # the issue's size
    .venv/bin/python bench/report.py --officers 100 --hours 2   # a quick look
    .venv/bin/python bench/report.py --database PATH --serve eventlet  # a real server's

The data is written straight into a fresh database built by the migrations (raw sqlite3
executemany, in the format SQLAlchemy reads); the report is then asked for over the app's
WSGI interface by a signed-in command user, in this process (threading mode: charts and the
PDF are drawn in the request, not in a child process). Every figure is a wall-clock time on
this machine; the ratio that matters is against the targets (page ≤ 2 s, CSV ≤ 2 s, PDF ≤ 15 s,
replay seek ≤ 300 ms).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FMT = "%Y-%m-%d %H:%M:%S.%f"
START = datetime(2026, 11, 1, 11, 0, tzinfo=UTC)
TYPES = ["medical", "crowd", "traffic", "suspicious", "fight", "lost_person", "hazard", "other"]
SEVERITIES = ["low", "medium", "high", "critical"]
CATEGORIES = ["bag", "phone", "wallet_purse", "keys", "clothing", "eyewear", "other"]


def ts(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).strftime(FMT)


def build_database(path: Path, args) -> dict:
    from fieldops.app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ASYNC_MODE": "threading",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(path.parent / "instance"),
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from fieldops.auth.services import create_user
        from fieldops.db import write_transaction

        with write_transaction():
            create_user(username="bench-command", password="bench-password-1", role="command")
    from fieldops.extensions import db

    with app.app_context():
        db.engine.dispose()

    rng = random.Random(7)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    end = START + timedelta(hours=args.hours)
    cur = con.cursor()
    cur.execute(
        "INSERT INTO events (name, kind, venue, starts_at, ends_at, timezone, distance_unit,"
        " enrollment_code, retention_days, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            "Bench Marathon",
            "marathon",
            "",
            ts(START),
            ts(end),
            "America/New_York",
            "mi",
            "BENCH1",
            30,
            ts(START),
        ),
    )
    event_id = cur.lastrowid
    posts = []
    for n in range(args.posts):
        lat, lon = 40.60 + n * 0.004, -74.03 + (n % 7) * 0.006
        cur.execute(
            "INSERT INTO posts (event_id, name, kind, lat, lon, radius_m, orders, is_exit)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (event_id, f"Mile {n + 1} point", "traffic_point", lat, lon, 60.0, "", 0),
        )
        posts.append((cur.lastrowid, lat, lon))
    cur.execute("SELECT id FROM users WHERE username = 'bench-command'")
    command_id = cur.fetchone()[0]
    officers = []
    for n in range(args.officers):
        cur.execute(
            "INSERT INTO users (role, display_name, badge, created_at) VALUES (?,?,?,?)",
            ("OFFICER", f"Officer {n:04d}", f"{5000 + n}", ts(START)),
        )
        officers.append(cur.lastrowid)
        cur.execute(
            "INSERT INTO event_officers (event_id, officer_id, joined_at, status) VALUES (?,?,?,?)",
            (event_id, cur.lastrowid, ts(START), "on_post"),
        )
    shift_rows = []
    for n, officer_id in enumerate(officers):
        post_id = posts[n % len(posts)][0]
        cur.execute(
            "INSERT INTO assignments (event_id, officer_id, post_id, starts_at, ends_at,"
            " hourly_rate) VALUES (?,?,?,?,?,?)",
            (event_id, officer_id, post_id, ts(START), ts(end), 55.0),
        )
        late = timedelta(minutes=rng.choice([0, 0, 0, 3, 12]))
        out = end if n % 20 else None
        shift_rows.append(
            (event_id, officer_id, post_id, cur.lastrowid, ts(START + late), out and ts(out))
        )
    cur.executemany(
        "INSERT INTO shift_log (event_id, officer_id, post_id, assignment_id, checked_in_at,"
        " checked_out_at) VALUES (?,?,?,?,?,?)",
        shift_rows,
    )
    con.commit()

    fixes = 0
    step = timedelta(seconds=args.interval)
    started = time.monotonic()
    per_officer = int(args.hours * 3600 / args.interval)
    for n, officer_id in enumerate(officers):
        _post, lat, lon = posts[n % len(posts)]
        rows = []
        at = START
        for _ in range(per_officer):
            lat += rng.uniform(-0.00005, 0.00005)
            lon += rng.uniform(-0.00005, 0.00005)
            stamp = ts(at)
            rows.append((event_id, officer_id, lat, lon, 8.0, stamp, stamp, "sim"))
            at += step
        cur.executemany(
            "INSERT INTO position_fixes (event_id, officer_id, lat, lon, accuracy, recorded_at,"
            " received_at, source) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
        fixes += len(rows)
        if n % 100 == 99:
            con.commit()
            rate = fixes / (time.monotonic() - started)
            print(f"  fixes: {fixes:,} ({rate:,.0f}/s)", flush=True)
    con.commit()
    # The ingest's minute summary of those fixes (tracking.minutes), all inside their posts.
    cur.execute(
        "INSERT INTO officer_minutes (event_id, officer_id, minute, inside, outside)"
        " SELECT event_id, officer_id, strftime('%Y-%m-%d %H:%M:00.000000', recorded_at), 1, 0"
        " FROM position_fixes WHERE event_id = ? GROUP BY 1, 2, 3",
        (event_id,),
    )
    con.commit()

    for n in range(args.incidents):
        received = START + timedelta(seconds=rng.uniform(0, args.hours * 3600 - 3600))
        post_id, lat, lon = rng.choice(posts)
        type_, severity = rng.choice(TYPES), rng.choice(SEVERITIES)
        cur.execute(
            "INSERT INTO incidents (event_id, client_id, body_hash, type, severity, status,"
            " lat, lon, place, note, reported_by_id, reported_at, received_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                event_id,
                f"b{n}",
                "x",
                type_,
                severity,
                "resolved",
                lat + 0.001,
                lon,
                "Mile x",
                "bench",
                rng.choice(officers),
                ts(received),
                ts(received),
                ts(received),
            ),
        )
        incident_id = cur.lastrowid
        ack = received + timedelta(seconds=rng.uniform(10, 240))
        sent = ack + timedelta(seconds=rng.uniform(10, 120))
        scene = sent + timedelta(seconds=rng.uniform(60, 900))
        done = scene + timedelta(seconds=rng.uniform(120, 1800))
        entries = [
            ("reported", received, f'{{"type": "{type_}", "severity": "{severity}"}}'),
            ("status", ack, '{"from": "reported", "to": "acknowledged"}'),
            ("assigned", sent, '{"name": "Officer"}'),
            ("status", sent, '{"from": "acknowledged", "to": "dispatched"}'),
            ("response", scene, '{"status": "on_scene"}'),
            ("status", done, '{"from": "on_scene", "to": "resolved"}'),
        ]
        cur.executemany(
            "INSERT INTO incident_timeline (incident_id, kind, actor_id, at, data)"
            " VALUES (?,?,?,?,?)",
            [(incident_id, kind, command_id, ts(at), data) for kind, at, data in entries],
        )
        cur.execute(
            "INSERT INTO incident_assignments (incident_id, officer_id, status, dispatched_by_id,"
            " dispatched_at, acknowledged_at, on_scene_at, released_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                incident_id,
                rng.choice(officers),
                "released",
                command_id,
                ts(sent),
                ts(sent),
                ts(scene),
                ts(done),
            ),
        )
    for n in range(args.items):
        found = START + timedelta(seconds=rng.uniform(0, args.hours * 3600 - 3600))
        post_id, lat, lon = rng.choice(posts)
        finder = rng.choice(officers)
        cur.execute(
            "INSERT INTO found_items (event_id, client_id, body_hash, category, description,"
            " colours, brand, marks, lat, lon, place, found_at, found_by_id, finder_name,"
            " finder_contact, logged_by_id, stored_at, personal_data, status, retain_until,"
            " received_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                event_id,
                f"f{n}",
                "x",
                rng.choice(CATEGORIES),
                "bench item",
                '["black"]',
                "",
                "",
                lat,
                lon,
                "Mile x",
                ts(found),
                finder,
                "",
                "",
                finder,
                "desk",
                0,
                "in_custody",
                ts(end + timedelta(days=30)),
                ts(found),
                ts(found),
            ),
        )
        item_id = cur.lastrowid
        cur.executemany(
            "INSERT INTO custody_records (item_id, from_kind, from_name, from_user_id, to_kind,"
            ' to_name, to_user_id, at, "where", received_by, recorded_by_id, note,'
            " identity_detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    item_id,
                    "finder",
                    "Officer",
                    finder,
                    "officer",
                    "Officer",
                    finder,
                    ts(found),
                    "",
                    "Officer",
                    finder,
                    "",
                    "",
                ),
                (
                    item_id,
                    "officer",
                    "Officer",
                    finder,
                    "desk",
                    "desk",
                    None,
                    ts(found + timedelta(minutes=40)),
                    "",
                    "Desk",
                    command_id,
                    "",
                    "",
                ),
            ],
        )
    con.commit()
    con.close()
    return {"event_id": event_id, "fixes": fixes, "officers": officers, "end": end}


def timed(label: str, fn, results: dict):
    started = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - started
    print(f"  {label}: {results[label] * 1000:,.0f} ms", flush=True)
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--hours", type=float, default=10)
    parser.add_argument("--interval", type=float, default=5, help="seconds between fixes")
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--database", type=Path, help="time an earlier run's database again")
    parser.add_argument(
        "--serve",
        choices=["eventlet", "gevent", "threading"],
        help="ask a `fieldops serve` process in this async mode over HTTP, not the app in-process",
    )
    args = parser.parse_args(argv)

    if args.database:
        path, folder = args.database, args.database.parent
        built = {"event_id": 1}
    else:
        folder = Path(tempfile.mkdtemp(prefix="fieldops-report-bench-"))
        path = folder / "bench.sqlite3"
        print(f"building {path} …", flush=True)
        started = time.monotonic()
        built = build_database(path, args)
        print(
            f"built in {time.monotonic() - started:,.0f} s: {built['fixes']:,} fixes, "
            f"{path.stat().st_size / 1e6:,.0f} MB",
            flush=True,
        )

    server = None
    if args.serve:
        server = ServedReport(path, folder, args.serve)
        client = server.client()
    else:
        client = in_process_client(path, folder)
    login = client.post(
        "/api/v1/auth/login", json={"username": "bench-command", "password": "bench-password-1"}
    )
    assert login.status_code == 200, login.get_json()
    event_id = built["event_id"]
    results: dict[str, float] = {}
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for attempt in ("cold", "warm"):
        print(f"{attempt}:")
        page = timed(f"page ({attempt})", lambda: client.get(f"/events/{event_id}/report"), results)
        assert page.status_code == 200, page.data[:300]
        zipped = timed(
            f"csv zip ({attempt})", lambda: client.get(f"/events/{event_id}/report.zip"), results
        )
        assert zipped.status_code == 200
    pdf = timed("pdf", lambda: client.get(f"/events/{event_id}/report.pdf"), results)
    assert pdf.status_code == 200
    middle = START + timedelta(hours=args.hours / 2, minutes=7, seconds=3)
    for n, at in enumerate((middle, middle + timedelta(minutes=10), START + timedelta(hours=1))):
        response = timed(
            f"replay seek {n + 1}",
            lambda at=at: client.get(
                f"/api/v1/events/{event_id}/replay?at={at.isoformat().replace('+00:00', 'Z')}"
            ),
            results,
        )
        if response.status_code != 200:
            print(f"  (replay answered {response.status_code})")
            break
        print(f"    {len(response.get_json().get('officers', []))} officers placed")
    print()
    print(
        f"page {len(page.data) / 1e6:.1f} MB, zip {len(zipped.data) / 1e6:.1f} MB, "
        f"pdf {len(pdf.data) / 1e6:.1f} MB"
    )
    if server:
        print(f"server's peak RSS {server.peak_rss_mb():,.0f} MB ({args.serve})")
        server.stop()
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:,.0f} MB (after building and connecting: {base_rss:,.0f} MB)")
    return 0


def in_process_client(path: Path, folder: Path):
    """The app's WSGI test client in this process (threading: charts drawn in the request)."""
    from fieldops.app import create_app

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # it warns of every SVG style
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ASYNC_MODE": "threading",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    return app.test_client()


class ServedReport:
    """`fieldops serve` on the built database in its own process, asked over real HTTP (under
    eventlet or gevent the charts and the PDF are drawn in a child process)."""

    def __init__(self, path: Path, folder: Path, mode: str):
        from tests.support.server_process import ServerProcess

        env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDOPS_")}
        env |= {
            "FIELDOPS_DATABASE_URL": f"sqlite:///{path}",
            "FIELDOPS_SECRET_KEY": "bench-report",
            "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
            "FIELDOPS_TILE_URL": "",
            "FIELDOPS_ASYNC_MODE": mode,
        }
        self.process = ServerProcess(folder / f"serve-{mode}.log", env)
        self.process.start("serve", timeout=120)

    def client(self):
        import requests

        session = requests.Session()
        base = self.process.url

        class Answer:
            def __init__(self, response):
                self.status_code, self.data = response.status_code, response.content
                self.get_json = response.json

        class Client:
            def get(self, url):
                return Answer(session.get(base + url, timeout=300))

            def post(self, url, json):
                return Answer(session.post(base + url, json=json, timeout=300))

        return Client()

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> None:
        self.process.stop()


if __name__ == "__main__":
    raise SystemExit(main())
