"""fieldops.offload: work off the hub, in a thread or a child process, and back with its result
or its error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from fieldops import offload
from fieldops.events.course_import import CourseImportError, parse_course
from tests.support.server_process import ROOT

GPX = b'<gpx><rte><rtept lat="40.60" lon="-74.05"/><rtept lat="40.61" lon="-74.04"/></rte></gpx>'


def test_in_a_process_that_serves_nothing_the_work_runs_right_here():
    assert offload.serving_mode() == "threading"
    assert offload.in_thread(threading.get_ident) == threading.get_ident()
    assert offload.in_process(os.getpid) == os.getpid()
    with pytest.raises(CourseImportError):
        offload.in_process(parse_course, b"not a course")


def test_a_child_process_sends_back_the_result():
    assert offload.run_in_child(os.getpid) != os.getpid()
    course = offload.run_in_child(parse_course, GPX, "route.gpx")
    assert course.source_format == "gpx-rte"
    assert course.lines == [[(40.60, -74.05), (40.61, -74.04)]]


def test_a_child_process_raises_the_error_here_with_its_message():
    with pytest.raises(CourseImportError, match="neither GPX nor GeoJSON"):
        offload.run_in_child(parse_course, b"hello", "notes.txt")


def test_a_child_that_dies_is_an_offload_error_naming_the_work():
    with pytest.raises(offload.OffloadError, match=r"posix\._exit failed in its process \(3\)"):
        offload.run_in_child(os._exit, 3)


PATCHED = """
import os, sys, threading
mode = sys.argv[1]
if mode == "eventlet":
    import warnings
    warnings.simplefilter("ignore")
    import eventlet
    eventlet.monkey_patch()
else:
    from gevent import monkey
    monkey.patch_all()
from fieldops import offload
from fieldops.events.course_import import CourseImportError, parse_course

assert offload.serving_mode() == mode, offload.serving_mode()
assert offload.in_thread(threading.get_native_id) != threading.get_native_id()
assert offload.in_process(os.getpid) != os.getpid()
try:
    offload.in_thread(parse_course, b"{}")
except CourseImportError as exc:
    print("thread:", exc)
try:
    offload.in_process(parse_course, b"{}")
except CourseImportError as exc:
    print("process:", exc)
"""


@pytest.mark.live  # a monkey-patched interpreter of its own
@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_under_a_hub_work_leaves_the_hubs_thread_and_errors_come_back(mode):
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PATCHED), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["thread", "process"]
    assert all("GeoJSON" in line for line in lines)
