"""What the officer-minute summary (issue 10) costs the ingest: the time of storing a tick's
fixes (ingest._write) with and without its upsert into officer_minutes, side by side in one
run, on SQLite, with every officer on shift at a post (the costly case: each fix is tested
against the post's area).

    .venv/bin/python bench/officer_minutes.py                  # 1,000 officers, 500-fix ticks
    .venv/bin/python bench/officer_minutes.py --batch 100 --rounds 40

The two variants alternate round by round, so the machine's noise falls on both alike; the
figure that matters is the ratio and the microseconds per fix it adds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import build_database  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500, help="fixes stored per tick")
    parser.add_argument("--rounds", type=int, default=30, help="ticks timed per variant")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="fieldops-minutes-bench-"))
    path = folder / "bench.sqlite3"
    size = SimpleNamespace(
        officers=args.officers, hours=0.05, interval=60, incidents=0, items=0, posts=60
    )
    built = build_database(path, size)

    from sqlalchemy import select, text

    from fieldops.app import create_app
    from fieldops.events.models import Post
    from fieldops.extensions import db
    from fieldops.tracking import ingest, live, minutes
    from fieldops.tracking.schemas import FixIn

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ASYNC_MODE": "threading",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    without = SimpleNamespace(upsert=lambda session: text("SELECT 1"), rows=lambda items: {})
    timings: dict[str, list[float]] = {"with minutes": [], "without": []}
    with app.app_context():
        event = live.sync_from_db(built["event_id"])
        posts = {p.id: p for p in db.session.scalars(select(Post))}
        states = list(event.officers.values())
        for n, state in enumerate(states):  # on shift at their post, as during the race
            post = list(posts.values())[n % len(posts)]
            state.post = live.post_area(post)
            state.shift = {"id": n, "post_id": post.id, "checked_in_at": datetime.now(UTC)}
        clock = datetime.now(UTC).replace(microsecond=0)
        for round_ in range(args.rounds * 2):
            variant = "with minutes" if round_ % 2 == 0 else "without"
            ingest.minutes = minutes if variant == "with minutes" else without
            items = []
            for k in range(args.batch):
                state = states[(round_ * args.batch + k) % len(states)]
                clock += timedelta(milliseconds=10)
                area = state.post
                fix = FixIn(lat=area["lat"], lon=area["lon"], accuracy=8.0, recorded_at=clock)
                items.append(
                    ingest.PendingFix(
                        state.event_id, state.officer_id, fix, "socket", datetime.now(UTC)
                    )
                )
            started = time.perf_counter()
            ingest._write(items)
            timings[variant].append((time.perf_counter() - started) / args.batch * 1e6)
        ingest.minutes = minutes
    with_, without_ = (statistics.median(timings[k]) for k in ("with minutes", "without"))
    print(f"{args.officers} officers on shift, {args.batch}-fix ticks, {args.rounds} each:")
    print(f"  store a tick, with the officer-minute upsert: {with_:7.1f} µs per fix")
    print(f"  store a tick, without it:                     {without_:7.1f} µs per fix")
    print(f"  ratio {with_ / without_:.2f}×, adds {with_ - without_:.1f} µs per fix")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
