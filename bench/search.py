"""Procedure search under load: the real endpoint against a bare Django view, same machine.

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench .venv/bin/python bench/search.py

It migrates the database (``DATABASE_URL``, else a temporary SQLite), loads Huế's units and the
demo catalogue, adds synthetic procedures until there are at least 423, then starts two gunicorn
servers on 127.0.0.1 (2 sync workers each, production-like settings):

- **search**: ``portal.wsgi:application``, the real ``/api/v1/procedures/?search=...``;
- **bare view**: the same WSGI entry with ``bench.bare_settings`` (the portal's settings and
  middleware, URLconf ``bench.bare_urls``), answering the bytes the real endpoint gave for the
  same query, read once at startup.

Python threads (keep-alive ``http.client`` connections; gunicorn's sync workers close each one,
so every request opens a new TCP connection, for both targets alike) send a fixed number of
requests to each, rotating over realistic queries. It prints requests/s and p50/p95 latency of
both and their ratio, writes them to ``bench/results/search.json`` (and
``bench/results/search-<database>.json``), and stops both servers, also on Ctrl-C or error.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    HEADERS,
    Load,
    Request,
    Server,
    add_load_arguments,
    compare,
    database_version,
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
from bench.search_catalogue import DEFAULT_PROCEDURES, synthetic_records

SEARCH_PATH = "/api/v1/procedures/"

# What residents type into the finder: with and without diacritics, narrow and broad.
QUERIES = [
    "khai sinh",
    "dat dai",
    "chung thuc ban sao",
    "ho kinh doanh",
    "giay phep xay dung",
    "ket hon",
    "tam tru",
    "thường trú",
    "khai tử",
    "quyen su dung dat",
    "trợ cấp xã hội",
    "nguoi co cong",
    "đăng ký",
]

# --- Database -----------------------------------------------------------------------------------


def prepare_database(target: int) -> dict:
    """Migrate, load the demo units and catalogue, top up to `target` procedures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from procedures.demo import seed_catalogue, seed_units
    from procedures.models import ProcedureVersion
    from procedures.selectors import procedure_catalogue
    from procedures.services import procedures_import
    from procedures.text import fold

    call_command("migrate", verbosity=0, interactive=False)
    seed_units()
    seed_catalogue()
    before = procedure_catalogue().count()
    added = 0
    if before < target:
        taken_codes = set(procedure_catalogue().values_list("code", flat=True))
        taken_names = {fold(n) for n in ProcedureVersion.objects.values_list("name_vi", flat=True)}
        records = synthetic_records(
            target - before, taken_codes=taken_codes, taken_names=taken_names
        )
        added = procedures_import(records=records).created
    total = procedure_catalogue().count()
    vendor, version = database_version()
    connections.close_all()
    return {
        "vendor": vendor,
        "version": version,
        "procedures": total,
        "synthetic_added": added,
    }


def search_path(query: str) -> str:
    return f"{SEARCH_PATH}?search={quote(query)}"


# --- Main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=DEFAULT_PROCEDURES)
    add_load_arguments(parser, requests=2000, warmup=200)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    refused = refuse_foreign_database(args.allow_any_database, "synthetic procedures")
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


def _run(args: argparse.Namespace, tmp: Path, var_dir: Path, servers: list[Server]) -> int:
    started = time.perf_counter()
    database = prepare_database(args.procedures)
    print(
        f"database: {database['vendor']} {database['version']}, {database['procedures']} "
        f"procedures ({database['synthetic_added']} synthetic added this run); "
        f"prepared in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    search = Server(
        "search",
        "portal.wsgi:application",
        server_env(var_dir, "portal.settings.base"),
        args.workers,
        tmp,
    )
    servers.append(search)
    search.start("/healthz")

    # The bare view answers what the real endpoint answered, byte for byte.
    expected: dict[str, bytes] = {}
    answers = {}
    matches = {}
    for query in QUERIES:
        status, headers, body = fetch(search.port, search_path(query))
        if status != 200:
            raise RuntimeError(f"search {query!r}: HTTP {status}: {body[:300]!r}")
        expected[query] = body
        answers[f"GET {search_path(query)}"] = (
            200,
            headers.get("Content-Type", "application/json"),
            body,
        )
        matches[query] = json.loads(body)["count"]
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
    bare.start(search_path(QUERIES[0]))
    for query in QUERIES:
        status, _headers, body = fetch(bare.port, search_path(query))
        if status != 200 or body != expected[query]:
            raise RuntimeError(f"bare view {query!r}: HTTP {status}, not the search's bytes")

    print(
        f"queries: {', '.join(f'{q!r} {matches[q]}' for q in QUERIES)} matches; "
        f"{min(map(len, expected.values()))}-{max(map(len, expected.values()))} bytes per answer",
        flush=True,
    )
    print(
        f"load: {args.concurrency} client threads, {args.warmup} warm-up + {args.requests} "
        f"measured requests per target in {args.rounds} alternating rounds; gunicorn "
        f"{args.workers} sync workers each; {os.cpu_count()} CPUs shared by clients and servers "
        f"(load average before: {os.getloadavg()[0]:.2f})",
        flush=True,
    )

    requests = [Request("GET", search_path(query), HEADERS, key=query) for query in QUERIES]

    def request(number: int, slot: int) -> Request:
        return requests[number % len(requests)]

    def body_ok(request: Request, body: bytes) -> bool:
        return body == expected[request.key]

    results = compare(
        [Load(search, request, body_ok), Load(bare, request, body_ok)],
        warmup=args.warmup,
        requests=args.requests,
        rounds=args.rounds,
        concurrency=args.concurrency,
        max_seconds=args.max_seconds,
        timeout=args.timeout,
    )
    for name, r in results.items():
        print(target_line(name, r), flush=True)
    s, b = results["search"], results["bare view"]
    ratios = ratio(s, b)
    line = summary_line("search", s, b)
    print(line, flush=True)
    print(
        f"gunicorn CPU per request: search {s['server_cpu_ms_per_request']:.2f} ms, "
        f"bare view {b['server_cpu_ms_per_request']:.2f} ms "
        f"({ratios['server_cpu_per_request']:.1f}x; less sensitive to other load on the machine)",
        flush=True,
    )

    report = {
        "benchmark": "search",
        "summary": line,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": database,
        "config": {
            "endpoint": f"{SEARCH_PATH}?search=...",
            "concurrency": args.concurrency,
            "warmup_per_target": args.warmup,
            "requests_per_target": args.requests,
            "gunicorn_workers": args.workers,
            "worker_class": "sync (closes each connection)",
            "rounds": args.rounds,
            "max_seconds_per_target_and_round": args.max_seconds,
        },
        "queries": [
            {"search": q, "matches": matches[q], "bytes": len(expected[q])} for q in QUERIES
        ],
        "targets": results,
        "ratio": ratios,
    }
    write_results(report, ["search.json", f"search-{database['vendor']}.json"])
    return 1 if failed(results) else 0


if __name__ == "__main__":
    sys.exit(main())
