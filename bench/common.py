"""What the benchmarks share: gunicorn servers on 127.0.0.1, the bare-view server, thread clients
with `http.client`, bounded runs in alternating rounds, figures and their JSON.

Each benchmark script (`bench/search.py`, `bench/dossiers.py`) prepares its data, starts a real
server and a bare one (`bench.bare_settings`, answering precomputed bytes, see
`bench/bare_urls.py`), measures both the same way and prints the ratio.
"""

import http.client
import itertools
import json
import math
import os
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.servers import HEADERS as HEADERS
from bench.servers import HOST, RESULTS_DIR, ROOT, Server
from bench.servers import add_load_arguments as add_load_arguments
from bench.servers import database_version as database_version
from bench.servers import fetch as fetch
from bench.servers import install_signal_handlers as install_signal_handlers
from bench.servers import refuse_foreign_database as refuse_foreign_database
from bench.servers import server_env as server_env
from bench.servers import write_bare_answers as write_bare_answers

# --- Load ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict
    body: bytes | None = None
    status: int = 200  # expected
    key: object = None  # what the body check needs to know


@dataclass
class Phase:
    target: str
    requests: int = 0
    ok: int = 0
    errors: int = 0
    wrong_body: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    stopped_early: bool = False
    first_error: str = ""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Load:
    """What one target is sent: request number and client slot -> request, and the body check."""

    server: Server
    request: Callable[[int, int], Request]
    body_ok: Callable[[Request, bytes], bool]


def run_load(
    load: Load, *, total: int, concurrency: int, max_seconds: float, timeout: float
) -> Phase:
    """`total` requests from `concurrency` threads, each with its own connection."""
    server = load.server
    phase = Phase(server.name)
    counter = itertools.count()
    lock = threading.Lock()
    stop = threading.Event()
    start_gate = threading.Barrier(concurrency + 1)
    per_thread: list[list[float]] = [[] for _ in range(concurrency)]
    deadline = [math.inf]

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
        latencies = per_thread[slot]
        try:
            start_gate.wait()
            while not stop.is_set():
                number = next(counter)
                if number >= total or time.monotonic() > deadline[0]:
                    break
                request = load.request(number, slot)
                began = time.perf_counter()
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
                elapsed = time.perf_counter() - began
                if response.status != request.status:
                    with lock:
                        phase.errors += 1
                        phase.first_error = phase.first_error or (
                            f"HTTP {response.status}: {body[:200]!r}"
                        )
                    continue
                if not load.body_ok(request, body):
                    with lock:
                        phase.wrong_body += 1
                latencies.append(elapsed)
        except threading.BrokenBarrierError:
            return
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(slot,), daemon=True) for slot in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    cpu_before, server_before = time.process_time(), server.cpu_seconds()
    deadline[0] = time.monotonic() + max_seconds
    try:
        start_gate.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        phase.seconds = time.perf_counter() - began
    finally:
        stop.set()
        start_gate.abort()
    phase.client_cpu = time.process_time() - cpu_before
    phase.server_cpu = server.cpu_seconds() - server_before
    phase.latencies = [value for values in per_thread for value in values]
    phase.ok = len(phase.latencies)
    phase.requests = phase.ok + phase.errors
    phase.stopped_early = phase.requests < total
    return phase


def merge(name: str, parts: list[Phase]) -> Phase:
    merged = Phase(name)
    for part in parts:
        merged.requests += part.requests
        merged.ok += part.ok
        merged.errors += part.errors
        merged.wrong_body += part.wrong_body
        merged.seconds += part.seconds
        merged.latencies.extend(part.latencies)
        merged.client_cpu += part.client_cpu
        merged.server_cpu += part.server_cpu
        merged.stopped_early = merged.stopped_early or part.stopped_early
        merged.first_error = merged.first_error or part.first_error
    return merged


def summary(phase: Phase) -> dict:
    rps = phase.ok / phase.seconds if phase.seconds else 0.0
    return {
        "requests": phase.requests,
        "ok": phase.ok,
        "errors": phase.errors,
        "first_error": phase.first_error,
        "wrong_body": phase.wrong_body,
        "stopped_early": phase.stopped_early,
        "seconds": round(phase.seconds, 3),
        "requests_per_second": round(rps, 1),
        "p50_ms": round(percentile(phase.latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(phase.latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(phase.latencies, 99) * 1000, 2),
        "max_ms": round(max(phase.latencies, default=math.nan) * 1000, 2),
        "server_cpu_ms_per_request": round(phase.server_cpu / phase.ok * 1000, 3)
        if phase.ok
        else None,
        "client_cpu_share": round(phase.client_cpu / phase.seconds, 2) if phase.seconds else None,
    }


def compare(
    loads: list[Load],
    *,
    warmup: int,
    requests: int,
    rounds: int,
    concurrency: int,
    max_seconds: float,
    timeout: float,
) -> dict[str, dict]:
    """Warm each target up, then measure them in rounds that alternate the targets, so that
    whatever else the machine does weighs on all of them. Summary per target name."""
    options = {"concurrency": concurrency, "max_seconds": max_seconds, "timeout": timeout}
    for load in loads:
        if warmup:
            run_load(load, total=warmup, **options)
    rounds = max(1, min(rounds, requests))
    parts: dict[str, list[Phase]] = {load.server.name: [] for load in loads}
    for number in range(rounds):
        count = requests // rounds + (1 if number < requests % rounds else 0)
        for load in loads:
            parts[load.server.name].append(run_load(load, total=count, **options))
    results = {}
    for name, phases in parts.items():
        results[name] = summary(merge(name, phases))
        results[name]["rounds_requests_per_second"] = [
            round(phase.ok / phase.seconds, 1) if phase.seconds else 0.0 for phase in phases
        ]
    return results


def ratio(real: dict, bare: dict) -> dict:
    """The real target against the bare view: throughput, p50, p95 and server CPU per request."""

    def divide(a, b, digits):
        return round(a / b, digits) if a is not None and b else None

    return {
        "throughput": divide(real["requests_per_second"], bare["requests_per_second"], 3),
        "p50": divide(real["p50_ms"], bare["p50_ms"], 2),
        "p95": divide(real["p95_ms"], bare["p95_ms"], 2),
        "server_cpu_per_request": divide(
            real["server_cpu_ms_per_request"], bare["server_cpu_ms_per_request"], 2
        ),
    }


def target_line(name: str, r: dict, *, width: int = 9, unit: str = "req/s") -> str:
    return (
        f"{name:>{width}}: {r['requests_per_second']:.0f} {unit}, p50 {r['p50_ms']:.1f} ms, "
        f"p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms "
        f"({r['ok']} ok, {r['errors']} errors, {r['wrong_body']} wrong bodies, "
        f"{r['seconds']:.2f} s; gunicorn CPU {r['server_cpu_ms_per_request']} ms/request, "
        f"client threads {r['client_cpu_share']} CPU)"
    )


def summary_line(name: str, real: dict, bare: dict, *, unit: str = "req/s") -> str:
    """`name: X req/s, p95 Y ms | bare view: ... | ratio: 0.15x throughput, 6.3x p95`."""
    r = ratio(real, bare)
    return (
        f"{name}: {real['requests_per_second']:.0f} {unit}, p95 {real['p95_ms']:.1f} ms | "
        f"bare view: {bare['requests_per_second']:.0f} {unit}, p95 {bare['p95_ms']:.1f} ms | "
        f"ratio: {r['throughput']:.2f}x throughput, {r['p95']:.1f}x p95"
    )


def failed(results: dict[str, dict]) -> bool:
    return any(r["errors"] or r["wrong_body"] or r["stopped_early"] for r in results.values())


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average_after": round(os.getloadavg()[0], 2),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def write_results(report: dict, filenames: list[str]) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    for filename in filenames:
        (RESULTS_DIR / filename).write_text(text, encoding="utf-8")
    print(f"written: {RESULTS_DIR.relative_to(ROOT)}/{filenames[0]}", flush=True)
