"""Notices after a worker crash: how long until every one is sent, exactly once, against the same
notices sent with no crash (same run).

Run from the project root with the project's virtualenv, on a PostgreSQL database of its own (the
name must contain "bench") and a Redis database of its own (its `celery` and `unacked` keys are
cleared):

    createdb -h 127.0.0.1 -U postgres motcua_crash_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_crash_bench \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/crash_redelivery.py

Each run writes `--notices` pending SMS notices (the file gateway, each send taking `--delay`
seconds, into a temporary file), starts a real `celery -A portal worker` (`--concurrency`) and a
real `celery -A portal beat` with the production schedule (the requeue sweep every
MOTCUA_REQUEUE_INTERVAL_SECONDS, 60 s, for notices untouched for MOTCUA_REDELIVER_AFTER_SECONDS,
60 s; the broker's visibility timeout stays at its hour), queues the notices and times them:

- **baseline**: no crash; the clock stops when the last notice is sent;
- **crash**: when `--kill-at` of them are sent, the worker is killed with SIGKILL (its process
  group: the pool too) in the middle of sending, a new worker is started at once, and the clock
  stops when the last notice is sent.

Both runs check every notice was sent exactly once (one line per notice in the gateway's file,
`attempts == 1`). Prints both times and the ratio and writes bench/results/crash_redelivery.json.
`--interval` / `--after` override the sweep's two settings (e.g. to see the figure with the
former 5-minute sweep and 15-minute delay).
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench.processes import CeleryProcesses  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
CELERY = str(Path(sys.executable).with_name("celery"))
KEY_PREFIX = "bench-crash:"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per SMS send")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--kill-at", type=float, default=0.3, help="share sent before the kill")
    parser.add_argument("--interval", type=float, default=None, help="requeue sweep interval, s")
    parser.add_argument("--after", type=float, default=None, help="redeliver after, s")
    parser.add_argument("--max-seconds", type=float, default=600, help="cap per run")
    parser.add_argument("--allow-any-database", action="store_true")
    return parser.parse_args()


def setup(args):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")
    if "bench" not in url.rsplit("/", 1)[-1] and not args.allow_any_database:
        sys.exit("Refusing a database whose name does not contain 'bench' (it writes into it).")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database of the benchmark's own.")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def clear_broker():
    import redis

    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    broker.delete("celery", "unacked", "unacked_index", "unacked_mutex")


class Run(CeleryProcesses):
    def __init__(self, name: str, args, tmp: Path):
        self.name = name
        self.args = args
        self.tmp = tmp / name
        self.tmp.mkdir()
        self.sms_file = self.tmp / "sms.jsonl"
        self.env = {
            **os.environ,
            "MOTCUA_VAR_DIR": str(self.tmp),
            "SMS_BACKEND": "file",
            "SMS_FILE_PATH": str(self.sms_file),
            "MOTCUA_SMS_FILE_DELAY": str(args.delay),
            "LOG_LEVEL": "WARNING",
        }
        if args.interval is not None:
            self.env["MOTCUA_REQUEUE_INTERVAL_SECONDS"] = str(args.interval)
        if args.after is not None:
            self.env["MOTCUA_REDELIVER_AFTER_SECONDS"] = str(args.after)
        super().__init__(self.tmp, self.env, concurrency=args.concurrency)

    def notices(self) -> list[int]:
        from portal.notifications.models import Notification

        prefix = f"{KEY_PREFIX}{self.name}:"
        Notification.objects.filter(dedupe_key__startswith=KEY_PREFIX).delete()
        Notification.objects.bulk_create(
            Notification(
                channel="sms",
                template="dossier_received",
                dedupe_key=f"{prefix}{i}",
                recipient_phone="0905000000",
                context={"code": f"BENCH-{i}", "due": "", "unit_vi": "Kim Long"},
            )
            for i in range(self.args.notices)
        )
        return list(
            Notification.objects.filter(dedupe_key__startswith=prefix).values_list("pk", flat=True)
        )

    def sent(self, ids) -> int:
        from portal.notifications.models import Notification

        return Notification.objects.filter(pk__in=ids, status="sent").count()

    def wait_for_worker(self, name: str) -> None:
        from portal.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5)
            if any(name in worker for reply in replies for worker in reply):
                return
        sys.exit(f"{self.name}: the worker {name} did not answer within 60 s")

    def check_exactly_once(self, ids) -> None:
        from portal.notifications.models import Notification

        lines = [json.loads(x) for x in self.sms_file.read_text().splitlines()]
        per_notice = Counter(line["reference"] for line in lines)
        twice = [ref for ref, n in per_notice.items() if n > 1]
        attempts = Counter(
            Notification.objects.filter(pk__in=ids).values_list("attempts", flat=True)
        )
        if len(per_notice) != len(ids) or twice or set(attempts) != {1}:
            sys.exit(
                f"{self.name}: {len(per_notice)} of {len(ids)} notices sent, {len(twice)} twice, "
                f"attempts {dict(attempts)}"
            )

    def measure(self, crash: bool) -> dict:
        from portal.notifications.tasks import send_notification

        clear_broker()
        ids = self.notices()
        total = len(ids)
        worker = self.start("worker", f"{self.name}-1")
        self.start("beat", f"{self.name}-beat")
        self.wait_for_worker(f"{self.name}-1")
        started = time.perf_counter()
        for pk in ids:
            send_notification.delay(pk)
        killed_at = None
        deadline = time.monotonic() + self.args.max_seconds
        while time.monotonic() < deadline:
            done = self.sent(ids)
            if done == total:
                break
            if crash and killed_at is None and done >= total * self.args.kill_at:
                self.kill(worker)  # SIGKILL to the worker and its pool, mid-send
                killed_at = time.perf_counter() - started
                print(f"  {self.name}: worker killed after {done} sent, new worker started")
                self.start("worker", f"{self.name}-2")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        if self.sent(ids) != total:
            sys.exit(f"{self.name}: {total - self.sent(ids)} notices unsent after {elapsed:.0f} s")
        self.check_exactly_once(ids)
        result = {"notices": total, "seconds": round(elapsed, 2)}
        if crash:
            result["killed_at_seconds"] = round(killed_at, 2)
            result["kill_to_last_sent_seconds"] = round(elapsed - killed_at, 2)
        return result


def main():
    args = parse_args()
    setup(args)
    from django.conf import settings

    interval = args.interval or settings.MOTCUA_REQUEUE_INTERVAL_SECONDS
    after = args.after or settings.MOTCUA_REDELIVER_AFTER_SECONDS
    print(
        f"{args.notices} SMS notices, {args.delay * 1000:.0f} ms per send, worker concurrency "
        f"{args.concurrency}; requeue sweep every {interval:.0f} s for notices untouched "
        f"{after:.0f} s; broker visibility timeout "
        f"{settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']} s"
    )
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, crash in (("baseline", False), ("crash", True)):
            run = Run(name, args, Path(tmp))
            try:
                results[name] = run.measure(crash)
            finally:
                run.stop_all()
                clear_broker()
    from portal.notifications.models import Notification

    Notification.objects.filter(dedupe_key__startswith=KEY_PREFIX).delete()
    base, crash = results["baseline"], results["crash"]
    ratio = crash["seconds"] / base["seconds"]
    print(
        f"crash: {crash['seconds']:.1f} s until all {crash['notices']} sent exactly once "
        f"(killed at {crash['killed_at_seconds']:.1f} s, last sent "
        f"{crash['kill_to_last_sent_seconds']:.1f} s after the kill) | baseline (no crash): "
        f"{base['seconds']:.1f} s | ratio: {ratio:.1f}x"
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result = {
        "at": datetime.now(UTC).isoformat(),
        "machine": platform.node(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "options": vars(args),
        "requeue_interval_seconds": interval,
        "redeliver_after_seconds": after,
        "baseline": base,
        "crash": crash,
        "ratio": round(ratio, 2),
    }
    (RESULTS_DIR / "crash_redelivery.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
