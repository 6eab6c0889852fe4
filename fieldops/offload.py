"""CPU-heavy work off the server's hub, so one upload cannot stall everyone.

Under eventlet and gevent every request, socket event and background tick of the process
shares one OS thread (the hub); a job that computes for seconds there stalls all of them.

- `in_thread(fn, ...)`: work that releases the GIL while it computes (Pillow's decoders,
  resampling and encoders; zlib): in eventlet's tpool or gevent's threadpool. `fn` must not
  import modules as it runs: while any thread holds the import lock, tpool runs a call on the
  hub itself (to avoid a deadlock), so import what it needs beforehand (photos.py does).
- `in_process(fn, ...)`: pure-Python work. It holds the GIL, so from a thread it would still
  slow the hub down (measured in docs/performance.md); it runs in a short-lived child process
  (`python -m fieldops.offload`) whose pipes the hub waits on cooperatively. `fn` and its
  arguments travel by pickle, so `fn` must be a module-level function of a module that imports
  no Flask (the child starts in tens of milliseconds).

Under threading (and in processes that serve nothing: the CLI, the tests' in-process apps)
both call `fn` directly: each request has a thread of its own there.

At most SLOTS jobs run at a time, whatever their kind; the others wait cooperatively, so a
burst of uploads queues instead of taking every core and gigabytes of memory.

Import this module after monkey-patching (the entry points patch first): its semaphore must be
the hub's kind.
"""

from __future__ import annotations

import os
import pickle  # noqa: S403 - between this process and the child it starts, nothing else
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

SLOTS = max(1, min(4, os.cpu_count() or 1))
CHILD_TIMEOUT_S = 120.0

_slots = threading.BoundedSemaphore(SLOTS)


class OffloadError(RuntimeError):
    """The child process failed without a result (crashed, killed, timed out)."""


def serving_mode() -> str:
    """'eventlet' or 'gevent' when this process is monkey-patched for that hub, else
    'threading'."""
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is not None and patcher.is_monkey_patched("thread"):
        return "eventlet"
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        return "gevent"
    return "threading"


def in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a worker thread of the hub; its exception is raised here."""
    mode = serving_mode()
    with _slots:
        if mode == "eventlet":
            from eventlet import tpool

            return tpool.execute(fn, *args, **kwargs)
        if mode == "gevent":
            import gevent

            return gevent.get_hub().threadpool.apply(fn, args, kwargs)
        return fn(*args, **kwargs)


def in_process(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a child process under a hub; its exception is raised here."""
    with _slots:
        if serving_mode() == "threading":
            return fn(*args, **kwargs)
        return run_in_child(fn, *args, **kwargs)


def run_in_child(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Always in a child process (in_process decides when; tests call this directly)."""
    job = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "fieldops.offload"],
            input=job,
            capture_output=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OffloadError(f"{_name(fn)} took over {CHILD_TIMEOUT_S:g} s") from None
    if done.returncode != 0 or not done.stdout:
        tail = done.stderr.decode(errors="replace").strip()[-2000:]
        raise OffloadError(f"{_name(fn)} failed in its process ({done.returncode}): {tail}")
    ok, value = pickle.loads(done.stdout)  # noqa: S301 - written by our own child
    if ok:
        return value
    raise value


def _name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}"


def _child_main() -> None:
    """In the child: one pickled job from stdin, its (ok, result or exception) to stdout."""
    fn, args, kwargs = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our own parent
    try:
        outcome = (True, fn(*args, **kwargs))
    except Exception as exc:
        outcome = (False, exc)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception that does not pickle still reports its message
        data = pickle.dumps((False, OffloadError(f"{type(exc).__name__}: {outcome[1]}")))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child_main()
