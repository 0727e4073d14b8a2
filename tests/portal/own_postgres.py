"""A PostgreSQL server of the test's own (initdb into a temporary folder), to stop and start.

The shared server is never stopped; this one lives on a port of 55435-55439 and in `tmp_path`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PORTS = range(55435, 55440)


def binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or the PATH's."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name.split(".")[0]),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port among {PORTS.start}-{PORTS.stop - 1}")


def server_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return ""
    return "postgres"


class OwnPostgres:
    def __init__(self, bin_dir: Path):
        self.user = server_user()
        if self.user == "":
            raise RuntimeError("running as root without a `postgres` account to run the server")
        # Not under pytest's tmp_path: as root that folder is closed to the `postgres` account.
        self.folder = Path(tempfile.mkdtemp(prefix="motcua-own-pg-"))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.data = self.folder / "pgdata"
        self.bin = bin_dir
        self.port = free_port()
        self.log = self.folder / "postgres.log"

    def _run(self, *args, check=True, **kwargs):
        as_user = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run(
            [*as_user, str(self.bin / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )

    def url(self, database: str = "motcua") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            # No fsync: only PostgreSQL's processes die in these tests, never the machine, so
            # whatever was committed is in the operating system's cache and survives.
            "-c fsync=off -c full_page_writes=off -c max_connections=40"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def createdb(self, name: str = "motcua") -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def query(self, sql: str, database: str = "motcua") -> list[tuple]:
        import psycopg2

        with (
            contextlib.closing(
                psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
            ) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute(sql)
            return cursor.fetchall()

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        if not os.environ.get("KEEP_OWN_POSTGRES"):
            shutil.rmtree(self.folder, ignore_errors=True)
