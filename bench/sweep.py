"""The overdue sweep on many dossiers, against a bare SQL UPDATE of the same rows.

Run from the project root with the project's virtualenv, on a PostgreSQL database of its own
(the name must contain "bench"):

    createdb -h 127.0.0.1 -U postgres motcua_sweep_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_sweep_bench \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/sweep.py --count 200000

It migrates the database, loads Huế's units, the demo catalogue and a leader for every ward and
commune, and fills it with `manage.py generate_dossiers` up to `--count` dossiers (default
1,000,000; an existing fill is reused). It marks every dossier already past its due moment as
flagged by earlier sweeps, then makes 1% of `--count` running dossiers newly overdue. Each round
times, on the same rows and after the same reset (flags cleared, the sweep's rows deleted,
VACUUM ANALYZE):

- **sweep**: `applications.tasks.sweep_overdue`: the batched UPDATE ... RETURNING with
  FOR UPDATE SKIP LOCKED, one history row per dossier (bulk), one in-app notice per handler;
- **bare UPDATE**: `UPDATE applications_dossier SET overdue_flagged_at = now WHERE <same rule>`,
  nothing else.

Then, with `--notices N` (default 2000, 0 skips it) and a Redis broker, the notice throughput of
one worker: N pending SMS notices (file gateway into a temporary file) queued to a real
`celery -A portal worker -c 1`, timed until every one is sent. Prints the figures and writes them
to bench/results/sweep.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="dossiers in the database")
    parser.add_argument("--overdue-share", type=float, default=0.01, help="newly overdue share")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000, help="the sweep's batch size")
    parser.add_argument("--notices", type=int, default=2000, help="0: skip the worker figure")
    parser.add_argument("--allow-any-database", action="store_true")
    return parser.parse_args()


def setup_django(args):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")
    if "bench" not in url.rsplit("/", 1)[-1] and not args.allow_any_database:
        sys.exit("Refusing a database whose name does not contain 'bench' (it writes into it).")
    import django

    django.setup()


def prepare(count: int):
    from django.core.management import call_command

    from applications.models import Dossier
    from portal.accounts.models import Role, StaffRole, User
    from portal.demo import seed_accounts
    from procedures.demo import seed_catalogue, seed_units
    from procedures.models import Unit, UnitKind

    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        seed_units()
        seed_catalogue()
    seed_accounts()
    # A leader in every ward and commune: every flagged dossier tells somebody.
    for unit in Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]):
        user, _ = User.objects.get_or_create(username=f"bench.leader.{unit.code}")
        StaffRole.objects.get_or_create(user=user, unit=unit, role=Role.LEADER)
    have = Dossier.objects.count()
    if have < count:
        print(f"generating {count - have} dossiers (manage.py generate_dossiers)...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "generate_dossiers", str(count - have)],
            cwd=ROOT,
            check=True,
        )
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return Dossier.objects.count()


def choose_targets(count: int, share: float, now) -> int:
    """Everything already late counts as flagged; `share` of `count` becomes newly overdue."""
    from django.db import connection

    wanted = int(count * share)
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE applications_dossier SET overdue_flagged_at = due_at
               WHERE state IN ('received', 'in_review') AND due_at < %s
                 AND overdue_flagged_at IS NULL""",
            [now],
        )
        cursor.execute("DROP TABLE IF EXISTS bench_sweep_target")
        cursor.execute(
            """CREATE UNLOGGED TABLE bench_sweep_target AS
               SELECT id FROM applications_dossier
               WHERE state IN ('received', 'in_review')
               ORDER BY md5(id::text) LIMIT %s""",
            [wanted],
        )
        cursor.execute("ALTER TABLE bench_sweep_target ADD PRIMARY KEY (id)")
        cursor.execute(
            """UPDATE applications_dossier SET due_at = %s, overdue_flagged_at = NULL
               WHERE id IN (SELECT id FROM bench_sweep_target)""",
            [now - timedelta(hours=1)],
        )
        cursor.execute("SELECT count(*) FROM bench_sweep_target")
        return cursor.fetchone()[0]


def daily_late(now) -> int:
    """A day's newly late dossiers in this data: those received in the last 365 days that went
    past their due moment while open (finished late, or open and past it now), over 365."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM applications_dossier
               WHERE received_at >= %s - interval '365 days' AND due_at IS NOT NULL
                 AND ((resolved_at IS NOT NULL AND resolved_at > due_at)
                      OR (state IN ('received', 'in_review') AND due_at < %s))""",
            [now, now],
        )
        return max(1, round(cursor.fetchone()[0] / 365))


def reset():
    import pgtrigger
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE applications_dossier SET overdue_flagged_at = NULL
               WHERE id IN (SELECT id FROM bench_sweep_target)"""
        )
        # The history is append-only (a trigger refuses deletes); the benchmark undoes its own
        # sweep on its own generated data, so it says so explicitly.
        with pgtrigger.ignore("applications.DossierEvent:append_only"):
            cursor.execute(
                """DELETE FROM applications_dossierevent WHERE action = 'flag_overdue'
                   AND dossier_id IN (SELECT id FROM bench_sweep_target)"""
            )
        cursor.execute(
            """DELETE FROM portal_notification WHERE template = 'dossier_overdue'
               AND dossier_id IN (SELECT id FROM bench_sweep_target)"""
        )
        for table in ("applications_dossier", "applications_dossierevent", "portal_notification"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def time_sweep(now, batch: int, expected: int) -> float:
    from applications.tasks import sweep_overdue

    started = time.perf_counter()
    flagged = sweep_overdue(now=now, batch=batch)
    elapsed = time.perf_counter() - started
    if flagged != expected:
        sys.exit(f"the sweep flagged {flagged}, expected {expected}")
    return elapsed


def time_bare(now, expected: int) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """UPDATE applications_dossier SET overdue_flagged_at = %s
               WHERE state IN ('received', 'in_review') AND due_at < %s
                 AND overdue_flagged_at IS NULL""",
            [now, now],
        )
        flagged = cursor.rowcount
    elapsed = time.perf_counter() - started
    if flagged != expected:
        sys.exit(f"the bare UPDATE touched {flagged}, expected {expected}")
    return elapsed


def notice_throughput(total: int) -> dict | None:
    """`total` pending SMS notices sent by one real worker (concurrency 1), end to end."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not total or not broker.startswith("redis"):
        print("notice throughput: skipped (needs --notices > 0 and CELERY_BROKER_URL=redis://...)")
        return None
    from django.db import connection

    from portal.notifications.models import Notification
    from portal.notifications.tasks import send_notification

    Notification.objects.filter(template="bench_notice").delete()
    with tempfile.TemporaryDirectory() as tmp:
        sms_file = Path(tmp) / "sms.jsonl"
        rows = [
            Notification(
                channel="sms",
                template="dossier_received",
                dedupe_key=f"bench:{i}",
                recipient_phone="0905000000",
                context={"code": f"BENCH-{i}", "due": "", "unit_vi": "Kim Long"},
            )
            for i in range(total)
        ]
        Notification.objects.filter(dedupe_key__startswith="bench:").delete()
        Notification.objects.bulk_create(rows, batch_size=2000)
        ids = list(
            Notification.objects.filter(dedupe_key__startswith="bench:").values_list(
                "pk", flat=True
            )
        )
        env = {
            **os.environ,
            "SMS_BACKEND": "file",
            "SMS_FILE_PATH": str(sms_file),
            "MOTCUA_VAR_DIR": tmp,
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-c",
                "1",
                "-l",
                "warning",
                "-n",
                "bench-notices@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            time.sleep(4)  # the worker connects; the clock starts at the first message
            started = time.perf_counter()
            for pk in ids:
                send_notification.delay(pk)
            queued = time.perf_counter() - started
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                left = Notification.objects.filter(pk__in=ids).exclude(status="sent").count()
                if not left:
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            lines = len(sms_file.read_text().splitlines()) if sms_file.exists() else 0
        finally:
            os.killpg(worker.pid, 15)
            worker.wait(30)
        Notification.objects.filter(dedupe_key__startswith="bench:").delete()
        connection.close()
    if left or lines != total:
        sys.exit(f"notices: {left} not sent, {lines} SMS lines for {total} notices")
    return {
        "notices": total,
        "seconds": round(elapsed, 3),
        "per_second": round(total / elapsed, 1),
        "queueing_seconds": round(queued, 3),
    }


def main():
    args = parse_args()
    setup_django(args)
    from django.utils import timezone

    dossiers = prepare(args.count)
    now = timezone.now()
    targets = choose_targets(args.count, args.overdue_share, now)
    print(
        f"{dossiers} dossiers, {targets} newly overdue ({args.overdue_share:.1%} of {args.count})"
    )
    sweeps, bares = [], []
    for round_no in range(1, args.rounds + 1):
        reset()
        sweeps.append(time_sweep(now, args.batch, targets))
        reset()
        bares.append(time_bare(now, targets))
        print(f"  round {round_no}: sweep {sweeps[-1]:.3f} s, bare UPDATE {bares[-1]:.3f} s")
    reset()
    sweep, bare = statistics.median(sweeps), statistics.median(bares)
    print(
        f"sweep: {sweep:.3f} s for {targets} flagged of {dossiers} "
        f"(history rows and notices included) | bare UPDATE: {bare:.3f} s "
        f"| ratio: {sweep / bare:.1f}x"
    )
    throughput = notice_throughput(args.notices)
    if throughput:
        print(
            f"notices: {throughput['notices']} SMS sent by one worker (concurrency 1) in "
            f"{throughput['seconds']:.1f} s = {throughput['per_second']:.0f}/s"
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result = {
        "at": datetime.now(UTC).isoformat(),
        "machine": platform.node(),
        "cpus": os.cpu_count(),
        "dossiers": dossiers,
        "newly_overdue": targets,
        "batch": args.batch,
        "sweep_seconds": [round(s, 4) for s in sweeps],
        "bare_update_seconds": [round(s, 4) for s in bares],
        "sweep_median": round(sweep, 4),
        "bare_median": round(bare, 4),
        "ratio": round(sweep / bare, 2),
        "notice_throughput": throughput,
    }
    (RESULTS_DIR / "sweep.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
