"""`bench/run`'s GET benchmarks: each page and API with its paths, the headers of each client
slot, and its issue 10 target; and the table rows each one gives."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from bench import fixtures, report

SEARCHES = ["khai sinh", "dat dai", "chung thuc ban sao", "ho kinh doanh", "ket hon", "tam tru"]


def targets(args, clerk_cookies, clerk_token, official_cookie, citizen_token) -> list[dict]:
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
            # A ward's page for the month (issue 12: <= 300 ms p95 at 1 M).
            "name": "dashboard, ward-month",
            "min": None,
            "headers": page([official_cookie]),
            "paths": ["/dashboard/unit/?unit=19774&period=this_month"],
            "alone_only": True,
            "alone_max": 100,
            "p95_alone_max": 300,
        },
        {
            # The city's overview for the year (issue 12's province-year page): rollup-read.
            "name": "dashboard overview, province-year",
            "min": None,
            "headers": page([official_cookie]),
            "paths": ["/dashboard/overview/?period=year"],
            "alone_only": True,
            "alone_max": 100,
            "p95_alone_max": 300,
        },
        {
            # The dashboard's start page: the stats cohort "received in the period, judged
            # now", read from its rollup (ADR 0015, `DossierCohort`).
            "name": "dashboard, province-year",
            "min": None,
            "headers": page([official_cookie]),
            "paths": [f"/dashboard/?from={year_ago}&to={today}"],
            "alone_only": True,  # seconds per answer at 1 M: timed alone, not under load
            "alone_max": 100,
            "p95_alone_max": 300,
        },
    ]


def rows(table: report.Table, target: dict, entry: dict, args) -> None:
    real, bare, name = entry.get("portal"), entry["bare view"], target["name"]
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
            f"{bare['request_ms_median_alone']} ms",
            "-",
            f"<= {target['alone_max']} ms (at 10 M)",
            db["request_ms_median_alone"] <= target["alone_max"],
        )
        if target.get("p95_alone_max") and db.get("request_ms_p95_alone") is not None:
            table.add(
                f"{name}: p95 of {db['samples']} requests alone",
                f"{db['request_ms_p95_alone']} ms",
                f"{bare.get('request_ms_p95_alone')} ms",
                "-",
                f"<= {target['p95_alone_max']} ms (issue 12, at 1 M)",
                db["request_ms_p95_alone"] <= target["p95_alone_max"],
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
