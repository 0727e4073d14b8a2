"""Database time per request, for `bench/run` only (`bench.bench_settings`).

PostgreSQL's pg_stat_statements is not loaded on every machine, so the benchmark measures the
database's share itself: a request that carries the header `X-Bench-Db: 1` runs with a
`connection.execute_wrapper` that adds up the wall time of each query, and its answer carries
`X-Bench-Db-Ms` (milliseconds waiting for PostgreSQL, round trips included) and
`X-Bench-Queries`. Requests without the header pass untouched, so the load rounds measure the
portal as it is.
"""

import time

from django.db import connection


class DatabaseTime:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.headers.get("X-Bench-Db") != "1":
            return self.get_response(request)
        spent = [0.0, 0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started
                spent[1] += 1

        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        response["X-Bench-Db-Ms"] = f"{spent[0] * 1000:.3f}"
        response["X-Bench-Queries"] = str(spent[1])
        return response
