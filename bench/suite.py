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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

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

SEARCHES = ["khai sinh", "dat dai", "chung thuc ban sao", "ho kinh doanh", "ket hon", "tam tru"]


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
    parser.add_argument("--stamp", default=None, help="results file name (default: the date)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.dossiers = args.dossiers or (20_000 if quick else 1_000_000)
    args.rounds = args.rounds or (1 if quick else 3)
    args.seconds = args.seconds or (2.0 if quick else 6.0)
    args.warmup = 0.5 if quick else 1.5
    args.fixed_seconds = 2.0 if quick else 5.0
    args.db_samples = 5 if quick else 15
    args.sweep_rounds = 1 if quick else args.rounds
    return args


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


def _targets(args, clerk_cookies, clerk_token, official_cookie, citizen_token) -> list[dict]:
    """The GET benchmarks: name, paths (rotated), headers per client slot, target ratio."""
    pairs = fixtures.lookup_pairs()
    procedure = fixtures.procedures()["code"]
    dossier = fixtures.desk_dossier()
    year_ago = (datetime.now(UTC) - timedelta(days=365)).date().isoformat()
    today = datetime.now(UTC).date().isoformat()
    anonymous = {"Accept": "text/html,application/json", "User-Agent": "motcua-bench/1"}

    def page(cookies):
        return lambda slot: {
            **anonymous,
            "Accept": "text/html",
            "Cookie": f"sessionid={cookies[slot % len(cookies)]}",
        }

    def api(token):
        return lambda slot: {
            **anonymous,
            "Accept": "application/json",
            "Authorization": f"Token {token}",
        }

    def public(slot):
        return anonymous

    return [
        {
            "name": "look-up API",
            "min": 0.5,
            "headers": public,
            "fixed_rate": True,
            "paths": [f"/api/v1/lookup/{c}/?phone={p}" for c, p in pairs],
        },
        {
            "name": "look-up page",
            "min": 0.5,
            "headers": public,
            "fixed_rate": True,
            "paths": [f"/tra-cuu/?code={c}&phone={p}" for c, p in pairs],
        },
        {
            "name": "procedure page",
            "min": 0.5,
            "headers": public,
            "paths": [f"/thu-tuc/{procedure}/"],
        },
        {
            "name": "procedure API",
            "min": 0.5,
            "headers": public,
            "paths": [f"/api/v1/procedures/{procedure}/"],
        },
        {
            "name": "finder search API",
            "min": 0.35,
            "headers": public,
            "paths": [f"/api/v1/procedures/?search={quote(q)}" for q in SEARCHES],
        },
        {
            "name": "finder page",
            "min": 0.35,
            "headers": public,
            "paths": [f"/?q={quote(q)}" for q in SEARCHES],
        },
        {
            "name": "dossier desk page",
            "min": 0.35,
            "headers": page(clerk_cookies),
            "paths": [f"/desk/ho-so/{dossier}/"],
            "concurrency": 16,
            "p99_max": 50,
        },
        {
            "name": "dossier API detail",
            "min": 0.35,
            "headers": api(clerk_token),
            "paths": [f"/api/v1/dossiers/{dossier}/"],
            "concurrency": 16,
            "p99_max": 50,
        },
        {
            "name": "desk work queue",
            "min": 0.25,
            "headers": page(clerk_cookies),
            "paths": ["/desk/"],
            "db_max": 2,
        },
        {
            "name": "desk work queue, overdue",
            "min": 0.25,
            "headers": page(clerk_cookies),
            "paths": ["/desk/?overdue=true"],
            "db_max": 2,
        },
        {
            "name": "API list, 50 rows",
            "min": 0.25,
            "headers": api(clerk_token),
            "paths": ["/api/v1/dossiers/?page_size=50"],
            "db_max": 2,
        },
        {
            "name": "API list, 50 in review",
            "min": 0.25,
            "headers": api(clerk_token),
            "paths": ["/api/v1/dossiers/?state=in_review&page_size=50"],
            "db_max": 2,
        },
        {
            "name": "citizen's dossier list API",
            "min": 0.25,
            "headers": api(citizen_token),
            "paths": ["/api/v1/dossiers/?page_size=50"],
        },
        {
            "name": "dashboard, province-year",
            "min": None,
            "headers": page([official_cookie]),
            "paths": [f"/dashboard/?from={year_ago}&to={today}"],
            "alone_max": 100,
        },
    ]


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
    bare.start(targets[0]["paths"][0])
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
    for target in targets:
        paths, headers = target["paths"], target["headers"]

        def request(number, slot, paths=paths, headers=headers):
            return Request("GET", paths[number % len(paths)], headers(slot))

        loads = [Load(real, request, lambda r, b: bool(b)), Load(bare, request, lambda r, b: True)]
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
    results["submissions"] = run_submissions(args, real, bare, submissions_setup, table, tmp)
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
    from django.db import connections as conns

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
        "memory": memory,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    conns.close_all()
    stamp = args.stamp or (
        datetime.now(UTC).strftime("%Y-%m-%d") + ("-quick" if args.quick else "")
    )
    path = report.write(out, table, stamp)
    print(report.header(out) + "\n" + table.markdown(), flush=True)
    print(f"written: {path.relative_to(report.ROOT)} and .json", flush=True)
    return 0


def _rows(table: report.Table, target: dict, entry: dict, args) -> None:
    real, bare, name = entry["portal"], entry["bare view"], target["name"]
    if target.get("min"):
        table.throughput(name, real, bare, target["min"])
    if target.get("p99_max"):
        c = target.get("concurrency", args.concurrency)
        table.add(
            f"{name}: p99 at {c} connections",
            f"{real['p99_ms']:.0f} ms",
            f"{bare['p99_ms']:.0f} ms",
            "-",
            f"<= {target['p99_max']} ms",
            real["p99_ms"] <= target["p99_max"],
        )
    db = entry["database"]
    if target.get("db_max"):
        table.add(
            f"{name}: database time per request",
            f"{db['db_ms_median']} ms ({db['queries_median']} queries)",
            "-",
            "-",
            f"<= {target['db_max']} ms",
            db["db_ms_median"] is not None and db["db_ms_median"] <= target["db_max"],
        )
    if target.get("alone_max"):
        table.add(
            f"{name} ({args.dossiers:,} dossiers)",
            f"{db['request_ms_median_alone']} ms alone, db {db['db_ms_median']} ms",
            f"{bare['p50_ms']:.0f} ms",
            "-",
            f"<= {target['alone_max']} ms (at 10 M)",
            db["request_ms_median_alone"] <= target["alone_max"],
        )
    if "fixed_rate" in entry:
        r, b = entry["fixed_rate"]["portal"], entry["fixed_rate"]["bare view"]
        table.add(
            f"{name}: p99 at a fixed {args.rate:.0f} req/s",
            f"p99 {r['p99_ms']:.0f} ms ({r['achieved_per_second']:.0f}/s, {r['missed']} missed)",
            f"p99 {b['p99_ms']:.0f} ms ({b['achieved_per_second']:.0f}/s)",
            "-",
            "<= 20 ms",
            r["p99_ms"] <= 20 and not r["missed"] and not r["errors"],
        )


if __name__ == "__main__":
    sys.exit(main())
