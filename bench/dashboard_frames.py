"""Does the command map keep up? N officers (default 2,000) on `fieldops demo --no-simulate`
(bench/command_map.py's set-up), every one of them sending a fix over its own socket once per
push tick, so each `positions` envelope carries about N fixes; /command in Debian chromium at
1280x800, zoomed in to 15 on the middle of the course (every officer drawn on its own, none in
a group). In the page, with performance.now():

- message → canvas: from the socket.io client's handler for a `positions` envelope to the
  end of the officers' canvas redraw whose markers stand where that envelope put them (a few
  of its officers are checked); also the websocket frame → handler (socket.io's decoding) and
  the handler's own synchronous part;
- frames while panning, officers still moving: a requestAnimationFrame loop calling
  `map.panBy` (no animation) every frame, and a mouse drag (Playwright's mouse, the path a
  dispatcher's hand takes), each `--pan-seconds` long: frames per second, frames later than
  25 ms (a missed 60 Hz frame), the longest frame and long tasks (> 50 ms).

Nothing is asserted; it prints a table and saves JSON in bench/results/.

    .venv/bin/python bench/dashboard_frames.py [--officers 2000] [--envelopes 40]
        [--push-tick 2] [--label before]

Two fixes a second per officer is more than one server process stores (docs/performance.md),
so by default the server pushes every 2 s (`FIELDOPS_PUSH_TICK`) and each officer sends one fix
per push tick: the envelope is as big as at 0.5 s with every officer sending twice a second.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from command_map import demo_marathon, fill, serve_demo  # noqa: E402
from live import pin_threads  # noqa: E402

from tests.support.browser import CHROMIUM_ARGS, MAP_AT_REST, chromium_path  # noqa: E402

NAMESPACE = "/live"
WALK = 0.00003  # degrees per fix, about 3 m: officers shuffle about their post, never leave it
SAMPLES = 4  # officers of each envelope whose markers must have moved

# Runs in the page before its scripts: timestamps for every websocket frame and every
# `positions` envelope, and a hook on the officers' canvas redraw (installed once Leaflet is
# there). An envelope counts as drawn at the end of the first officers' canvas redraw after
# which its sample officers stand where it put them (fieldopsCommand.officer: what is drawn).
INIT_SCRIPT = r"""
(() => {
  const bench = (window.__bench = {
    wsAt: 0, envelopes: [], pending: [], draws: 0, longTasks: [], box: null,
  });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { bench.wsAt = performance.now(); });
    }
  };
  let io;
  Object.defineProperty(window, "io", {
    configurable: true,
    get: () => io,
    set(value) {
      io = Object.assign((...args) => {
        const socket = value(...args);
        socket.prependAny((type, envelope) => {
          if (type !== "positions") return;
          const t0 = performance.now();
          const fixes = envelope.data.fixes;
          const picks = [0, fixes.length - 1];
          while (picks.length < SAMPLES && picks.length < fixes.length) {
            picks.push(Math.floor(Math.random() * fixes.length));
          }
          const item = {
            seq: envelope.seq, fixes: fixes.length, t0, ws: bench.wsAt, handled: null, drawn: null,
            samples: picks.map((i) => ({
              id: fixes[i].officer_id, lat: fixes[i].lat, lon: fixes[i].lon,
            })),
          };
          bench.envelopes.push(item);
          bench.pending.push(item);
          queueMicrotask(() => { item.handled = performance.now(); }); // after every listener
        });
        return socket;
      }, value);
    },
  });

  function drawnWhereSent(item) {
    const hooks = window.fieldopsCommand;
    if (!bench.box) bench.box = hooks.map.getContainer().getBoundingClientRect();
    return item.samples.every((s) => {
      const shown = hooks.officer(s.id);
      if (!shown || !shown.point) return false;
      const want = hooks.map.latLngToContainerPoint([s.lat, s.lon]);
      return Math.abs(shown.point.x - bench.box.left - want.x) < 0.5 &&
        Math.abs(shown.point.y - bench.box.top - want.y) < 0.5;
    });
  }

  bench.hookCanvas = () => {
    const base = L.Canvas.prototype;
    const redraw = base._redraw;
    base._redraw = function (...args) {
      const result = redraw.apply(this, args);
      if (this._draw === base._draw) return result; // the ground's canvas, not the officers'
      const at = performance.now();
      bench.draws += 1;
      while (bench.pending.length && drawnWhereSent(bench.pending[0])) {
        bench.pending.shift().drawn = at;
      }
      return result;
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        bench.longTasks.push([entry.startTime, entry.duration]);
      }
    }).observe({ type: "longtask", buffered: false });
  };

  // Frame intervals for `ms`, while `step` (if any) runs every frame.
  bench.frames = (ms, step) => new Promise((resolve) => {
    const stamps = [];
    const start = performance.now();
    function frame(now) {
      stamps.push(now);
      if (step) step(stamps.length);
      if (now - start < ms) requestAnimationFrame(frame);
      else resolve(stamps);
    }
    requestAnimationFrame(frame);
  });
})();
""".replace("SAMPLES", str(SAMPLES))


def split_cores(server_pid: int) -> dict | None:
    """--pin: the browser gets the last CPU, the server and the simulated phones (this process)
    the others: a dispatcher's laptop runs neither of them beside its browser."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    browser_cpu, rest = cpus[-1], set(cpus[:-1])
    pin_threads([os.getpid(), server_pid], rest)
    chromium = [
        child.pid
        for child in psutil.Process().children(recursive=True)
        if "chrom" in child.name().lower()
    ]
    pin_threads(chromium, {browser_cpu})
    print(f"pinned: the browser ({len(chromium)} processes) on CPU {browser_cpu}, the rest {rest}")
    return {"browser": [browser_cpu], "server_and_phones": sorted(rest)}


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else None,
    }


def frame_summary(stamps: list[float], long_tasks: list, window: tuple[float, float]) -> dict:
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0
    return {
        "frames": len(stamps),
        "fps": (len(gaps) / span * 1000) if span else None,
        "late_frames": sum(gap > 25 for gap in gaps),  # a missed frame at 60 Hz
        "longest_frame_ms": max(gaps) if gaps else None,
        "long_tasks": sum(window[0] <= start <= window[1] for start, _d in long_tasks),
    }


class Movers:
    """Every officer on its own socket (device token), one fix each per `interval`, spread
    evenly over it, open loop: the answer is not waited for (a `busy` refusal is counted)."""

    def __init__(self, url: str, event_id: int, officers: list[dict], interval: float):
        self.url, self.event_id, self.officers, self.interval = url, event_id, officers, interval
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stop = asyncio.Event()
        self.sent = self.acked = self.refused = self.failed = 0
        self.clients: list[socketio.AsyncClient] = []

    def start(self) -> float:
        self.thread.start()
        return asyncio.run_coroutine_threadsafe(self._connect_all(), self.loop).result(600)

    async def _connect_all(self) -> float:
        started = time.monotonic()
        gate = asyncio.Semaphore(100)

        async def one(officer):
            client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
            async with gate:
                await client.connect(
                    self.url,
                    auth={"token": officer["token"]},
                    transports=["websocket"],
                    namespaces=[NAMESPACE],
                    wait_timeout=30,
                )
                ack = await client.call(
                    "join", {"event_id": self.event_id}, namespace=NAMESPACE, timeout=30
                )
            if not (ack or {}).get("ok"):
                raise SystemExit(f"an officer could not join: {ack}")
            return client

        self.clients = list(await asyncio.gather(*(one(o) for o in self.officers)))
        return time.monotonic() - started

    def run(self) -> None:
        self.future = asyncio.run_coroutine_threadsafe(self._send_all(), self.loop)

    async def _send_all(self) -> None:
        self.stop = asyncio.Event()
        start = time.monotonic()
        n = len(self.clients)
        await asyncio.gather(
            *(self._send(i, start + self.interval * i / n) for i in range(n)),
            return_exceptions=True,
        )

    async def _send(self, i: int, first: float) -> None:
        client, officer = self.clients[i], self.officers[i]
        home = (officer["lat"], officer["lon"])
        lat, lon = home
        k = 0
        while not self.stop.is_set():
            delay = first + k * self.interval - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(self.stop.wait(), delay)
                    return
                except TimeoutError:
                    pass
            k += 1
            lat = min(max(lat + random.uniform(-WALK, WALK), home[0] - 3e-4), home[0] + 3e-4)
            lon = min(max(lon + random.uniform(-WALK, WALK), home[1] - 3e-4), home[1] + 3e-4)
            fix = {
                "lat": lat,
                "lon": lon,
                "accuracy": 8,
                "recorded_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            }
            self.sent += 1
            try:
                await client.emit("position", fix, namespace=NAMESPACE, callback=self._on_ack)
            except Exception:
                self.failed += 1

    def _on_ack(self, ack=None, *_rest) -> None:
        if isinstance(ack, dict) and ack.get("ok"):
            self.acked += 1
        elif isinstance(ack, dict) and (ack.get("error") or {}).get("code") == "busy":
            self.refused += 1
        else:
            self.failed += 1

    def halt(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.future.result(60)

    def close(self) -> None:
        async def down():
            await asyncio.gather(
                *(asyncio.wait_for(c.disconnect(), 10) for c in self.clients),
                return_exceptions=True,
            )

        asyncio.run_coroutine_threadsafe(down(), self.loop).result(120)
        self.loop.call_soon_threadsafe(self.loop.stop)


def fmt(value: float | None, unit: str = "ms") -> str:
    return "-" if value is None else f"{value:.1f} {unit}".strip()


def start_profiler(page):
    """V8's sampling profiler in the page (Chrome DevTools Protocol), every 100 µs."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})
    cdp.send("Profiler.start")
    return cdp


def stop_profiler(cdp, path: str) -> list:
    """Save the .cpuprofile (DevTools opens it) and return the top functions by self time."""
    profile = cdp.send("Profiler.stop")["profile"]
    Path(path).write_text(json.dumps(profile))
    nodes = {node["id"]: node for node in profile["nodes"]}
    gaps = profile.get("timeDeltas") or []
    self_us: collections.Counter = collections.Counter()
    for sample, gap in zip(profile["samples"], gaps[1:] + [0], strict=True):
        frame = nodes[sample]["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1] or frame["url"]
        name = frame["functionName"] or "(anonymous)"
        if name != "(idle)":  # the main thread waiting: not work
            self_us[f"{name} {where}:{frame['lineNumber'] + 1}"] += gap
    busy = sum(self_us.values())
    return [
        {"function": name, "self_ms": round(us / 1000, 1), "share": round(us / busy, 3)}
        for name, us in self_us.most_common(25)
    ]


def measure(page, args) -> dict:
    """Envelopes until `--envelopes` are drawn (bounded), then the pans."""
    page.wait_for_timeout(args.settle * 1000)
    deadline = time.monotonic() + args.envelopes * args.push_tick * 3 + 60
    page.evaluate("window.__bench.envelopes = []; window.__bench.pending = []")
    profiler = start_profiler(page) if args.profile else None
    while time.monotonic() < deadline:
        drawn = page.evaluate("window.__bench.envelopes.filter((e) => e.drawn != null).length")
        if drawn >= args.envelopes:
            break
        page.wait_for_timeout(500)
    profile = stop_profiler(profiler, args.profile) if profiler else None
    loads = [load_average()]
    pans = {}
    box = page.evaluate(
        "(() => { const b = window.fieldopsCommand.map.getContainer().getBoundingClientRect();"
        " return { x: b.left + b.width / 2, y: b.top + b.height / 2 }; })()"
    )
    drag_at = {"x": box["x"], "y": box["y"]}
    page.evaluate("window.__bench.longTasks = []")
    for _round in range(args.pans):
        for kind in ("panBy", "drag"):
            started = page.evaluate("performance.now()")
            if kind == "panBy":
                stamps = page.evaluate(
                    """(ms) => window.__bench.frames(ms, (n) => {
                         const dx = (Math.floor(n / 120) % 2 ? -1 : 1) * 4;
                         window.fieldopsCommand.map.panBy([dx, 1 - (n % 3)], { animate: false });
                       })""",
                    args.pan_seconds * 1000,
                )
            else:
                page.evaluate(
                    "(ms) => { window.__dragFrames = window.__bench.frames(ms); }",
                    args.pan_seconds * 1000,
                )
                page.mouse.move(drag_at["x"], drag_at["y"])
                page.mouse.down()
                end = time.monotonic() + args.pan_seconds
                step = 0
                while time.monotonic() < end:
                    step += 1
                    dx = 200 if step % 2 else -200
                    page.mouse.move(drag_at["x"] + dx, drag_at["y"] + dx / 4, steps=30)
                    page.mouse.move(drag_at["x"], drag_at["y"], steps=30)
                page.mouse.up()
                stamps = page.evaluate("window.__dragFrames")
            window = (started, page.evaluate("performance.now()"))
            long_tasks = page.evaluate("window.__bench.longTasks")
            pans.setdefault(kind, []).append(frame_summary(stamps, long_tasks, window))
        loads.append(load_average())
    envelopes = page.evaluate("window.__bench.envelopes")
    drawn = [e for e in envelopes if e["drawn"] is not None]
    return {
        "envelopes": len(envelopes),
        "envelopes_drawn": len(drawn),
        "fixes_per_envelope": summary([e["fixes"] for e in envelopes]),
        "message_to_canvas_ms": summary([e["drawn"] - e["t0"] for e in drawn]),
        "handler_ms": summary([e["handled"] - e["t0"] for e in envelopes if e["handled"]]),
        "frame_to_handler_ms": summary([e["t0"] - e["ws"] for e in envelopes if e["ws"]]),
        "frame_to_canvas_ms": summary([e["drawn"] - e["ws"] for e in drawn if e["ws"]]),
        "pans": pans,
        "loads": loads,
        "profile_top": profile,
        "raw": [
            {k: e[k] for k in ("seq", "fixes", "t0", "ws", "handled", "drawn")} for e in envelopes
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--envelopes", type=int, default=40, help="drawn envelopes to time")
    parser.add_argument("--push-tick", type=float, default=4.0, help="FIELDOPS_PUSH_TICK, s")
    parser.add_argument("--zoom", type=float, default=15)
    parser.add_argument(
        "--settle",
        type=float,
        default=60,
        help="seconds the page runs with the officers moving before the envelopes are timed",
    )
    parser.add_argument("--pan-seconds", type=float, default=5)
    parser.add_argument("--pans", type=int, default=2, help="rounds of (panBy, drag)")
    parser.add_argument(
        "--app-root",
        default=str(ROOT),
        help="serve this checkout's fieldops (e.g. a `git archive` of another commit)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the browser on a core of its own, the server and the phones on the others",
    )
    parser.add_argument("--label", default="", help="a name for this run in the JSON file")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument(
        "--profile",
        metavar="FILE.cpuprofile",
        help="run V8's sampling profiler in the page while the envelopes are timed",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect, sync_playwright

    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="fieldops-frames-") as folder:
        env = {"FIELDOPS_PUSH_TICK": str(args.push_tick)}
        process, url, log = serve_demo(Path(folder), env, Path(args.app_root))
        movers = None
        try:
            command, password, code, event, posts = demo_marathon(url, log)
            took, officers = fill(url, code, event["id"], posts, args.officers)
            print(f"{args.officers} officers joined, checked in and placed in {took:.0f} s")
            movers = Movers(url, event["id"], officers, args.push_tick)
            print(f"their {args.officers} sockets connected and joined in {movers.start():.0f} s")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.add_init_script(INIT_SCRIPT)
                page.goto(f"{url}/login?next=/command")
                page.fill("input[name=username]", "command")
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
                expect(page.get_by_test_id("connection-label")).to_have_text("Live", timeout=60_000)
                page.wait_for_function(
                    f"() => [...document.querySelectorAll('.count')].some("
                    f"(t) => Number(t.dataset.count) >= {args.officers})",
                    timeout=60_000,
                )
                page.evaluate("window.__bench.hookCanvas()")
                middle = posts[len(posts) // 2]
                page.wait_for_function(f"() => ({MAP_AT_REST})(window.fieldopsCommand.map)")
                page.evaluate(
                    "([lat, lon, zoom]) => void window.fieldopsCommand.map"
                    ".setView([lat, lon], zoom, { animate: false })",
                    [middle["lat"], middle["lon"], args.zoom],
                )
                page.wait_for_function(
                    "() => window.fieldopsCommand.groups().length === 0", timeout=10_000
                )
                pinned = split_cores(process.pid) if args.pin else None
                movers.run()
                result = measure(page, args)
                result["pinned"] = pinned
                movers.halt()
                browser.close()
        finally:
            if movers:
                movers.close()
            process.terminate()
            process.wait(timeout=30)
    result.update(
        label=args.label,
        started_at=started_at.isoformat(timespec="seconds"),
        args=vars(args),
        git=subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        fixes_sent=movers.sent,
        fixes_acked=movers.acked,
        fixes_refused_busy=movers.refused,
        fixes_failed=movers.failed,
    )
    report(result)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-dashboard-frames{'-' + args.label if args.label else ''}.json"
    (out / name).write_text(json.dumps(result, indent=1))
    print(f"saved {out / name}")
    return 0


def report(r: dict) -> None:
    m, h, w = r["message_to_canvas_ms"], r["handler_ms"], r["frame_to_handler_ms"]
    size = r["fixes_per_envelope"]
    print(
        f"\n{r['envelopes_drawn']} of {r['envelopes']} envelopes drawn, "
        f"{size['p50']} fixes each (p50; max {size['max']})"
    )
    print(f"fixes sent {r['fixes_sent']}, acked {r['fixes_acked']}, busy {r['fixes_refused_busy']}")
    print(f"{'':28} {'p50':>9} {'p95':>9} {'max':>9}")
    for name, s in (
        ("message -> canvas drawn", m),
        ("  handler (synchronous)", h),
        ("websocket frame -> handler", w),
        ("websocket frame -> canvas", r["frame_to_canvas_ms"]),
    ):
        print(f"{name:28} {fmt(s['p50']):>9} {fmt(s['p95']):>9} {fmt(s['max']):>9}")
    print(f"\n{'pan':8} {'fps':>6} {'late (>25 ms)':>14} {'longest':>9} {'long tasks':>11}")
    for kind, runs in r["pans"].items():
        for run in runs:
            print(
                f"{kind:8} {fmt(run['fps'], ''):>6} {run['late_frames']:>14} "
                f"{fmt(run['longest_frame_ms']):>9} {run['long_tasks']:>11}"
            )
    print("\nload:", *r["loads"], sep="\n  ")
    if r.get("profile_top"):
        print(f"\npage profile ({r['args']['profile']}), self time while the envelopes were timed:")
        for row in r["profile_top"]:
            print(f"  {row['share']:6.1%} {row['self_ms']:8.1f} ms  {row['function']}")


if __name__ == "__main__":
    sys.exit(main())
