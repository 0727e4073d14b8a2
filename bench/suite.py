"""`bench/run`: every benchmark of issue 10 in one run, each beside its baseline.

    bench/run [--dossiers N] [--rounds 3] [--quick] [--database motcua_bench]

Prepares (or reuses) the province (`bench/data.py`), starts the portal and the bare view
(gunicorn, same workers, `bench/common.py`) and a Celery worker, measures each page and API
against the bare view answering the same bytes, in alternating rounds (median of the rounds),
then the open-loop look-up at a fixed rate, the database time of each page, submissions, the
overdue sweep against a bare UPDATE, and the memory of the workers. Writes
`bench/results/<date>.json` and `.md` (the table: page, MotCua, baseline, ratio, target, met?).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import data, fixtures, report
from bench.common import (
    Load,
    Request,
    Server,
    fetch,
    install_signal_handlers,
    server_env,
    write_bare_answers,
)
from bench.load import database_time, fixed_rate, median_rounds, tree_rss
from bench.processes import CeleryProcesses
from bench.submissions import run_submissions, run_sweep
from bench.targets import rows as _rows
from bench.targets import targets as _targets


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=None, help="default 1,000,000")
    parser.add_argument("--rounds", type=int, default=None, help="default 3")
    parser.add_argument("--seconds", type=float, default=None, help="per target and round")
    parser.add_argument(
        "--quick", action="store_true", help="20,000 dossiers, 1 round of 2 s: a few minutes"
    )
    parser.add_argument("--database", default="motcua_bench", help="created if missing")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--rate", type=float, default=300.0, help="fixed-rate look-up, req/s")
    parser.add_argument("--sweep-rounds", type=int, default=None, help="default: --rounds")
    parser.add_argument("--stamp", default=None, help="results file name (default: the date)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only the benchmarks whose name contains this text (case-insensitive; "
        "repeatable); 'submissions' and 'sweep' name those two",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.dossiers = args.dossiers or (20_000 if quick else 1_000_000)
    args.rounds = args.rounds or (1 if quick else 3)
    args.seconds = args.seconds or (2.0 if quick else 6.0)
    args.warmup = 0.5 if quick else 1.5
    args.fixed_seconds = 2.0 if quick else 5.0
    args.db_samples = 5 if quick else 15
    args.sweep_rounds = args.sweep_rounds or (1 if quick else args.rounds)
    return args


def selected(args: argparse.Namespace, name: str) -> bool:
    """`--only` given: the benchmark's name contains one of its texts."""
    return not args.only or any(only.lower() in name.lower() for only in args.only)


def main(argv=None) -> int:
    args = parse_args(argv)
    if "bench" not in args.database:
        print("--database: the name must contain 'bench' (the run writes into it)", file=sys.stderr)
        return 2
    install_signal_handlers()
    url = data.database_url(args.database)
    if data.ensure_database(url):
        print(f"created database {args.database}", flush=True)
    with tempfile.TemporaryDirectory(prefix="motcua-bench-run-") as tmp:
        tmp = Path(tmp)
        var_dir = tmp / "var"
        (var_dir / "staticfiles").mkdir(parents=True)
        os.environ.update(server_env(var_dir, "portal.settings.base"))
        os.environ["DATABASE_URL"] = url
        os.environ["LOOKUP_THROTTLE"] = "100000000/min"  # one client address sends everything
        data.setup_django(url)
        servers: list[Server] = []
        celery = CeleryProcesses(tmp, {**os.environ, "SMS_FILE_PATH": str(tmp / "sms.jsonl")})
        try:
            return _run(args, tmp, var_dir, servers, celery)
        except KeyboardInterrupt:
            print("\ninterrupted: stopping the servers", file=sys.stderr)
            return 130
        finally:
            for server in servers:
                server.stop()
            celery.stop_all()


def _run(args, tmp: Path, var_dir: Path, servers: list, celery: CeleryProcesses) -> int:
    started = time.perf_counter()
    prepared = data.prepare(args.dossiers, log=lambda m: print(m, flush=True))
    from bench.search import prepare_database as top_up_procedures

    catalogue = top_up_procedures(423)
    print(
        f"data: {prepared['dossiers']:,} dossiers, {prepared['size']}; "
        f"{catalogue['procedures']} procedures; {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    clerk_cookies = fixtures.sessions(fixtures.CLERK, 16)
    official_cookie = fixtures.sessions(fixtures.OFFICIAL, 1)[0]
    clerk_token, citizen_token = fixtures.token(fixtures.CLERK), fixtures.token(fixtures.CITIZEN)
    targets = _targets(args, clerk_cookies, clerk_token, official_cookie, citizen_token)
    targets = [t for t in targets if selected(args, t["name"])]
    from django.db import connections

    connections.close_all()
    worker = celery.start("worker", "bench-run")
    real = Server(
        "portal",
        "portal.wsgi:application",
        server_env(var_dir, "bench.bench_settings", {"LOOKUP_THROTTLE": "100000000/min"}),
        args.workers,
        tmp,
    )
    real.timeout = 120  # the slowest page at 1 M dossiers is measured, not killed
    servers.append(real)
    real.start("/healthz")
    answers, failures = {}, {}
    for target in targets:
        for path in target["paths"]:
            began = time.perf_counter()
            try:
                status, headers, body = fetch(
                    real.port, path, timeout=120, headers=target["headers"](0)
                )
            except OSError as exc:
                status, headers, body = 0, {}, repr(exc).encode()
            if status != 200:
                failures[target["name"]] = f"{path}: HTTP {status}: {body[:300]!r}"
                print(f"{target['name']}: NOT MEASURED, {failures[target['name']]}", flush=True)
                break
            answers[f"GET {path}"] = (200, headers.get("Content-Type", "text/html"), body)
        else:
            target["bytes"] = len(answers[f"GET {target['paths'][0]}"][2])
            target["first_ms"] = round((time.perf_counter() - began) * 1000)
    targets = [t for t in targets if t["name"] not in failures]
    submissions_setup = fixtures.procedures()
    # The bare view's readiness: the first page measured, or (only submissions or the sweep
    # selected with --only) an answer of its own.
    ready = targets[0]["paths"][0] if targets else "/healthz"
    answers.setdefault(f"GET {ready}", (200, "text/plain", b"ok"))
    bodies = tmp / "bodies.json"
    write_bare_answers(
        bodies,
        answers
        | {
            "POST /api/v1/dossiers/": (
                201,
                "application/json",
                b'{"code":"19774-000000-0001","state":"received"}',
            )
        },
    )
    bare = Server(
        "bare view",
        "portal.wsgi:application",
        server_env(var_dir, "bench.bare_settings", {"MOTCUA_BENCH_BODIES": str(bodies)}),
        args.workers,
        tmp,
    )
    bare.timeout = 120
    servers.append(bare)
    bare.start(ready)
    describe = (
        f"{args.concurrency} client threads (16 for the dossier pages), {args.rounds} round(s) of "
        f"{args.seconds} s per target alternating portal and bare view, median round; gunicorn "
        f"{args.workers} sync workers each; a Celery worker (-c 1) beside them"
    )
    print(describe, flush=True)
    table = report.Table()
    results = {"not_measured": failures}
    for name, why in failures.items():
        table.add(name, f"not measured: {why[:80]}", "-", "-", "-", False)
    out = {
        "benchmark": "bench/run",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": report.git_commit(),
        "machine": report.machine(),
        "postgresql": report.postgres_version(),
        "data": prepared | {"procedures": catalogue["procedures"]},
        "config": {
            "describe": describe,
            "dossiers": args.dossiers,
            "rounds": args.rounds,
            "seconds": args.seconds,
            "quick": args.quick,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "fixed_rate": args.rate,
        },
        "results": results,
        "complete": False,
    }
    stamp = args.stamp or (
        datetime.now(UTC).strftime("%Y-%m-%d") + ("-quick" if args.quick else "")
    )
    from django.db import connections as conns

    conns.close_all()
    for target in targets:
        paths, headers = target["paths"], target["headers"]

        def request(number, slot, paths=paths, headers=headers):
            return Request("GET", paths[number % len(paths)], headers(slot))

        loads = [Load(real, request, lambda r, b: bool(b)), Load(bare, request, lambda r, b: True)]
        if target.get("alone_only"):
            entry = {"paths": paths, "bytes": target["bytes"], "first_ms": target["first_ms"]}
            entry["database"] = database_time(real.port, request, samples=args.db_samples)
            entry["bare view"] = database_time(bare.port, request, samples=args.db_samples)
            results[target["name"]] = entry
            _rows(table, target, entry, args)
            print(f"{target['name']}: {table.rows[-1]}", flush=True)
            report.write(out, table, stamp)
            continue
        measured = median_rounds(
            loads,
            rounds=args.rounds,
            seconds=args.seconds,
            warmup=args.warmup,
            concurrency=target.get("concurrency", args.concurrency),
        )
        entry = {"paths": paths, "bytes": target["bytes"], **measured}
        entry["database"] = database_time(real.port, request, samples=args.db_samples)
        if target.get("fixed_rate"):
            entry["fixed_rate"] = {
                name: fixed_rate(load, rate=args.rate, seconds=args.fixed_seconds)
                for name, load in zip(("portal", "bare view"), loads, strict=True)
            }
        results[target["name"]] = entry
        _rows(table, target, entry, args)
        print(f"{target['name']}: {table.rows[-1]}", flush=True)
        report.write(out, table, stamp)  # so far: a run cut short still leaves its figures
    if selected(args, "submissions"):
        results["submissions"] = run_submissions(args, real, bare, submissions_setup, table, tmp)
        report.write(out, table, stamp)
    if selected(args, "sweep"):
        results["sweep"] = run_sweep(args, prepared["dossiers"], table)
    time.sleep(1)
    memory = {"web": tree_rss(real.process.pid), "celery": tree_rss(worker.pid)}
    web_mb = memory["web"]["max_worker_mb"]
    celery_mb = max([memory["celery"]["master_mb"] or 0, *memory["celery"]["workers_mb"]])
    table.add(
        "memory: web worker RSS after the run",
        f"{web_mb} MB",
        "-",
        "-",
        "<= 150 MB",
        web_mb is not None and web_mb <= 150,
    )
    table.add(
        "memory: Celery worker RSS after the run",
        f"{celery_mb} MB",
        "-",
        "-",
        "<= 200 MB",
        celery_mb <= 200,
    )
    out.update(
        memory=memory,
        complete=not args.only,  # a run limited with --only is not the whole table
        machine=report.machine(),
        total_seconds=round(time.perf_counter() - started, 1),
    )
    conns.close_all()
    path = report.write(out, table, stamp)
    print(report.header(out) + "\n" + table.markdown(), flush=True)
    print(f"written: {path.relative_to(report.ROOT)} and .json", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
