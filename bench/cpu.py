"""CPU time per request of the public pages, a dossier's desk page and API detail, the desk's
work queue and the staff's API list, in-process (issue 10): no gunicorn, no client.

    PYTHONPATH=. python bench/cpu.py [--requests 300] [--profile NAME] [--settings MODULE]

Each page is answered by Django's WSGI handler (the one gunicorn calls) from a prepared WSGI
environ, as gunicorn would hand it over, `--requests` times after a warm-up; the figure is
`time.process_time()` per request (this process's CPU only: PostgreSQL's and Redis's work is
theirs), the number of queries and the time spent waiting for them (round trips included, as
`bench.middleware` measures a request's database time under `bench/run`; the fastest round).
The "bare view" row is `bench.bare_urls`' view behind the same middleware, as `bench/run`'s
baseline. `--profile NAME` prints cProfile's top functions for one
page. Needs a migrated, seeded database (`manage.py seed_demo`; `bench/search.py`'s catalogue
top-up for the finder).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def environ(path: str, headers: dict[str, str]) -> dict:
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_HOST": "127.0.0.1:8000",
    }
    for name, value in headers.items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def pages() -> list[tuple[str, list[str], dict]]:
    from bench import fixtures
    from bench.targets import SEARCHES

    pairs = fixtures.lookup_pairs() or [("KHONG-CO", "0000")]
    procedure = fixtures.procedures()["code"]
    token = fixtures.token(fixtures.CITIZEN)
    clerk_token = fixtures.token(fixtures.CLERK)
    clerk_session = fixtures.sessions(fixtures.CLERK, 1)[0]
    dossier = fixtures.desk_dossier()
    html = {"Accept": "text/html", "User-Agent": "motcua-bench/1"}
    js = {"Accept": "application/json", "User-Agent": "motcua-bench/1"}
    return [
        ("look-up API", [f"/api/v1/lookup/{c}/?phone={p}" for c, p in pairs], js),
        ("look-up page", [f"/tra-cuu/?code={c}&phone={p}" for c, p in pairs], html),
        ("procedure page", [f"/thu-tuc/{procedure}/"], html),
        ("procedure API", [f"/api/v1/procedures/{procedure}/"], js),
        ("finder search API", [f"/api/v1/procedures/?search={quote(q)}" for q in SEARCHES], js),
        ("finder page", [f"/?q={quote(q)}" for q in SEARCHES], html),
        (
            "citizen's dossier list API",
            ["/api/v1/dossiers/?page_size=50"],
            {**js, "Authorization": f"Token {token}"},
        ),
        (
            "dossier desk page",
            [f"/desk/ho-so/{dossier}/"],
            {**html, "Cookie": f"sessionid={clerk_session}"},
        ),
        (
            "dossier API detail",
            [f"/api/v1/dossiers/{dossier}/"],
            {**js, "Authorization": f"Token {clerk_token}"},
        ),
        ("desk work queue", ["/desk/"], {**html, "Cookie": f"sessionid={clerk_session}"}),
        (
            "desk work queue, overdue",
            ["/desk/?overdue=true"],
            {**html, "Cookie": f"sessionid={clerk_session}"},
        ),
        (
            "API list, 50 rows",
            ["/api/v1/dossiers/?page_size=50"],
            {**js, "Authorization": f"Token {clerk_token}"},
        ),
        (
            "API list, 50 in review",
            ["/api/v1/dossiers/?state=in_review&page_size=50"],
            {**js, "Authorization": f"Token {clerk_token}"},
        ),
    ]


def measure(app, paths, headers, count, profile=None, answers=None):
    """(status, CPU ms per request, queries per request, milliseconds per request waiting for
    the database as bench.middleware counts them); `answers` collects the bodies."""
    from django.db import connection

    def one(i):
        started = []
        path = paths[i % len(paths)]
        body = app(environ(path, headers), lambda s, h: started.append((s, dict(h))))
        content = b"".join(body)
        body.close()
        if answers is not None:
            status, head = started[0]
            answers[f"GET {path}"] = (int(status.split()[0]), head["Content-Type"], content)
        return started[0][0]

    for i in range(max(20, len(paths))):  # warm-up: caches, templates, the connection
        status = one(i)
    queries, waited = 0, 0.0

    def counted(execute, sql, params, many, context):
        nonlocal queries, waited
        queries += 1
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited += time.perf_counter() - began

    with connection.execute_wrapper(counted):
        cpu = time.process_time()
        if profile:
            profile.enable()
        for i in range(count):
            one(i)
        if profile:
            profile.disable()
        cpu = time.process_time() - cpu
    return status, cpu * 1000 / count, queries / count, waited * 1000 / count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="the fastest round counts")
    parser.add_argument("--profile", default=None, help="a page's name: print its profile")
    parser.add_argument("--only", default=None, help="pages whose name contains this")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (tottime...)")
    parser.add_argument("--lines", type=int, default=60, help="functions the profile shows")
    parser.add_argument("--settings", default="bench.bench_settings")
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    from bench import bare_urls

    app = WSGIHandler()
    rows = []
    for name, paths, headers in pages():
        if args.only and args.only not in name:
            continue
        profile = cProfile.Profile(time.process_time) if args.profile == name else None
        profiled = profile
        answers: dict = {}
        ms = bare_ms = db_ms = float("inf")
        for _ in range(args.rounds):  # alternating; the least disturbed round of each counts
            status, real, queries, db = measure(
                app, paths, headers, args.requests, profile, answers
            )
            bare_urls.ANSWERS.update(answers)  # the baseline answers the same bytes
            with override_settings(ROOT_URLCONF="bench.bare_urls"):
                bare = measure(app, paths, headers, args.requests)[1]
            ms, bare_ms, db_ms, profile = min(ms, real), min(bare_ms, bare), min(db_ms, db), None
        rows.append((name, status, ms, queries, db_ms, bare_ms))
        if args.profile == name:
            out = io.StringIO()
            pstats.Stats(profiled, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())
    print("| page | status | CPU ms/request | queries | database ms | bare view ms | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, status, ms, queries, db_ms, bare_ms in rows:
        print(
            f"| {name} | {status.split()[0]} | {ms:.2f} | {queries:.1f} | {db_ms:.2f} "
            f"| {bare_ms:.2f} "
            f"| {bare_ms / ms:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
