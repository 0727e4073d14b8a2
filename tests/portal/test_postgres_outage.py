"""PostgreSQL stopped under a stream of submissions: clear 503s, nothing half-saved, and the
portal answers again by itself once the database is back.

The test runs its own PostgreSQL (initdb in a temporary folder, a port of 55435-55439), migrates
it, loads Huế's units, the catalogue and the demo accounts, and serves the portal with gunicorn
(production settings module `portal.settings.base`, DEBUG off) on a port of 8105-8109. Three
threads submit dossiers through the API (a clerk's desk dossiers as JSON, a citizen's online
dossiers as multipart with their files); meanwhile the database is stopped with
`pg_ctl stop -m immediate` (its processes killed, as in a crash) and started again a few seconds
later. The web process is never restarted.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.portal.own_postgres import OwnPostgres, binaries, server_user

pytestmark = [pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
MAX_REQUESTS = 400  # the stream is bounded: at most this many submissions ...
MAX_SECONDS = 90  # ... and this long
REQUEST_TIMEOUT = 20  # a request answered later than this counts as a hang
OUTAGE_SECONDS = 4
WEB_PORTS = range(8105, 8110)

SEED = """
import json
from portal.demo import seed_accounts
from procedures.demo import seed_catalogue, seed_units
from procedures.models import Procedure
seed_units(); seed_catalogue(); seed_accounts()
p = (Procedure.objects.filter(current_version__processing_unit="working_days")
     .order_by("code").first())
docs = [d.pk for d in p.current_version.documents.all() if d.required]
print("SEEDED " + json.dumps({"procedure": p.code, "documents": docs}))
"""


@dataclass
class Answer:
    kind: str  # "desk" or "online"
    status: int  # 0: no answer within the timeout or the connection failed
    body: dict
    started: float
    elapsed: float


def free_web_port() -> int:
    for port in WEB_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port among 8105-8109")


@pytest.fixture
def own_postgres():
    bin_dir = binaries()
    if bin_dir is None:
        pytest.skip(
            "needs PostgreSQL's server binaries (initdb, pg_ctl) to run a server of its own"
        )
    if server_user() == "":
        pytest.skip("runs as root and there is no `postgres` account to run a server as")
    server = OwnPostgres(bin_dir)
    server.init()
    server.start()
    server.createdb()
    try:
        yield server
    finally:
        server.destroy()


def portal_env(tmp_path: Path, database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        DATABASE_URL=database_url,
        DATABASE_CONNECT_TIMEOUT="3",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    return env


def children_of(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(x) for x in path.read_text().split()} if path.exists() else set()


class Stream:
    """Threads submitting dossiers until told to stop or the bounds are reached."""

    def __init__(self, base: str, tokens: dict, seeded: dict):
        self.base = base
        self.tokens = tokens
        self.seeded = seeded
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.t0 = time.monotonic()

    def submit(self, kind: str) -> Answer:
        headers = {"Authorization": f"Token {self.tokens[kind]}", "Accept": "application/json"}
        common = {
            "procedure": self.seeded["procedure"],
            "unit": "19774",
            "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": "046090001234",
            "applicant_phone": "0905111222",
        }
        started = time.monotonic()
        try:
            if kind == "desk":
                response = requests.post(
                    f"{self.base}/api/v1/dossiers/",
                    json={
                        **common,
                        "channel": "desk",
                        "checked_documents": self.seeded["documents"],
                    },
                    headers=headers,
                    timeout=REQUEST_TIMEOUT,
                )
            else:
                files = {
                    f"document_{doc}": (f"doc{doc}.pdf", PDF, "application/pdf")
                    for doc in self.seeded["documents"]
                }
                response = requests.post(
                    f"{self.base}/api/v1/dossiers/",
                    data={**common, "channel": "online"},
                    files=files,
                    headers=headers,
                    timeout=REQUEST_TIMEOUT,
                )
            status = response.status_code
            try:
                body = response.json()
            except ValueError:
                body = {"text": response.text[:300]}
        except requests.RequestException as exc:
            status, body = 0, {"error": type(exc).__name__}
        return Answer(kind, status, body, started - self.t0, time.monotonic() - started)

    def run_thread(self, number: int) -> None:
        kinds = ("desk", "online")
        turn = number
        while not self.stop.is_set():
            with self.lock:
                if len(self.answers) >= MAX_REQUESTS or time.monotonic() - self.t0 > MAX_SECONDS:
                    return
            answer = self.submit(kinds[turn % 2])
            turn += 1
            with self.lock:
                self.answers.append(answer)
            time.sleep(0.05)

    def count(self, status: int, after: float = 0.0) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a.status == status and a.started >= after)


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")


def test_postgres_stopped_under_submissions_gives_503s_saves_nothing_half_and_recovers(
    own_postgres, tmp_path
):
    env = portal_env(tmp_path, own_postgres.url())
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    seeded_out = subprocess.run(
        [*manage, "shell", "-c", SEED],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seeded = json.loads(seeded_out.split("SEEDED ", 1)[1])
    port = free_web_port()
    base = f"http://127.0.0.1:{port}"
    web_log = (tmp_path / "gunicorn.log").open("w")
    web = subprocess.Popen(
        [
            *(str(Path(sys.executable).with_name("gunicorn")), "portal.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"),
        ],
        cwd=ROOT,
        env=env,
        stdout=web_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def log_tail() -> str:
        return (tmp_path / "gunicorn.log").read_text()[-4000:]

    try:
        wait_until(
            lambda: _get(f"{base}/healthz").status_code == 200, 30, "gunicorn to answer /healthz"
        )
        tokens = {}
        for kind, username in (("desk", "clerk.kimlong"), ("online", "citizen")):
            response = requests.post(
                f"{base}/api/v1/auth/token/",
                json={"username": username, "password": "demo12345"},
                timeout=REQUEST_TIMEOUT,
            )
            tokens[kind] = response.json()["token"]
        workers_before = children_of(web.pid)

        stream = Stream(base, tokens, seeded)
        threads = [threading.Thread(target=stream.run_thread, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        try:
            wait_until(lambda: stream.count(201) >= 15, 60, "15 submissions saved")
            stopped_at = time.monotonic() - stream.t0
            own_postgres.stop("immediate")
            wait_until(lambda: stream.count(503, after=stopped_at) >= 3, 30, "503s in the outage")
            # The home page needs no database for a visitor (the catalogue snapshot, the cached
            # shell): it keeps working. A page that reads a dossier explains the outage.
            home = _get(f"{base}/", headers={"Accept": "text/html"})
            page = _get(
                f"{base}/tra-cuu/?code=H46-OUTAGE&phone=0000",
                headers={"Accept": "text/html"},
            )
            health = _get(f"{base}/healthz")
            time.sleep(OUTAGE_SECONDS)
            own_postgres.start()
            restarted_at = time.monotonic() - stream.t0
            wait_until(
                lambda: stream.count(201, after=restarted_at) >= 10, 60, "saves after the restart"
            )
        finally:
            stream.stop.set()
            for thread in threads:
                thread.join(REQUEST_TIMEOUT + 5)
        health_after = _get(f"{base}/healthz")
        assert web.poll() is None, log_tail()
        workers_after = children_of(web.pid)
    finally:
        web.terminate()
        web.wait(30)

    answers = stream.answers
    statuses = Counter(a.status for a in answers)
    recovered = min(
        a.started + a.elapsed for a in answers if a.status == 201 and a.started >= restarted_at
    )
    # The figures of the run (shown with `pytest -s`).
    sys.stdout.write(
        f"\n{len(answers)} submissions: {dict(statuses)}; database down from {stopped_at:.1f} s "
        f"to {restarted_at:.1f} s; first 201 {recovered - restarted_at:.2f} s after the restart; "
        f"slowest answer {max(a.elapsed for a in answers):.2f} s\n"
    )
    # During the outage: clear 503s, never a 500, never a hang.
    assert set(statuses) <= {201, 503}, (
        statuses,
        [a.body for a in answers if a.status not in {201, 503}],
        log_tail(),
    )
    assert statuses[503] >= 3
    for answer in answers:
        if answer.status == 503:
            assert answer.body["code"] == "service_unavailable", answer.body
            assert "cơ sở dữ liệu" in answer.body["detail"]
    assert home.status_code == 200
    assert "Tra cứu" in home.text
    assert page.status_code == 503
    assert "Hệ thống tạm thời gián đoạn" in page.text
    assert health.status_code == 503
    assert health.json()["database"] == "down"
    # Back by itself: the same gunicorn workers answer, the probe says ok.
    assert health_after.status_code == 200, health_after.text
    assert workers_after == workers_before, "gunicorn replaced its workers"

    # Nothing half-saved: every dossier has its history and its files' rows; codes run 1..N.
    saved = {a.body["code"]: a.kind for a in answers if a.status == 201}
    rows = own_postgres.query(
        """SELECT d.code, d.channel, d.state,
                  (SELECT count(*) FROM applications_dossierevent e
                    WHERE e.dossier_id = d.id AND e.action = 'submit'),
                  (SELECT count(*) FROM applications_dossierevent e
                    WHERE e.dossier_id = d.id AND e.action = 'receive'),
                  (SELECT count(*) FROM applications_attachment a WHERE a.dossier_id = d.id)
           FROM applications_dossier d"""
    )
    in_database = {row[0]: row for row in rows}
    assert set(saved) <= set(in_database), "a dossier answered 201 is missing"
    required = len(seeded["documents"])
    for code, channel, state, submits, receives, attachments in rows:
        assert submits == 1, code
        if channel == "desk":
            assert (state, receives) == ("received", 1), code
        else:
            assert (state, attachments) == ("submitted", required), code
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in in_database)
    assert numbers == list(range(1, len(numbers) + 1)), "dossier codes have a gap or a repeat"
    for attachment_path, size in own_postgres.query(
        "SELECT file, size FROM applications_attachment"
    ):
        assert (tmp_path / "media" / attachment_path).stat().st_size == size


def _get(url, **kwargs):
    try:
        return requests.get(url, timeout=REQUEST_TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        response = requests.Response()
        response.status_code = 0
        response._content = str(exc).encode()
        return response
