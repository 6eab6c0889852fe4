"""fieldops beyond one process, on this machine: N single-worker `fieldops serve` processes on
one PostgreSQL database and one Redis message queue, behind HAProxy with deploy/haproxy.cfg
(sticky sessions by cookie, health checks on /healthz). `make haproxy` installs HAProxy.

    .venv/bin/python bench/cluster.py [--processes 2] [--port 8080] [--database-url URL]

Serves until Ctrl-C and prints the address, the processes and a login for each role. Used by
bench/live.py --processes N and by tests/test_load_balancer.py.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server_process import ServerProcess, free_port  # noqa: E402

TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
REDIS_URL = "redis://127.0.0.1:6379/0"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def haproxy_config(template: str, port: int, servers: list[int]) -> str:
    """deploy/haproxy.cfg with this machine's front port, one `server` line per process, and
    `maxconn` within this machine's open-files limit (two descriptors per connection)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    most = (hard - 100) // 2
    lines = []
    for line in template.splitlines():
        stripped = line.strip()
        if stripped.startswith("maxconn "):
            wanted = int(stripped.split()[1])
            line = line.replace(f"maxconn {wanted}", f"maxconn {min(wanted, most)}")
        if stripped.startswith("bind "):
            line = re.sub(r"bind \S+", f"bind 127.0.0.1:{port}", line)
        if stripped.startswith("server "):
            if lines and lines[-1].strip().startswith("server "):
                continue  # the example's servers: replaced by ours, below
            indent = line[: len(line) - len(line.lstrip())]
            lines += [
                f"{indent}server p{i} 127.0.0.1:{p} cookie p{i}" for i, p in enumerate(servers)
            ]
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def fresh_postgres_database(prefix: str = "fieldops_cluster") -> str:
    """A new, empty database on the local PostgreSQL (trust auth)."""
    import psycopg2

    name = f"{prefix}_{secrets.token_hex(4)}"
    conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[-1]
    conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


class Cluster:
    """The processes and the load balancer in front of them; `url` is the balancer's."""

    def __init__(
        self,
        folder: Path,
        *,
        processes: int,
        database_url: str,
        redis_url: str = REDIS_URL,
        port: int | None = None,
        env: dict | None = None,
        app_root: Path = ROOT,
    ):
        self.folder, self.database_url = folder, database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        common = {
            **os.environ,
            "FIELDOPS_DATABASE_URL": database_url,
            "FIELDOPS_MESSAGE_QUEUE": redis_url,
            "FIELDOPS_SECRET_KEY": "cluster-" + secrets.token_hex(16),
            "FIELDOPS_TRUSTED_PROXIES": "1",  # HAProxy's X-Forwarded-For names the client
            "FIELDOPS_TILE_URL": "",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.env = common
        self.servers = [
            ServerProcess(
                folder / f"p{i}.log",
                dict(common, FIELDOPS_INSTANCE_PATH=str(folder / f"instance-p{i}")),
                cwd=app_root,
            )
            for i in range(processes)
        ]
        self.haproxy: subprocess.Popen | None = None
        self.config_path = folder / "haproxy.cfg"

    @property
    def pids(self) -> list[int]:
        return [s.process.pid for s in self.servers if s.process]

    def start(self, timeout: float = 60) -> None:
        """The first process migrates the database; the others start once it answers."""
        try:
            for server in self.servers:
                server.start(timeout=timeout)
            self.start_balancer(timeout)
        except BaseException:
            self.stop()  # nothing left running behind a failed start
            raise

    def start_balancer(self, timeout: float = 30) -> None:
        exe = shutil.which("haproxy")
        if exe is None:
            raise RuntimeError("HAProxy is not installed: make haproxy")
        config = haproxy_config(TEMPLATE.read_text(), self.port, [s.port for s in self.servers])
        self.config_path.write_text(config)
        checked = subprocess.run(
            [exe, "-c", "-q", "-f", str(self.config_path)], capture_output=True, text=True
        )
        if checked.returncode:
            raise RuntimeError(f"deploy/haproxy.cfg does not check:\n{checked.stderr}")
        self._log = open(self.folder / "haproxy.log", "w")  # noqa: SIM115 - closed in stop()
        self.haproxy = subprocess.Popen(
            [exe, "-db", "-f", str(self.config_path)], stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.haproxy.poll() is not None:
                raise RuntimeError(f"haproxy exited: {(self.folder / 'haproxy.log').read_text()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError("haproxy did not answer")

    def stop(self) -> None:
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(timeout=15)
        if self.haproxy:
            self._log.close()
        for server in reversed(self.servers):
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="the load balancer's")
    parser.add_argument("--database-url", help="default: a new database on local PostgreSQL")
    parser.add_argument("--redis-url", default=REDIS_URL)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fieldops-cluster-"))
    database_url = args.database_url or fresh_postgres_database()
    cluster = Cluster(
        folder,
        processes=args.processes,
        database_url=database_url,
        redis_url=args.redis_url,
        port=args.port,
    )
    cluster.start()
    password = "cluster-" + secrets.token_hex(4)
    logins = "".join(f"{role},{role},{password}\n" for role in ("admin", "command", "organizer"))
    subprocess.run(
        [sys.executable, "-m", "fieldops.entry", "user", "import"],
        input=logins,
        text=True,
        env=cluster.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    print(f"fieldops on {cluster.url} (HAProxy, {args.processes} processes, {database_url})")
    for server in cluster.servers:
        print(f"  process {server.url}  log {server.log_path}")
    print(f"  sign in as admin, command or organizer with the password {password}")
    print("  Ctrl-C stops it all")
    try:
        while all(s.process.poll() is None for s in cluster.servers):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
