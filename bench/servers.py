"""What the benchmarks share, part one: the safety checks and the environment, gunicorn servers
on 127.0.0.1 and the bare-view server's answers. Re-exported by `bench/common.py`."""

import base64
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"  # loopback only
HEADERS = {"Accept": "application/json", "User-Agent": "motcua-bench/1"}


# --- Safety and environment ---------------------------------------------------------------------


def refuse_foreign_database(allow_any: bool, what: str) -> int | None:
    """Exit status 2 when `DATABASE_URL` names a database not meant for benchmarks."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url or allow_any:
        return None
    import dj_database_url

    name = str(dj_database_url.parse(database_url).get("NAME") or "")
    if "bench" in name.lower():
        return None
    print(
        f"DATABASE_URL names the database {name!r}: the benchmark adds {what} to it. Point it "
        "at a database for benchmarks (its name containing 'bench', e.g. motcua_bench) or pass "
        "--allow-any-database.",
        file=sys.stderr,
    )
    return 2


def install_signal_handlers() -> None:
    def on_term(signum, frame):
        print("\nterminated: stopping the servers", file=sys.stderr)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C stops everything, even where the shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def server_env(var_dir: Path, settings: str, extra: dict | None = None) -> dict:
    """Production-like settings on loopback: DEBUG off, no TLS redirect, 127.0.0.1 allowed."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "MOTCUA_VAR_DIR": str(var_dir),
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(ROOT), os.environ.get("MOTCUA_BENCH_PYTHONPATH", "")])
            ),
        }
    )
    env.update(extra or {})
    return env


def database_version() -> tuple[str, str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return connection.vendor, cursor.fetchone()[0]
    import sqlite3

    return connection.vendor, sqlite3.sqlite_version


def add_load_arguments(parser, *, requests: int, warmup: int, concurrency: int = 8) -> None:
    parser.add_argument("--requests", type=int, default=requests, help="measured, per target")
    parser.add_argument("--warmup", type=int, default=warmup, help="per target, not measured")
    parser.add_argument("--concurrency", type=int, default=concurrency)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--rounds", type=int, default=4, help="measured requests split in alternating rounds"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=60.0, help="cap per target and round (and warm-up)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="per request")
    parser.add_argument(
        "--allow-any-database",
        action="store_true",
        help="write into DATABASE_URL even if its name does not contain 'bench'",
    )


# --- Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """One gunicorn (master and workers in their own process group), ours to stop."""

    def __init__(self, name: str, app: str, env: dict, workers: int, logdir: Path):
        self.name = name
        self.app = app
        self.env = env
        self.workers = workers
        self.log = logdir / f"gunicorn-{name.replace(' ', '-')}.log"
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.timeout = 30  # gunicorn's worker timeout, seconds

    def start(self, ready_path: str, timeout: float = 60.0) -> None:
        for _attempt in range(3):
            self.port = free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--chdir",
                str(ROOT),
                "--no-control-socket",
                "--log-level",
                "warning",
                "--timeout",
                str(self.timeout),
                "--graceful-timeout",
                "5",
                self.app,
            ]
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    command,
                    env=self.env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            if self._wait_ready(ready_path, timeout):
                return
            self.stop()
        raise RuntimeError(f"{self.name}: gunicorn did not start; log:\n{self.log_tail()}")

    def _wait_ready(self, ready_path: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _headers, _body = fetch(self.port, ready_path)
                if status == 200:
                    return True
            time.sleep(0.2)
        return False

    def cpu_seconds(self) -> float:
        """CPU of the master and its live workers."""
        if self.process is None:
            return 0.0
        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    stat = (entry / "stat").read_text().rpartition(")")[2].split()
                    if int(stat[1]) == self.process.pid:
                        pids.append(int(entry.name))
        return sum(_cpu_seconds(pid) for pid in pids)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        # Workers left behind by a killed master share its process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def fetch(
    port: int,
    path: str,
    timeout: float = 10.0,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict | None = None,
) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or HEADERS)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def write_bare_answers(filename: Path, answers: dict[str, tuple[int, str, bytes]]) -> None:
    """The bare view's answers: "METHOD /path?query" -> (status, content type, bytes)."""
    filename.write_text(
        json.dumps(
            {
                key: {
                    "status": status,
                    "content_type": content_type,
                    "body": base64.b64encode(body).decode(),
                }
                for key, (status, content_type, body) in answers.items()
            }
        ),
        encoding="utf-8",
    )
