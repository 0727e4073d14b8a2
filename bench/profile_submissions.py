"""In-process profile of `POST /api/v1/dossiers/` as bench/run's submissions send it (issue 10):
CPU ms, database ms and queries per request, optionally with cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_writes DEBUG=false \\
        SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=testserver PYTHONPATH=. \\
        .venv/bin/python bench/profile_submissions.py desk|online|onlineone|pdf [N] \\
            [--profile] [--queries] [--functions]

--queries prints the statements of the last request with their times; PROFILE_SORT=tottime and
PROFILE_LINES=N change the cProfile listing. The PostgreSQL backend's own CPU per request is read
from /proc when the server runs on this machine (the database's share of a submission's cost,
triggers included). --functions sets track_functions for this session only and prints each
PL/pgSQL function's time per request (the rollup's and the cohort's triggers, ADR 0015).

It writes real dossiers into that database (use a bench copy)."""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench import fixtures

    kind = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 60
    setup, wards, pdf = fixtures.procedures(), fixtures.wards(), fixtures.small_pdf()
    clerk = "Token " + fixtures.token(fixtures.CLERK)
    citizen = "Token " + fixtures.token(fixtures.CITIZEN)
    client = Client()
    serial = [int(time.time()) % 100000 * 100]

    def request(n: int):
        serial[0] += 1
        if kind == "desk":
            body = fixtures.submission_json(
                setup["code"], fixtures.UNIT, serial[0], channel="desk", documents=setup["required"]
            )
            return body, "application/json", clerk
        if kind in ("online", "onlineone"):
            unit = wards[n % len(wards)] if kind == "online" else fixtures.UNIT
            body = fixtures.submission_json(
                setup["code_without_documents"], unit, serial[0], channel="online"
            )
            return body, "application/json", citizen
        files = dict.fromkeys(setup["required"][:2], pdf)
        body, content_type = fixtures.submission_multipart(
            setup["code"], wards[n % len(wards)], serial[0], files
        )
        return body, content_type, citizen

    database = {"seconds": 0.0, "queries": 0}
    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            database["seconds"] += spent
            database["queries"] += 1
            statements.append((spent, sql))

    def one(n: int) -> None:
        body, content_type, auth = request(n)
        response = client.post(
            "/api/v1/dossiers/",
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=auth,
            HTTP_ACCEPT="application/json",
        )
        if response.status_code != 201:
            sys.exit(f"{response.status_code}: {response.content[:300]!r}")

    for n in range(10):  # warm-up: caches, connections
        one(n)
    with connection.cursor() as cursor:
        if "--functions" in sys.argv:  # this session only; the server's settings are untouched
            cursor.execute("SET track_functions = 'pl'")
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    functions_before = _functions(connection) if "--functions" in sys.argv else {}
    backend_cpu = _backend_cpu(backend)
    # --profile counts CPU time (process_time): waits on PostgreSQL and Redis are not in it.
    profile = cProfile.Profile(time.process_time) if "--profile" in sys.argv else None
    commits = {"seconds": 0.0}
    from django.db import connections

    wrapper = type(connections["default"])
    commit = wrapper._commit

    def timed_commit(self):  # the COMMIT's wait (the WAL flushed to disk), not in `db`
        started = time.perf_counter()
        try:
            return commit(self)
        finally:
            commits["seconds"] += time.perf_counter() - started

    wrapper._commit = timed_commit
    with connection.execute_wrapper(timed):
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for n in range(count):
            one(n)
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    backend_cpu = _backend_cpu(backend) - backend_cpu if backend_cpu is not None else None
    print(
        f"{kind}: cpu {cpu / count * 1000:.1f} ms/req, wall {wall / count * 1000:.1f} ms, "
        f"db {database['seconds'] / count * 1000:.1f} ms/req, "
        f"queries {database['queries'] / count:.1f}/req, "
        f"commit {commits['seconds'] / count * 1000:.1f} ms/req"
        + (f", backend cpu {backend_cpu / count * 1000:.1f} ms/req" if backend_cpu else "")
    )
    if "--functions" in sys.argv:
        after = _functions(connection)
        for name, (calls, total, own) in sorted(after.items(), key=lambda i: -i[1][1]):
            was = functions_before.get(name, (0, 0.0, 0.0))
            if calls - was[0]:
                print(
                    f"{(total - was[1]) / count:7.2f} ms/req total, {(own - was[2]) / count:6.2f} "
                    f"self, {(calls - was[0]) / count:4.1f} calls/req  {name}"
                )
    if "--queries" in sys.argv:  # the statements of the last request, with their time
        last = statements[-int(database["queries"] / count) :]
        for spent, sql in last:
            print(f"{spent * 1000:7.2f} ms  {sql[:150]}")
    if profile:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("PROFILE_LINES", "60")))
        print(out.getvalue())


def _backend_cpu(pid: int) -> float | None:
    """User and system CPU seconds of the PostgreSQL backend `pid` (None: not on this machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _functions(connection) -> dict[str, tuple[int, float, float]]:
    """pg_stat_user_functions now (flushed by the stats collector at each transaction's end)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT funcname, calls, total_time, self_time FROM pg_stat_user_functions")
        return {name: (calls, total, own) for name, calls, total, own in cursor.fetchall()}


if __name__ == "__main__":
    main()
