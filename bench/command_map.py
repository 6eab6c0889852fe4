"""The command map with a big-city detail on it: N officers (default 2,000) at the demo's 60
posts along the NYC course, joined and checked in through the phone's HTTP API, then /command
in Debian chromium at 1280x800. Prints how many groups the starting zoom shows and how long a
zoom step takes in the page; saves what the dispatcher sees.

    .venv/bin/python bench/command_map.py [--officers 2000] [--out bench/results]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.support.live_server import StaffSession  # noqa: E402
from tests.support.server_process import free_port  # noqa: E402


def serve_demo(
    folder: Path, extra_env: dict | None = None, app_root: Path = ROOT
) -> tuple[subprocess.Popen, str, str]:
    """`fieldops demo --no-simulate` on a fresh database: (process, url, its log text); the
    `fieldops` package of `app_root` (another checkout) when given."""
    port = free_port()
    env = {
        **os.environ,
        "FIELDOPS_DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "FIELDOPS_INSTANCE_PATH": str(folder / "instance"),
        "FIELDOPS_TILE_URL": "",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log = folder / "demo.log"
    command = [sys.executable, "-m", "fieldops.entry", "demo", "--no-simulate", "--tls-port", "0"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=app_root,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return process, url, log.read_text()
        except requests.ConnectionError:
            time.sleep(0.25)
    process.kill()
    raise SystemExit(f"the demo did not start:\n{log.read_text()[-3000:]}")


def demo_marathon(url: str, log: str) -> tuple[StaffSession, str, str, dict, list]:
    """The demo's marathon, from what `fieldops demo` printed: a command session and its
    password, the enrollment code, the event and its posts."""
    password = dict(re.findall(r"username (\w+)\s+password (\S+)", log))["command"]
    code = re.findall(r"enrollment code ([A-Z0-9]{6,})", log)[0]
    command = StaffSession(url)
    command.login("command", password)
    events = command.get("/api/v1/events").json()["events"]
    event = next(e for e in events if e["kind"] == "marathon")
    posts = command.get(f"/api/v1/events/{event['id']}").json()["posts"]
    return command, password, code, event, posts


def fill(url: str, code: str, event_id: int, posts: list[dict], count: int) -> tuple[float, list]:
    """Join `count` walk-up officers, check each in at a post and send one fix near it:
    (seconds taken, [{token, lat, lon}] the officers' device tokens and first fixes)."""

    def one(i: int) -> dict:
        session = requests.Session()
        joined = session.post(
            f"{url}/api/v1/join",
            json={"code": code, "name": f"Officer {i}", "badge": f"X{i:05d}"},
            timeout=30,
        ).json()
        headers = {"Authorization": f"Bearer {joined['device_token']}"}
        base = f"{url}/api/v1/events/{event_id}"
        post = posts[i % len(posts)]
        session.post(
            f"{base}/shift/check-in", json={"post_id": post["id"]}, headers=headers, timeout=30
        )
        fix = {
            "lat": post["lat"] + random.uniform(-0.0004, 0.0004),
            "lon": post["lon"] + random.uniform(-0.0004, 0.0004),
            "accuracy": 8,
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        session.post(f"{base}/positions", json=fix, headers=headers, timeout=30)
        return {"token": joined["device_token"], "lat": fix["lat"], "lon": fix["lon"]}

    started = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        officers = list(pool.map(one, range(count)))
    return time.monotonic() - started, officers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory(prefix="fieldops-map-") as folder:
        process, url, log = serve_demo(Path(folder))
        try:
            command, password, code, event, posts = demo_marathon(url, log)
            took, _officers = fill(url, code, event["id"], posts, args.officers)
            print(f"{args.officers} officers joined, checked in and placed in {took:.0f} s")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{url}/login?next=/command")
                page.fill("input[name=username]", "command")
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
                expect(page.get_by_test_id("connection-label")).to_have_text("Live", timeout=60_000)
                page.wait_for_timeout(3000)
                page.screenshot(path=str(out / f"command-map-{args.officers}.png"))
                shown = page.evaluate(
                    "({groups: window.fieldopsCommand.groups().length,"
                    " zoom: window.fieldopsCommand.map.getZoom()})"
                )
                steps = page.evaluate(
                    """() => [14, 15, 16, 13.5].map((zoom) => {
                         const t0 = performance.now();
                         window.fieldopsCommand.map.setZoom(zoom, { animate: false });
                         return Math.round(performance.now() - t0);
                       })"""
                )
                print(f"starting zoom {shown['zoom']}: {shown['groups']} groups on screen")
                print(f"zoom steps to 14, 15, 16, 13.5 took {steps} ms in the page")
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"screenshot in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
