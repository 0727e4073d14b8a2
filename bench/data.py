"""The province the benchmarks read: N dossiers over Huế's 40 wards, made once and reused.

`prepare(n)` creates the database if it is missing, migrates it, loads the demo province
(`seed_demo`: units, catalogue, demo accounts) and, unless the marker table `bench_marker` says
this database already holds at least `n` generated dossiers, writes the missing ones:

- spread over the 40 wards with uneven weights (a few busy central wards, many quiet ones;
  seeded, so the same N gives the same spread), a year of receipts, the generator's mix of
  procedures, channels (90% online), states and history rows (`applications.generation`, which
  writes with COPY);
- then in SQL (INSERT ... SELECT): a clock stop for every dossier waiting for the citizen, a
  closed one for one finished dossier in twenty, and two attachments' metadata per online
  dossier (no files: the pages read only the metadata);
- all of it with the dashboard rollup's triggers off (ADR 0015: they recount every dossier a
  statement touches, which a bulk load does not need), then both rollups rebuilt once from the
  dossiers (what `manage.py rebuild_rollups` runs);
- then `VACUUM ANALYZE` of the tables written (what autovacuum does some minutes after a load;
  planner statistics are otherwise stale).

Run alone to prepare a database ahead of a benchmark:

    .venv/bin/python bench/data.py --dossiers 1000000 --database motcua_bench
"""

import argparse
import contextlib
import math
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MARKER = "bench_marker"
# The generator writes the last year's receipts (this share of N, spread over the wards); the
# earlier years are the finished dossiers of that year copied back by whole years in SQL, as a
# portal holds them after some years of use: 300-400 dossiers/s through Python on a shared
# 2-core machine is 45 minutes for a million, the copy takes a minute or two.
RECENT_SHARE = 0.45
FINISHED = ("returned", "resolved", "rejected", "refused", "withdrawn", "stopped")
SEED = 2026
DAYS = 365


def database_url(name: str) -> str:
    """DATABASE_URL with its database name replaced by `name` (host and user kept)."""
    import dj_database_url

    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    config = dj_database_url.parse(base)
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def ensure_database(url: str) -> bool:
    """CREATE DATABASE if it does not exist; True when it was created."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    name = config["NAME"]
    admin = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(f'CREATE DATABASE "{name}"')
            return True
    finally:
        admin.close()


def ward_weights(count: int, seed: int = SEED) -> list[float]:
    """Uneven shares: lognormal draws (sigma 0.6), so the busiest ward takes about 3 times the
    median one, as central wards do."""
    rng = random.Random(seed)
    draws = [rng.lognormvariate(0, 0.6) for _ in range(count)]
    total = sum(draws)
    return [d / total for d in draws]


def _marker(cursor) -> tuple[int, float | None]:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {MARKER} (id int PRIMARY KEY, dossiers bigint NOT NULL, "
        "seconds double precision, made_at timestamptz NOT NULL DEFAULT now())"
    )
    cursor.execute(f"SELECT dossiers, seconds FROM {MARKER} WHERE id = 1")
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, None)


# The dashboard rollup's statement triggers (ADR 0015) recount each dossier a statement touches;
# a bulk load of millions of rows turns them off and rebuilds the rollup once, afterwards.
ROLLUP_TABLES = (
    "applications_dossier",
    "applications_clockstop",
    "applications_rating",
    "applications_attachment",
)

ROLLUP_SUMS = (
    "applications_dossierrollup",
    "applications_dossierrollupunit",
    "applications_dossierrolluptotal",
    "applications_dossierrollupahead",
    "applications_dossiercohort",
    "applications_dossiercohortpart",
)


@contextlib.contextmanager
def _rollup_triggers_off():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ROLLUP_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in ROLLUP_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def prepare(target: int, *, log=print) -> dict:
    """Make or reuse `target` generated dossiers in the configured database (django set up)."""
    from django.core.management import call_command
    from django.db import connection

    from applications.models import Attachment, ClockStop, Dossier
    from applications.selectors import cohort_rollup, rollups
    from portal.core.models import Counter

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    with connection.cursor() as cursor:
        have, _seconds = _marker(cursor)
    made = {"generated_this_run": 0, "generation_seconds": None, "extras_seconds": None}
    if have < target:
        with _rollup_triggers_off():
            _write(target, made, log=log)
        t3 = time.perf_counter()
        if rollups.available():
            rollups.rebuild()
            cohort_rollup.rebuild()
        made["rollup_rebuild_seconds"] = round(time.perf_counter() - t3, 1)
        log(f"rollup rebuilt from the dossiers: {made['rollup_rebuild_seconds']} s")
        t2 = time.perf_counter()
        with connection.cursor() as cursor:
            for table in (
                "applications_dossier",
                "applications_dossierevent",
                ClockStop._meta.db_table,
                Attachment._meta.db_table,
                Counter._meta.db_table,
                *ROLLUP_SUMS,
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
        made["vacuum_analyze_seconds"] = round(time.perf_counter() - t2, 1)
        log(f"VACUUM ANALYZE: {made['vacuum_analyze_seconds']} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())), "
            "pg_database_size(current_database())"
        )
        size, size_bytes = cursor.fetchone()
        counts = {}
        for table in (
            "applications_dossier",
            "applications_dossierevent",
            ClockStop._meta.db_table,
            Attachment._meta.db_table,
        ):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            counts[table] = cursor.fetchone()[0]
    return {
        "dossiers": Dossier.objects.count(),
        "rows_estimated": counts,
        "size": size,
        "size_bytes": size_bytes,
        "prepared_seconds": round(time.perf_counter() - started, 1),
        **made,
    }


def _shifted(name: str, kind: str, shift: int, years: int) -> str:
    """A copied dossier's column: its times `shift` days earlier, its code on its new day (its
    working time to the result kept: the year before had other holidays, a benchmark's data)."""
    if name == "code":
        return (
            "split_part(code, '-', 1) || '-' || to_char(to_date(split_part(code, '-', 2), "
            f"'YYMMDD') - {shift}, 'YYMMDD') || '-' || split_part(code, '-', 3)"
        )
    if name == "submission_key":
        return f"'bench-old{years}-' || id"
    if kind.startswith("timestamp"):
        return f"{name} - interval '{shift} days'"
    return f'"{name}"'


def _earlier_years(count: int, *, log=print) -> int:
    """`count` more dossiers: the generated finished ones copied 366 days back (then 732, ...),
    with their history, codes renamed to their new day, in INSERT ... SELECT."""
    from django.db import connection, transaction

    made, years = 0, 0
    while made < count:
        years += 1
        shift = 366 * years
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'applications_dossier' AND column_name <> 'id'"
            )
            columns = cursor.fetchall()
            cursor.execute("DROP TABLE IF EXISTS bench_clone_source")
            cursor.execute(
                "CREATE TEMP TABLE bench_clone_source AS SELECT id FROM applications_dossier "
                "WHERE submission_key LIKE 'bench%%' AND submission_key NOT LIKE 'bench-old%%' "
                "AND state IN %s ORDER BY id LIMIT %s",
                [FINISHED, count - made],
            )
            cursor.execute("SELECT count(*) FROM bench_clone_source")
            rows = cursor.fetchone()[0]
            if not rows:
                break
            cursor.execute(
                "SELECT max(id) + 1 - (SELECT min(id) FROM bench_clone_source) "
                "FROM applications_dossier"
            )
            delta = cursor.fetchone()[0]

            names = ", ".join(f'"{c}"' for c, _ in columns)
            values = ", ".join(_shifted(c, k, shift, years) for c, k in columns)
            cursor.execute(
                f"INSERT INTO applications_dossier (id, {names}) SELECT id + {delta}, {values} "
                "FROM applications_dossier WHERE id IN (SELECT id FROM bench_clone_source)"
            )
            cursor.execute(
                "INSERT INTO applications_dossierevent (dossier_id, at, extra, actor_id, note, "
                "action, from_state, to_state, actor_label) SELECT dossier_id + %s, "
                "at - %s * interval '1 day', extra, actor_id, note, action, from_state, "
                "to_state, actor_label FROM applications_dossierevent "
                "WHERE dossier_id IN (SELECT id FROM bench_clone_source)",
                [delta, shift],
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('applications_dossier', 'id'), "
                "(SELECT max(id) FROM applications_dossier))"
            )
        made += rows
        log(f"  copied {rows} finished dossiers {shift} days back ({made} of {count})")
    return made


def _write(target: int, made: dict, *, log=print) -> None:
    """Write the missing dossiers, then their clock stops and attachments' metadata."""
    from django.db import connection, transaction

    from applications.generation import generate_dossiers
    from applications.models import Attachment, ClockStop, State
    from procedures.models import Unit, UnitKind

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(min(id), 0) FROM applications_dossier "
            "WHERE submission_key LIKE 'bench%%'"
        )
        generated, first_new = cursor.fetchone()
        if not generated:
            cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM applications_dossier")
            first_new = cursor.fetchone()[0]
    recent = min(target, max(math.ceil(target * RECENT_SHARE), 20_000))
    missing = max(0, recent - generated)
    units = list(Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]).order_by("code"))
    weights = ward_weights(len(units))
    shares = [math.floor(missing * w) for w in weights]
    shares[0] += missing - sum(shares)
    log(f"generating {missing} dossiers over {len(units)} wards (the last year of receipts)")
    t0 = time.perf_counter()
    for i, (unit, share) in enumerate(zip(units, shares, strict=True)):
        if share:
            generate_dossiers(
                count=share,
                seed=SEED * 1000 + generated + i,
                days=DAYS,
                units=[unit],
                key_prefix=f"bench{generated}-{unit.code}",
            )
        if i % 8 == 7:
            log(
                f"  {i + 1} wards, {sum(shares[: i + 1])} dossiers, "
                f"{time.perf_counter() - t0:.0f} s"
            )
    made["cloned"] = _earlier_years(target - generated - missing, log=log)
    made["generation_seconds"] = round(time.perf_counter() - t0, 1)
    t1 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ClockStop._meta.db_table} (dossier_id, kind, reason, started_at, "
            "ended_at, policy, due_before, due_after, deadline) "
            "SELECT id, CASE WHEN state = %s THEN 'supplement' ELSE 'payment' END, "
            "'Bổ sung giấy tờ còn thiếu', clock_stopped_at, NULL, '', due_at, NULL, "
            "clock_stopped_at + interval '15 days' FROM applications_dossier "
            "WHERE id >= %s AND clock_stopped_at IS NOT NULL",
            [State.AWAITING_SUPPLEMENT.value, first_new],
        )
        cursor.execute(
            f"INSERT INTO {ClockStop._meta.db_table} (dossier_id, kind, reason, started_at, "
            "ended_at, policy, due_before, due_after, deadline) "
            "SELECT id, 'supplement', 'Bổ sung giấy tờ còn thiếu', "
            "received_at + (resolved_at - received_at) / 4, "
            "received_at + (resolved_at - received_at) / 3, 'resume', due_at, due_at, NULL "
            "FROM applications_dossier WHERE id >= %s AND resolved_at IS NOT NULL "
            "AND id %% 20 = 0",
            [first_new],
        )
        cursor.execute(
            f"INSERT INTO {Attachment._meta.db_table} (dossier_id, document_id, purpose, file, "
            "original_name, content_type, size, sha256, uploaded_by_id, uploaded_at) "
            "SELECT d.id, NULL, 'application', "
            "'dossiers/bench/' || d.id || '-' || g || '.pdf', "
            "CASE g WHEN 1 THEN 'don-de-nghi.pdf' ELSE 'cccd.pdf' END, 'application/pdf', "
            "40000 + (d.id * 7919 + g) %% 400000, "
            "md5(d.id::text || g) || md5(g || d.id::text), "
            "NULL, d.submitted_at FROM applications_dossier d, generate_series(1, 2) g "
            "WHERE d.id >= %s AND d.channel = 'online'",
            [first_new],
        )
        cursor.execute(
            f"INSERT INTO {MARKER} (id, dossiers, seconds) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET dossiers = EXCLUDED.dossiers, "
            "seconds = EXCLUDED.seconds, made_at = now()",
            [target, made["generation_seconds"]],
        )
    made["extras_seconds"] = round(time.perf_counter() - t1, 1)
    made["generated_this_run"] = missing + made["cloned"]
    log(
        f"generated {missing} dossiers in {made['generation_seconds']} s, clock stops and "
        f"attachments in {made['extras_seconds']} s"
    )


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make or reuse the benchmarks' dossiers.")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--database", default="motcua_bench")
    args = parser.parse_args(argv)
    if "bench" not in args.database:
        print("the database's name must contain 'bench'", file=sys.stderr)
        return 2
    url = database_url(args.database)
    if ensure_database(url):
        print(f"created database {args.database}")
    setup_django(url)
    result = prepare(args.dossiers, log=lambda m: print(m, flush=True))
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
