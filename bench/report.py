"""`bench/run`'s results: each figure beside its baseline and its issue 10 target, as JSON and
as a Markdown table, with the machine they were measured on."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


class Table:
    """Rows of: what, MotCua, baseline, ratio, target, met?"""

    def __init__(self):
        self.rows: list[dict] = []

    def add(
        self, page: str, motcua: str, baseline: str, ratio: str, target: str, met: bool | None
    ) -> None:
        self.rows.append(
            {
                "page": page,
                "motcua": motcua,
                "baseline": baseline,
                "ratio": ratio,
                "target": target,
                "met": met,
            }
        )

    def throughput(
        self, page: str, real: dict, bare: dict, minimum: float, unit: str = "req/s"
    ) -> float | None:
        ratio = (
            real["requests_per_second"] / bare["requests_per_second"]
            if bare.get("requests_per_second")
            else None
        )
        self.add(
            page,
            f"{real['requests_per_second']:.0f} {unit}, p99 {real['p99_ms']:.0f} ms",
            f"{bare['requests_per_second']:.0f} {unit}, p99 {bare['p99_ms']:.0f} ms",
            f"{ratio:.2f}x" if ratio is not None else "-",
            f">= {minimum}x",
            ratio is not None and ratio >= minimum and not real.get("errors"),
        )
        return ratio

    def markdown(self) -> str:
        lines = [
            "| page | MotCua | baseline | ratio | target | met? |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in self.rows:
            met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
            lines.append(
                f"| {row['page']} | {row['motcua']} | {row['baseline']} | {row['ratio']} | "
                f"{row['target']} | {met} |"
            )
        return "\n".join(lines)


def header(report: dict) -> str:
    m, d = report["machine"], report["data"]
    rows = d["rows_estimated"]
    made = (
        f"generated this run in {d['generation_seconds']} s."
        if d.get("generated_this_run")
        else "reused."
    )
    return (
        f"# bench/run, {report['at']}\n\n"
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, {m['platform']}, "
        f"Python {m['python']}, PostgreSQL {report['postgresql']}; load average after the run "
        f"{m['load_average']} (a machine shared with other work: the ratios, measured against "
        f"the bare view in the same rounds, are what counts). Commit {report['commit']}.\n\n"
        f"Data: {d['dossiers']:,} dossiers "
        f"({rows.get('applications_dossierevent', 0):,} history rows, "
        f"{rows.get('applications_attachment', 0):,} attachments, "
        f"{rows.get('applications_clockstop', 0):,} clock stops; database {d['size']}); "
        f"{made}\n\nLoad: {report['config']['describe']}\n"
    )


def write(report: dict, table: Table, stamp: str | None = None) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = stamp or datetime.now(UTC).strftime("%Y-%m-%d")
    report["table"] = table.rows
    json_path = RESULTS_DIR / f"{stamp}.json"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    md_path = RESULTS_DIR / f"{stamp}.md"
    md_path.write_text(header(report) + "\n" + table.markdown() + "\n", "utf-8")
    return md_path
