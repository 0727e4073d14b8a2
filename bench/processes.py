"""Real Celery processes for benchmarks and end-to-end tests: a worker or beat in its own
process group (so that kill -9 reaches its pool too), with its log in a temporary directory.

Used by `bench/run` (a worker beside the portal, for its memory after the run),
`bench/crash_redelivery.py` and `tests/applications/test_timers_e2e.py`.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))


class CeleryProcesses:
    """Workers and beats started with `env`, logging into `tmp`; ours to kill, and only ours."""

    def __init__(self, tmp: Path, env: dict, *, concurrency: int = 1):
        self.tmp = Path(tmp)
        self.env = env
        self.concurrency = concurrency
        self.processes: list[subprocess.Popen] = []

    def start(self, kind: str, name: str, **env) -> subprocess.Popen:
        command = [CELERY, "-A", "portal", kind, "-l", "info"]
        if kind == "worker":
            command += ["-c", str(self.concurrency), "-n", f"{name}@%h"]
            command += ["--without-gossip", "--without-mingle"]
        else:
            command += ["-s", str(self.tmp / "beat-schedule")]
        log = (self.tmp / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 reaches the pool too
        )
        process.log_path = log.name
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL, wait: float = 30) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(wait)

    def stop_all(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                self.kill(process, signal.SIGTERM)

    def logs(self) -> str:
        return "\n".join(
            f"--- {Path(p.log_path).name}\n{Path(p.log_path).read_text()[-3000:]}"
            for p in self.processes
        )
