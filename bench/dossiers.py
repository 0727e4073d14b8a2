"""The desk under a million dossiers: the work queue page, the API list and reception, each
against a bare Django view answering the same bytes, same machine.

Run from the project root with the project's virtualenv, on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres motcua_bench_dossiers    # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_dossiers \\
        .venv/bin/python bench/dossiers.py

It migrates the database, loads the demo province (`seed_demo`), tops the dossiers up to
1,000,000 with `manage.py generate_dossiers` (timed; nothing is generated when there are enough),
prints the plan of the work queue's query (EXPLAIN ANALYZE), then starts two gunicorn servers on
127.0.0.1 (2 sync workers each, production-like settings): the portal, and the bare view
(`bench.bare_settings`) answering the bytes the portal gave for each URL. As clerk.kimlong (one
session per client thread, made once; a token for the API) thread clients measure, target
against bare view in alternating rounds:

- the work queue page `GET /desk/` and `GET /desk/?overdue=true`;
- the API list `GET /api/v1/dossiers/?state=in_review`;
- reception `POST /api/v1/dossiers/` (desk dossiers, documents checked, JSON): every dossier
  takes the next code of Kim Long's counter for today under its row lock, so the run also shows
  that lock's contention (sampled from pg_stat_activity) and checks that no code was skipped or
  repeated.

It prints requests/s and p50/p95 of each, the ratios, writes `bench/results/dossiers.json` and
stops both servers, also on Ctrl-C or error.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Load,
    Request,
    Server,
    add_load_arguments,
    compare,
    failed,
    fetch,
    install_signal_handlers,
    machine,
    ratio,
    refuse_foreign_database,
    server_env,
    summary_line,
    target_line,
    write_bare_answers,
    write_results,
)
from bench.dossiers_data import (
    CLERK,
    CSRF_VALUE,
    DEFAULT_DOSSIERS,
    PAGES,
    QUEUE_INDEX,
    RECEPTION_PATH,
    UNIT,
    LockSampler,
    clerk_credentials,
    codes_check,
    explain_queue,
    prepare_database,
    reception_body,
    reception_procedure,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS, help="at least N")
    add_load_arguments(parser, requests=400, warmup=40)
    parser.add_argument(
        "--reception-requests", type=int, default=1000, help="measured dossiers per target"
    )
    parser.add_argument(
        "--reception-concurrency",
        default="1,8",
        help="client threads for reception, comma-separated (one run per value)",
    )
    parser.add_argument("--skip-explain", action="store_true")
    parser.add_argument(
        "--app",
        default="portal.wsgi:application",
        help="WSGI application of the portal under test (a candidate fix; "
        "MOTCUA_BENCH_PYTHONPATH adds to the servers' path)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/dossiers.py needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    refused = refuse_foreign_database(args.allow_any_database, "a million dossiers")
    if refused:
        return refused
    install_signal_handlers()
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        var_dir = Path(tmp) / "var"
        (var_dir / "staticfiles").mkdir(parents=True)
        os.environ.update(server_env(var_dir, "portal.settings.base"))
        try:
            return _run(args, Path(tmp), var_dir, servers)
        except KeyboardInterrupt:
            print("\ninterrupted: stopping the servers", file=sys.stderr)
            return 130
        finally:
            for server in servers:
                server.stop()


# --- Main ---------------------------------------------------------------------------------------


def _run(args: argparse.Namespace, tmp: Path, var_dir: Path, servers: list[Server]) -> int:
    started = time.perf_counter()
    database = prepare_database(args.dossiers)
    print(
        f"database: {database['vendor']} {database['version']}, {database['dossiers']} dossiers "
        f"(~{database['events']} history rows, {database['size']}); "
        + (
            f"generated {database['generated_this_run']} in {database['generation_seconds']} s "
            f"({database['generation_dossiers_per_second']} dossiers/s); "
            if database["generated_this_run"]
            else "none generated this run; "
        )
        + f"prepared in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    reception_levels = [int(c) for c in args.reception_concurrency.split(",") if c.strip()]
    cookies, token, facts = clerk_credentials(max([args.concurrency, *reception_levels]))
    print(
        f"{CLERK}: units {', '.join(facts['units'])}; sees {facts['visible_dossiers']} dossiers, "
        f"{facts['open_dossiers']} open in the work queue",
        flush=True,
    )

    plans = {}
    if not args.skip_explain:
        plans = explain_queue()
        for name, plan in plans.items():
            print(
                f"EXPLAIN ANALYZE {name}: {plan['top']} | {plan['execution']} | "
                f"{QUEUE_INDEX} index {'used' if plan['uses_dossier_queue'] else 'NOT used'}",
                flush=True,
            )

    from django.db import connections

    connections.close_all()

    real = Server(
        "portal",
        args.app,
        server_env(var_dir, "portal.settings.base"),
        args.workers,
        tmp,
    )
    servers.append(real)
    real.start("/healthz")

    # Headers per client slot: its own session; the CSRF cookie the first answer set, so that
    # no answer sets it again (a browser keeps it too).
    page_headers = [
        {
            "Accept": "text/html",
            "User-Agent": "motcua-bench/1",
            "Cookie": f"sessionid={cookie}",
        }
        for cookie in cookies
    ]
    api_headers = {
        "Accept": "application/json",
        "User-Agent": "motcua-bench/1",
        "Authorization": f"Token {token}",
    }
    status, headers, body = fetch(real.port, PAGES[0][1], timeout=60, headers=page_headers[0])
    if status != 200:
        raise RuntimeError(f"{PAGES[0][1]}: HTTP {status}: {body[:300]!r}")
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    if csrf:
        for h in page_headers:
            h["Cookie"] += f"; csrftoken={csrf.group(1)}"

    def headers_for(path: str, slot: int) -> dict:
        return api_headers if path.startswith("/api/") else page_headers[slot]

    # The reception answer first: the dossier it adds is in the queue the pages show.
    procedure, documents = reception_procedure()
    status, headers, body = fetch(
        real.port,
        RECEPTION_PATH,
        timeout=60,
        method="POST",
        body=reception_body(procedure, documents, 0),
        headers={**api_headers, "Content-Type": "application/json"},
    )
    if status != 201:
        raise RuntimeError(f"POST {RECEPTION_PATH}: HTTP {status}: {body[:500]!r}")
    answers, expected, sizes = {}, {}, {}
    answers[f"POST {RECEPTION_PATH}"] = (201, headers.get("Content-Type"), body)
    created_example = json.loads(body)
    sizes[f"POST {RECEPTION_PATH}"] = len(body)

    for _name, path in PAGES:
        status, headers, body = fetch(real.port, path, timeout=60, headers=headers_for(path, 0))
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
        answers[f"GET {path}"] = (200, headers.get("Content-Type", "text/html"), body)
        expected[path] = CSRF_VALUE.sub(b"", body)
        sizes[path] = len(body)

    bodies_file = tmp / "bodies.json"
    write_bare_answers(bodies_file, answers)
    bare = Server(
        "bare view",
        "portal.wsgi:application",
        server_env(var_dir, "bench.bare_settings", {"MOTCUA_BENCH_BODIES": str(bodies_file)}),
        args.workers,
        tmp,
    )
    servers.append(bare)
    bare.start(PAGES[0][1])
    for key, (status, _type, body) in answers.items():
        method, path = key.split(" ", 1)
        got = fetch(bare.port, path, method=method, headers=headers_for(path, 0))
        if got[0] != status or got[2] != body:
            raise RuntimeError(f"bare view {key}: HTTP {got[0]}, not the portal's bytes")

    print(
        f"answers: {', '.join(f'{path} {size} bytes' for path, size in sizes.items())}",
        flush=True,
    )
    print(
        f"load: {args.concurrency} client threads, {args.warmup} warm-up + {args.requests} "
        f"measured requests per page and target in {args.rounds} alternating rounds; reception "
        f"{args.reception_requests} dossiers per target with {args.reception_concurrency} "
        f"clients; gunicorn {args.workers} sync workers each; {os.cpu_count()} CPUs shared by "
        f"clients, servers and PostgreSQL (load average before: {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    options = {
        "rounds": args.rounds,
        "max_seconds": args.max_seconds,
        "timeout": args.timeout,
    }

    report_targets, lines = {}, []
    for name, path in PAGES:

        def request(number: int, slot: int, path=path) -> Request:
            return Request("GET", path, headers_for(path, slot), key=path)

        def body_ok(request: Request, body: bytes) -> bool:
            return CSRF_VALUE.sub(b"", body) == expected[request.key]

        results = compare(
            [Load(real, request, body_ok), Load(bare, request, body_ok)],
            warmup=args.warmup,
            requests=args.requests,
            concurrency=args.concurrency,
            **options,
        )
        results[name] = results.pop("portal")
        for target, r in results.items():
            print(target_line(target, r, width=13), flush=True)
        line = summary_line(name, results[name], results["bare view"])
        print(line, flush=True)
        lines.append(line)
        report_targets[name] = {
            "path": path,
            "bytes": sizes[path],
            "targets": results,
            "ratio": ratio(results[name], results["bare view"]),
        }

    # Reception last: every dossier it adds lands in Kim Long's queue.
    from django.utils import timezone

    reception = {}
    body_bare = answers[f"POST {RECEPTION_PATH}"][2]
    serial = iter(range(1, 10**9))
    serial_lock = threading.Lock()

    def post(number: int, slot: int) -> Request:
        with serial_lock:
            n = next(serial)
        return Request(
            "POST",
            RECEPTION_PATH,
            {**api_headers, "Content-Type": "application/json"},
            body=reception_body(procedure, documents, n),
            status=201,
        )

    def created(request: Request, body: bytes) -> bool:
        data = json.loads(body)
        return data.get("state") == "received" and data.get("code", "").startswith(f"{UNIT}-")

    def bare_created(request: Request, body: bytes) -> bool:
        return body == body_bare

    for level in reception_levels:
        name = f"reception x{level}"
        with LockSampler() as sampler:
            results = compare(
                [Load(real, post, created)],
                warmup=min(args.warmup, args.reception_requests),
                requests=args.reception_requests,
                concurrency=level,
                **options,
            )
        bare_results = compare(
            [Load(bare, post, bare_created)],
            warmup=min(args.warmup, args.reception_requests),
            requests=args.reception_requests,
            concurrency=level,
            **options,
        )
        results[name] = results.pop("portal")
        results.update(bare_results)
        for target, r in results.items():
            print(target_line(target, r, width=13, unit="dossiers/s"), flush=True)
        contention = sampler.result()
        line = summary_line(name, results[name], results["bare view"], unit="dossiers/s")
        print(line, flush=True)
        print(
            f"{name}: lock waits (pg_stat_activity every 20 ms): "
            f"{contention['share_of_samples_with_a_waiter']:.0%} of {contention['samples']} "
            f"samples had a session waiting, mean {contention['mean_waiters']}, "
            f"max {contention['max_waiters']}",
            flush=True,
        )
        lines.append(line)
        reception[name] = {
            "clients": level,
            "targets": results,
            "ratio": ratio(results[name], results["bare view"]),
            "lock_waits": contention,
        }
    codes = codes_check(timezone.localdate())
    print(
        f"codes {UNIT}-{timezone.localdate():%y%m%d}-NNNN: counter at {codes['counter_last']}, "
        f"{codes['dossiers']} dossiers, "
        f"{'no gap, no repeat' if codes['no_gap_no_repeat'] else 'GAPS OR REPEATS'}",
        flush=True,
    )
    from django.db import connections

    connections.close_all()

    report = {
        "benchmark": "dossiers",
        "summary": lines,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": database,
        "clerk": {"username": CLERK, **facts},
        "explain": plans,
        "config": {
            "concurrency": args.concurrency,
            "warmup_per_target": args.warmup,
            "requests_per_target": args.requests,
            "reception_requests_per_target": args.reception_requests,
            "reception_concurrency": reception_levels,
            "gunicorn_workers": args.workers,
            "worker_class": "sync (closes each connection)",
            "rounds": args.rounds,
            "max_seconds_per_target_and_round": args.max_seconds,
            "reception_procedure": procedure,
        },
        "pages": report_targets,
        "reception": reception,
        "reception_example_code": created_example.get("code"),
        "codes": codes,
    }
    write_results(report, ["dossiers.json"])
    everything = [t["targets"] for t in report_targets.values()] + [
        r["targets"] for r in reception.values()
    ]
    ok = not any(failed(t) for t in everything) and codes["no_gap_no_repeat"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
