"""The data and the probes of `bench/dossiers.py`: the database, the clerks' sessions, the
queue's plan, the lock sampler and the reception bodies."""

import json
import re
import subprocess
import sys
import threading
import time

from bench.common import (
    ROOT,
    database_version,
)

DEFAULT_DOSSIERS = 1_000_000
CLERK = "clerk.kimlong"
UNIT = "19774"  # Phường Kim Long
QUEUE_INDEX = "dossier_queue"
PAGES = [
    ("work queue", "/desk/"),
    ("overdue queue", "/desk/?overdue=true"),
    ("API list", "/api/v1/dossiers/?state=in_review"),
]
RECEPTION_PATH = "/api/v1/dossiers/"
# The page's CSRF tokens are masked afresh on every answer: compared without them.
CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

# --- Data ---------------------------------------------------------------------------------------


def prepare_database(target: int) -> dict:
    """Migrate, load the demo province, top the dossiers up to `target` (timed)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from applications.models import Dossier

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    before = Dossier.objects.count()
    generated, seconds = 0, None
    if before < target:
        generated = target - before
        print(f"generating {generated} dossiers: manage.py generate_dossiers {generated}")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "generate_dossiers", str(generated)],
            cwd=ROOT,
            check=True,
        )
        seconds = round(time.perf_counter() - started, 1)
        # What autovacuum would do soon after such a load: statistics and the visibility map.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE applications_dossier")
            cursor.execute("VACUUM ANALYZE applications_dossierevent")
        print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
    vendor, version = database_version()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {
        "vendor": vendor,
        "version": version,
        "dossiers_before": before,
        "dossiers": Dossier.objects.count(),
        "events": _estimate("applications_dossierevent"),
        "generated_this_run": generated,
        "generation_seconds": seconds,
        "generation_dossiers_per_second": round(generated / seconds) if seconds else None,
        "size": size,
    }


def _estimate(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def clerk_credentials(sessions: int) -> tuple[list[str], str, dict]:
    """One session cookie per client (logged in once, through Django's test client), the
    clerk's API token, and what the clerk's queue holds."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from applications import selectors
    from portal.accounts.models import User

    clerk = User.objects.get(username=CLERK)
    cookies = []
    for _ in range(sessions):
        client = Client()
        client.force_login(clerk)
        cookies.append(client.cookies["sessionid"].value)
    token, _created = Token.objects.get_or_create(user=clerk)
    queue = selectors.work_queue(user=clerk)
    facts = {
        "units": sorted(clerk.staff_roles.values_list("unit__code", flat=True).distinct()),
        "visible_dossiers": selectors.dossier_list(user=clerk).count(),
        "open_dossiers": queue.count(),
    }
    return cookies, token.key, facts


def explain_queue() -> dict:
    """EXPLAIN ANALYZE of the dossier queries the work queue page runs: the page is fetched once
    in-process (Django's test client, the clerk logged in) and every query it sent to the dossier
    table is explained as it was sent: the paginator's count and the 50 rows by due moment."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.accounts.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=CLERK))
    result = {}
    for name, path in PAGES[:2]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} in-process: HTTP {response.status_code}")
        for query in captured.captured_queries:
            sql = query["sql"]
            if '"applications_dossier"' not in sql.split(" WHERE ")[0]:
                continue
            part = "count" if sql.startswith("SELECT COUNT") else "page"
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("%", "%%"))
                plan = [row[0] for row in cursor.fetchall()]
            result[f"{name} {part}"] = {
                "path": path,
                "sql": sql,
                "seconds_in_page": float(query["time"]),
                "top": plan[0],
                "uses_dossier_queue": any(QUEUE_INDEX in line for line in plan),
                "execution": next((p for p in plan if p.startswith("Execution Time")), ""),
                "plan": plan,
            }
    return result


# --- Reception contention -----------------------------------------------------------------------


class LockSampler:
    """Samples pg_stat_activity every 20 ms: how many of the database's sessions wait for a
    lock (the code counter's row lock, when reception is what runs)."""

    def __init__(self):
        self.samples = 0
        self.waiting_samples = 0
        self.waiters = 0
        self.max_waiters = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                while not self._stop.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                    waiting = cursor.fetchone()[0]
                    self.samples += 1
                    self.waiters += waiting
                    self.waiting_samples += 1 if waiting else 0
                    self.max_waiters = max(self.max_waiters, waiting)
                    time.sleep(0.02)
        finally:
            connection.close()

    def result(self) -> dict:
        return {
            "samples": self.samples,
            "share_of_samples_with_a_waiter": round(self.waiting_samples / self.samples, 3)
            if self.samples
            else None,
            "mean_waiters": round(self.waiters / self.samples, 2) if self.samples else None,
            "max_waiters": self.max_waiters,
        }


def reception_body(procedure: str, documents: list[int], number: int) -> bytes:
    return json.dumps(
        {
            "procedure": procedure,
            "unit": UNIT,
            "applicant_name": "Nguyễn Văn Bình",
            "applicant_id_number": f"046{number % 10**9:09d}",
            "applicant_phone": f"09{number % 10**8:08d}",
            "channel": "desk",
            "checked_documents": documents,
        }
    ).encode()


def reception_procedure() -> tuple[str, list[int]]:
    """A Kim Long desk procedure with a published time and required documents."""
    from procedures.selectors import procedure_catalogue

    for procedure in procedure_catalogue().filter(current_version__processing_unit="working_days"):
        documents = [d.pk for d in procedure.current_version.documents.all() if d.required]
        if documents:
            return procedure.code, documents
    raise RuntimeError("no procedure with a processing time and required documents")


def codes_check(day) -> dict:
    """Kim Long's codes of `day`: the counter's last number, the dossiers, and no gap/repeat."""
    from applications.models import Dossier
    from portal.core.sequences import DOSSIER_CODE, last_number
    from procedures.models import Unit

    prefix = f"{UNIT}-{day:%y%m%d}-"
    numbers = sorted(
        int(code.rsplit("-", 1)[1])
        for code in Dossier.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    )
    last = last_number(DOSSIER_CODE, unit_id=Unit.objects.get(code=UNIT).pk, day=day)
    return {
        "day": day.isoformat(),
        "counter_last": last,
        "dossiers": len(numbers),
        "no_gap_no_repeat": numbers == list(range(1, last + 1)),
    }
