"""Real servers for the fault tests: a PostgreSQL cluster and a Redis server of the tests' own
(which they may restart or stop without touching the machine's), and the portal served by
gunicorn with the production settings, as `make serve` runs it."""

import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.production.processes import ROOT, production_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(message)


def postgresql_bin() -> Path | None:
    """The server programs of the newest PostgreSQL installed (Debian's layout first)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgreSQLCluster:
    """A throwaway cluster in `folder` on a free port. PostgreSQL refuses to run as root, so
    as root its programs run as the `postgres` user (../shared/TOOLCHAIN.md)."""

    def __init__(self, folder: Path):
        self.bin = postgresql_bin()
        self.data = folder / "data"
        self.log = folder / "postgresql.log"
        self.port = free_port()
        self.folder = folder
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal")


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, "Redis did not start.")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process:
            stop_process(self.process)
            self.process = None


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Portal:
    """gunicorn with portal/gunicorn.conf.py and the production settings on a free port,
    with as many workers as `make serve` starts here (2 × cores + 1), all up before use."""

    def __init__(self, log: Path, **environment: str):
        self.port = free_port()
        self.log = log
        self.worker_count = 2 * len(os.sched_getaffinity(0)) + 1
        self.env = production_env(
            HTTPS="0",
            ALLOWED_HOSTS="127.0.0.1",
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(self.worker_count),
            **environment,
        )
        self.process = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "portal/gunicorn.conf.py",
                    "--no-control-socket",
                    "portal.wsgi",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: self.get("/halsa/")[0] in (200, 503), 60, "gunicorn did not start.")
        wait_for(
            lambda: len(self.workers()) == self.worker_count,
            60,
            "gunicorn's workers did not start.",
        )

    def stop(self) -> None:
        if self.process:
            stop_process(self.process)
            self.process = None

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return 0, b""

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return sorted(int(child) for child in children)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Load:
    """`clients` threads, each on its own keep-alive connection, requesting `paths` in turn
    until stopped; every answer is kept as (seconds since start, status, path), status 0 for
    no answer."""

    port: int
    paths: list[str]
    clients: int
    answers: list = field(default_factory=list)
    started: float = 0.0
    #: The body of the last 503 answer, to read what residents were shown.
    last_503: bytes = b""

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._client, args=(offset,), daemon=True)
            for offset in range(self.clients)
        ]

    def _client(self, offset: int) -> None:
        connection = None
        turn = offset
        while not self._stop.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.05)
            with self._lock:
                self.answers.append((time.monotonic() - self.started, status, path))
                if status == 503:
                    self.last_503 = body

    def start(self) -> "Load":
        self.started = time.monotonic()
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def statuses(self, start: float = 0.0, end: float = float("inf")) -> Counter:
        with self._lock:
            return Counter(status for at, status, _path in self.answers if start <= at < end)

    def paths_answered(self, status: int = 200) -> Counter:
        """How many times each path was answered with `status`."""
        with self._lock:
            return Counter(path for _at, answer, path in self.answers if answer == status)
