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
- then `VACUUM ANALYZE` of the tables written (what autovacuum does some minutes after a load;
  planner statistics are otherwise stale).

Run alone to prepare a database ahead of a benchmark:

    .venv/bin/python bench/data.py --dossiers 1000000 --database motcua_bench
"""

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MARKER = "bench_marker"
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


def prepare(target: int, *, log=print) -> dict:
    """Make or reuse `target` generated dossiers in the configured database (django set up)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from applications.generation import generate_dossiers
    from applications.models import Attachment, ClockStop, Dossier, State
    from procedures.models import Unit, UnitKind

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    with connection.cursor() as cursor:
        have, _seconds = _marker(cursor)
    made = {"generated_this_run": 0, "generation_seconds": None, "extras_seconds": None}
    if have < target:
        missing = target - have
        units = list(
            Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]).order_by("code")
        )
        weights = ward_weights(len(units))
        shares = [math.floor(missing * w) for w in weights]
        shares[0] += missing - sum(shares)
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM applications_dossier")
            first_new = cursor.fetchone()[0] + 1
        log(f"generating {missing} dossiers over {len(units)} wards (a year of receipts)")
        t0 = time.perf_counter()
        for i, (unit, share) in enumerate(zip(units, shares, strict=True)):
            if share:
                generate_dossiers(
                    count=share,
                    seed=SEED * 1000 + have + i,
                    days=DAYS,
                    units=[unit],
                    key_prefix=f"bench{have}-{unit.code}",
                )
            if i % 8 == 7:
                log(
                    f"  {i + 1} wards, {sum(shares[: i + 1])} dossiers, "
                    f"{time.perf_counter() - t0:.0f} s"
                )
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
        made["generated_this_run"] = missing
        log(
            f"generated {missing} dossiers in {made['generation_seconds']} s, clock stops and "
            f"attachments in {made['extras_seconds']} s"
        )
        t2 = time.perf_counter()
        with connection.cursor() as cursor:
            for table in (
                "applications_dossier",
                "applications_dossierevent",
                ClockStop._meta.db_table,
                Attachment._meta.db_table,
                "applications_codecounter",
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
