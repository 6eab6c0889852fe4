"""Crash harness (see bench/README.md): 50 phones write fixes and incident reports over HTTP
and the socket while `fieldops serve` (SQLite) is killed with SIGKILL and restarted 10 times;
then every acknowledged write must be in the database, once, and `PRAGMA integrity_check` ok.

    .venv/bin/python bench/crash.py --writers 50 --crashes 10
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.crash import CrashHarness, summary  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50, help="phones, half HTTP, half socket")
    parser.add_argument("--crashes", type=int, default=10, help="SIGKILLs, each then a restart")
    parser.add_argument("--round-seconds", type=float, default=4.0, help="load between kills")
    parser.add_argument("--keep", action="store_true", help="keep the folder (database, logs)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="fieldops-crash-"))
    started = time.monotonic()
    harness = CrashHarness(folder, args.writers, args.crashes, args.round_seconds)
    try:
        results = harness.run()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(summary(results, harness))
    print(f"{time.monotonic() - started:.0f} s; folder {folder}{'' if args.keep else ' (removed)'}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-crash-{args.writers}.json"
    out.write_text(
        json.dumps(
            {
                "args": vars(args),
                "rounds": [asdict(r) | {"lost": r.lost} for r in results],
                "integrity_check": harness.integrity,
                "failures": dict(harness.failures()),
            },
            indent=2,
        )
    )
    ok = harness.integrity == "ok" and not any(r.lost or r.duplicated for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
