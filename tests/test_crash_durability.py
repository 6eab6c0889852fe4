"""A crash loses nothing that was acknowledged: phones writing over HTTP and the socket while
the real server is killed with SIGKILL and restarted (bench/crash.py does it 10 times)."""

from __future__ import annotations

import pytest

from tests.support.crash import CrashHarness, summary

pytestmark = pytest.mark.live


def test_every_acknowledged_fix_and_incident_survives_sigkill_once(tmp_path):
    harness = CrashHarness(tmp_path, writers=50, crashes=2, round_s=2.5)
    results = harness.run()
    report = summary(results, harness)
    assert harness.integrity == "ok", report
    assert all(r.fixes_acked > 0 for r in results), report  # every server life took writes
    assert sum(r.incidents_acked for r in results) > 0, report
    assert [(r.lost, r.duplicated) for r in results] == [(0, 0)] * len(results), report
    assert harness.unacked_at_end == 0, report
