"""Run a fieldops command (`serve`, `demo`) in a subprocess until its /healthz answers.

Shared by the tests' LiveServer, the demo test and bench/live.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python -m fieldops.entry <command> --host 127.0.0.1 --port N`, output to a log file."""

    def __init__(
        self,
        log_path: Path,
        env: dict,
        cwd: Path = ROOT,
        port: int | None = None,
        scheme: str = "http",
    ):
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.port = port or free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.verify: bool | str = True  # HTTPS: the certificate to trust (requests' `verify`)
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, command: str = "serve", timeout: float = 30, args: tuple = ()) -> None:
        """`args`: more options for the command (e.g. `--tls-port N`)."""
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fieldops.entry", command]
            + ["--host", "127.0.0.1", "--port", str(self.port), *args],
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_healthy(command, timeout)

    def __enter__(self):
        """`with LiveServer(folder) as server:` started, and stopped however the block ends."""
        try:
            self.start()
        except BaseException:
            self.stop()  # started, then failed (e.g. seeding the staff): not left running
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def wait_until_healthy(self, name: str, timeout: float) -> None:
        """Until /healthz answers; stopped, with its log, if it exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{name} exited:\n{self.log()[-4000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1, verify=self.verify).ok:
                    return
            except (requests.ConnectionError, OSError):  # OSError: no certificate file yet
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{name} did not start:\n{self.log()[-4000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self._log:
            self._log.close()
            self._log = None
