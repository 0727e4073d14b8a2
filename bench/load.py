"""What `bench/run` adds to `bench/common.py`: rounds reduced to their median, an open-loop
client at a fixed rate, the database time of a page, and the memory of a process tree."""

import http.client
import statistics
import threading
import time
from pathlib import Path

from bench.common import HOST, Load, Phase, percentile, run_load, summary


def median_rounds(
    loads: list[Load],
    *,
    rounds: int,
    seconds: float,
    warmup: float,
    concurrency: int,
    timeout: float = 30.0,
) -> dict[str, dict]:
    """Each load warmed up, then `rounds` rounds of `seconds` each, the targets alternating in
    every round (the portal, then its bare view): whatever else the machine does weighs on both.
    Per target: the median round's figures (by requests/s) and every round's requests/s."""
    options = {"concurrency": concurrency, "timeout": timeout, "total": 10**9}
    for load in loads:
        if warmup:
            run_load(load, max_seconds=warmup, **options)
    per_target: dict[str, list[dict]] = {load.server.name: [] for load in loads}
    for _round in range(rounds):
        for load in loads:
            phase = run_load(load, max_seconds=seconds, **options)
            phase.stopped_early = False  # bounded by time, not by a count
            per_target[load.server.name].append(summary(phase))
    results = {}
    for name, summaries in per_target.items():
        ordered = sorted(summaries, key=lambda s: s["requests_per_second"])
        middle = dict(ordered[len(ordered) // 2])
        middle["rounds_requests_per_second"] = [s["requests_per_second"] for s in summaries]
        middle["errors"] = sum(s["errors"] for s in summaries)
        middle["wrong_body"] = sum(s["wrong_body"] for s in summaries)
        middle["first_error"] = next((s["first_error"] for s in summaries if s["first_error"]), "")
        results[name] = middle
    return results


def fixed_rate(
    load: Load, *, rate: float, seconds: float, threads: int = 48, timeout: float = 10.0
) -> dict:
    """Open loop: request i is due at start + i / rate whether or not earlier ones have been
    answered; its latency runs from that due moment (a late start counts against the server,
    no coordinated omission). A request that cannot start within 1 s of its moment is counted
    as missed."""
    total = int(rate * seconds)
    phase = Phase(load.server.name)
    lock = threading.Lock()
    counter = iter(range(total))
    missed = [0]
    start = time.perf_counter() + 0.2

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection(HOST, load.server.port, timeout=timeout)
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            due = start + number / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif wait < -1.0:
                with lock:
                    missed[0] += 1
                continue
            request = load.request(number, slot)
            try:
                connection.request(
                    request.method, request.path, body=request.body, headers=request.headers
                )
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                with lock:
                    phase.errors += 1
                    phase.first_error = phase.first_error or repr(exc)
                continue
            elapsed = time.perf_counter() - due
            with lock:
                if response.status != request.status:
                    phase.errors += 1
                    phase.first_error = phase.first_error or f"HTTP {response.status}"
                else:
                    phase.latencies.append(elapsed)
                    if not load.body_ok(request, body):
                        phase.wrong_body += 1
        connection.close()

    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    ok = len(phase.latencies)
    return {
        "rate_asked": rate,
        "seconds": round(elapsed, 2),
        "sent": ok + phase.errors,
        "ok": ok,
        "errors": phase.errors,
        "missed": missed[0],
        "achieved_per_second": round(ok / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(phase.latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(phase.latencies, 99) * 1000, 2),
        "first_error": phase.first_error,
    }


def database_time(
    port: int, request_for, *, samples: int = 15, timeout: float = 120.0, max_seconds: float = 20.0
) -> dict:
    """`samples` requests one after another with `X-Bench-Db: 1`: the median database time and
    query count the portal reports (bench.middleware), and the median time of the whole request
    alone on the server."""
    db_ms, queries, total_ms = [], [], []
    deadline = time.monotonic() + max_seconds
    for number in range(samples):
        if number and time.monotonic() > deadline:
            break
        request = request_for(number, 0)
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            began = time.perf_counter()
            connection.request(
                request.method,
                request.path,
                body=request.body,
                headers={**request.headers, "X-Bench-Db": "1"},
            )
            response = connection.getresponse()
            response.read()
            total_ms.append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()
        if response.getheader("X-Bench-Db-Ms") is not None:
            db_ms.append(float(response.getheader("X-Bench-Db-Ms")))
            queries.append(int(response.getheader("X-Bench-Queries")))
    return {
        "samples": len(total_ms),
        "db_ms_median": round(statistics.median(db_ms), 2) if db_ms else None,
        "queries_median": statistics.median(queries) if queries else None,
        "request_ms_median_alone": round(statistics.median(total_ms), 2) if total_ms else None,
        # The 95th percentile of the requests alone (nearest rank; with 15 samples, the 15th).
        "request_ms_p95_alone": (
            round(sorted(total_ms)[max(0, -(-len(total_ms) * 95 // 100) - 1)], 2)
            if total_ms
            else None
        ),
    }


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def tree_rss(pid: int) -> dict:
    """RSS of a master process and of each of its children (gunicorn or Celery workers)."""
    kids = children(pid)
    sizes = [rss_mb(k) for k in kids]
    sizes = [s for s in sizes if s is not None]
    return {
        "master_mb": rss_mb(pid),
        "workers_mb": sizes,
        "max_worker_mb": max(sizes, default=None),
    }
