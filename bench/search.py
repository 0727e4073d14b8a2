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
import base64
import contextlib
import http.client
import itertools
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
SEARCH_PATH = "/api/v1/procedures/"
HOST = "127.0.0.1"  # loopback only
DEFAULT_PROCEDURES = 423

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

# --- Synthetic procedures ---------------------------------------------------------------------
# Names are built the way the national catalogue's are: an action, an object of the field, and
# sometimes a qualifier. Each field keeps the name it has in procedures_hue.json (so imports reuse
# the same Field) and a weight close to its share of the real catalogue.


@dataclass
class FieldWords:
    field_vi: str
    field_en: str
    weight: int
    actions: list[tuple[str, str]]
    objects: list[tuple[str, str]]
    qualifiers: list[tuple[str, str]]
    province_share: float = 0.0


NO_QUALIFIER = ("", "")

FIELDS = [
    FieldWords(
        "Hộ tịch",
        "Civil status registration",
        30,
        [
            ("Đăng ký", "Registration of"),
            ("Đăng ký lại", "Re-registration of"),
            ("Cấp bản sao trích lục", "Copy of the extract of"),
            ("Ghi vào Sổ hộ tịch việc", "Recording in the civil-status register of"),
        ],
        [
            ("khai sinh", "birth"),
            ("kết hôn", "marriage"),
            ("khai tử", "death"),
            ("giám hộ", "guardianship"),
            ("nhận cha, mẹ, con", "parent-child recognition"),
            ("chấm dứt giám hộ", "end of guardianship"),
        ],
        [
            NO_QUALIFIER,
            ("có yếu tố nước ngoài", "with a foreign element"),
            ("lưu động", "by a mobile team"),
            ("cho người đã có hồ sơ, giấy tờ cá nhân", "for a person already holding papers"),
            ("tại khu vực biên giới", "in a border area"),
        ],
    ),
    FieldWords(
        "Chứng thực",
        "Certification (attestation)",
        12,
        [
            ("Chứng thực", "Certification of"),
            ("Sửa lỗi sai sót trong chứng thực", "Correcting an error in the certification of"),
            ("Cấp bản sao có chứng thực", "Certified copy of"),
        ],
        [
            ("bản sao từ bản chính giấy tờ, văn bản", "copies from original papers"),
            ("chữ ký trong giấy tờ, văn bản", "a signature on papers"),
            ("hợp đồng, giao dịch", "a contract or transaction"),
            ("di chúc", "a will"),
            ("văn bản thỏa thuận phân chia di sản", "an estate division agreement"),
            ("chữ ký người dịch", "a translator's signature"),
            ("hợp đồng ủy quyền", "a power-of-attorney contract"),
        ],
        [
            NO_QUALIFIER,
            ("do cơ quan nước ngoài cấp", "issued by a foreign authority"),
            ("bằng phương thức điện tử", "electronically"),
            ("liên quan đến tài sản là động sản", "concerning movable property"),
        ],
    ),
    FieldWords(
        "Đất đai",
        "Land administration",
        15,
        [
            ("Đăng ký", "Registration of"),
            ("Đăng ký biến động", "Registration of changes in"),
            ("Cấp Giấy chứng nhận", "Certificate of"),
            ("Đính chính Giấy chứng nhận", "Correction of the certificate of"),
            ("Gia hạn", "Extension of"),
            ("Xác nhận", "Confirmation of"),
        ],
        [
            ("quyền sử dụng đất", "land-use rights"),
            (
                "quyền sở hữu nhà ở và tài sản gắn liền với đất",
                "ownership of housing and land-attached assets",
            ),
            ("tách thửa, hợp thửa đất", "parcel subdivision or merger"),
            ("chuyển mục đích sử dụng đất", "change of land-use purpose"),
            ("thế chấp quyền sử dụng đất", "mortgage of land-use rights"),
        ],
        [
            NO_QUALIFIER,
            ("lần đầu", "for the first time"),
            ("đối với hộ gia đình, cá nhân", "for households and individuals"),
            ("do thừa kế", "by inheritance"),
        ],
        province_share=0.3,
    ),
    FieldWords(
        "Bảo trợ xã hội",
        "Social protection",
        9,
        [
            ("Thực hiện", "Granting"),
            ("Điều chỉnh", "Adjusting"),
            ("Thôi hưởng", "Ending"),
            ("Chi trả", "Payment of"),
        ],
        [
            ("trợ cấp xã hội hàng tháng", "monthly social allowance"),
            ("hỗ trợ chi phí mai táng", "funeral-cost support"),
            ("trợ giúp xã hội khẩn cấp", "emergency social assistance"),
            ("hỗ trợ kinh phí chăm sóc, nuôi dưỡng", "care and nurture funding"),
        ],
        [
            NO_QUALIFIER,
            ("cho người khuyết tật", "for people with disabilities"),
            ("cho người cao tuổi", "for the elderly"),
            ("khi thay đổi nơi cư trú", "on a change of residence"),
        ],
    ),
    FieldWords(
        "Hoạt động xây dựng",
        "Construction permits",
        6,
        [
            ("Cấp giấy phép xây dựng", "Construction permit for"),
            ("Điều chỉnh giấy phép xây dựng", "Amendment of the construction permit for"),
            ("Gia hạn giấy phép xây dựng", "Extension of the construction permit for"),
            ("Cấp lại giấy phép xây dựng", "Re-issuance of the construction permit for"),
            ("Cấp giấy phép sửa chữa, cải tạo", "Permit to repair or renovate"),
        ],
        [
            ("nhà ở riêng lẻ", "a detached house"),
            ("công trình cấp III, cấp IV", "grade III/IV works"),
            ("công trình tín ngưỡng, tôn giáo", "religious works"),
            ("công trình quảng cáo", "advertising structures"),
        ],
        [
            NO_QUALIFIER,
            ("có thời hạn", "with a time limit"),
            ("tại khu vực có quy hoạch chi tiết", "in an area with a detailed plan"),
        ],
        province_share=0.2,
    ),
    FieldWords(
        "Đăng ký hộ kinh doanh",
        "Household business registration",
        6,
        [
            ("Đăng ký thành lập", "Registration of a new"),
            ("Đăng ký thay đổi nội dung đăng ký", "Registration of changes to"),
            ("Thông báo tạm ngừng kinh doanh", "Notice of suspension of"),
            ("Chấm dứt hoạt động", "Closure of"),
            ("Cấp lại Giấy chứng nhận đăng ký", "Re-issued registration certificate of"),
        ],
        [
            ("hộ kinh doanh", "a household business"),
            ("địa điểm kinh doanh của hộ kinh doanh", "a household business's premises"),
            ("hộ kinh doanh dịch vụ ăn uống", "a food-service household business"),
        ],
        [
            NO_QUALIFIER,
            ("qua mạng điện tử", "online"),
            ("khi chuyển địa chỉ trụ sở", "when moving the registered address"),
        ],
    ),
    FieldWords(
        "Đăng ký, quản lý cư trú (Công an cấp xã)",
        "Residence registration (commune police)",
        6,
        [
            ("Đăng ký", "Registration of"),
            ("Gia hạn", "Extension of"),
            ("Xóa đăng ký", "Deregistration of"),
            ("Điều chỉnh thông tin về", "Updating the details of"),
            ("Khai báo", "Declaration of"),
        ],
        [
            ("tạm trú", "temporary residence"),
            ("thường trú", "permanent residence"),
            ("lưu trú", "short stay"),
            ("tạm vắng", "temporary absence"),
            ("tách hộ", "household split"),
        ],
        [
            NO_QUALIFIER,
            ("qua Cổng dịch vụ công", "through the public-service portal"),
            ("cho người chưa thành niên", "for a minor"),
        ],
    ),
    FieldWords(
        "Văn hóa \u2013 Thể thao",  # the catalogue's name, with its en dash
        "Culture and sport",
        5,
        [
            ("Đăng ký tổ chức", "Registration to organise"),
            ("Thông báo tổ chức", "Notice of"),
            ("Công nhận", "Recognition of"),
        ],
        [
            ("lễ hội", "a festival"),
            ("câu lạc bộ thể dục thể thao cơ sở", "a grassroots sports club"),
            ("hoạt động biểu diễn nghệ thuật", "a performing-arts event"),
            ("danh hiệu gia đình văn hóa", "the cultured-family title"),
        ],
        [
            NO_QUALIFIER,
            ("quy mô cấp xã", "at commune scale"),
            ("có yếu tố nước ngoài", "with a foreign element"),
        ],
    ),
    FieldWords(
        "Nông nghiệp và môi trường",
        "Agriculture and environment",
        5,
        [
            ("Đăng ký", "Registration of"),
            ("Xác nhận", "Confirmation of"),
            ("Hỗ trợ", "Support for"),
        ],
        [
            ("khai thác nước mặt", "surface-water abstraction"),
            ("kế hoạch bảo vệ môi trường", "an environmental protection plan"),
            ("kinh tế trang trại", "a farm business"),
            ("khôi phục sản xuất nông nghiệp", "restoring farm production"),
        ],
        [
            NO_QUALIFIER,
            ("sau thiên tai", "after a natural disaster"),
            ("quy mô hộ gia đình", "at household scale"),
        ],
    ),
    FieldWords(
        "Giáo dục và đào tạo",
        "Education",
        4,
        [
            ("Cho phép hoạt động", "Operating permit for"),
            ("Sáp nhập, chia, tách", "Merger or split of"),
            ("Giải thể", "Dissolution of"),
            ("Thành lập", "Establishment of"),
        ],
        [
            ("trường mầm non", "a preschool"),
            ("nhóm trẻ, lớp mẫu giáo độc lập", "an independent daycare group"),
            ("trường tiểu học", "a primary school"),
            ("trung tâm học tập cộng đồng", "a community learning centre"),
        ],
        [NO_QUALIFIER, ("tư thục", "(private)"), ("dân lập", "(community-founded)")],
    ),
    FieldWords(
        "Người có công",
        "People with meritorious services",
        4,
        [
            ("Giải quyết", "Granting"),
            ("Điều chỉnh", "Adjusting"),
            ("Hỗ trợ", "Support for"),
        ],
        [
            ("trợ cấp ưu đãi", "preferential allowance"),
            ("thăm viếng mộ liệt sĩ", "visits to martyrs' graves"),
            ("cải thiện nhà ở", "housing improvement"),
            ("bảo hiểm y tế", "health insurance"),
        ],
        [
            NO_QUALIFIER,
            ("đối với thân nhân liệt sĩ", "for martyrs' relatives"),
            ("đối với thương binh", "for war invalids"),
        ],
    ),
]

AUTHORITY = {
    "commune": ("Ủy ban nhân dân cấp xã", "Commune People's Committee"),
    "province": (
        "Cơ quan chuyên môn thuộc Ủy ban nhân dân thành phố Huế",
        "A department of Huế City People's Committee",
    ),
}


def synthetic_names(seed: int = DEFAULT_PROCEDURES):
    """(field, name_vi, name_en) in a fixed order, fields interleaved by their weight."""
    rng = random.Random(seed)
    pending = {}
    for words in FIELDS:
        combos = list(itertools.product(words.actions, words.objects, words.qualifiers))
        rng.shuffle(combos)
        pending[words.field_vi] = (words, combos)
    while pending:
        names = list(pending)
        name = rng.choices(names, weights=[pending[n][0].weight for n in names])[0]
        words, combos = pending[name]
        (action_vi, action_en), (object_vi, object_en), (qual_vi, qual_en) = combos.pop()
        if not combos:
            del pending[name]
        name_vi = " ".join(filter(None, [action_vi, object_vi, qual_vi]))
        name_en = " ".join(filter(None, [action_en, object_en, qual_en]))
        yield words, name_vi, name_en


def synthetic_records(needed: int, *, taken_codes: set[str], taken_names: set[str]) -> list:
    """`needed` importable procedures with national-looking codes 9.9xxxxx, none already used."""
    from procedures.importing import DocumentRecord, ProcedureRecord
    from procedures.text import fold

    rng = random.Random(DEFAULT_PROCEDURES + 1)
    records = []
    for index, (words, name_vi, name_en) in enumerate(synthetic_names(), start=1):
        if len(records) >= needed:
            break
        code = f"9.9{index:05d}"
        if code in taken_codes or fold(name_vi) in taken_names:
            continue
        level = "province" if rng.random() < words.province_share else "commune"
        authority_vi, authority_en = AUTHORITY[level]
        records.append(
            ProcedureRecord(
                line=index,
                code=code,
                name_vi=name_vi,
                name_en=name_en,
                field_vi=words.field_vi,
                field_en=words.field_en,
                level=level,
                processing_unit="working_days",
                processing_amount=Decimal(rng.choice([1, 2, 3, 5, 7, 10, 15, 20, 30])),
                fee_vnd=rng.choice([None, 0, 0, 10000, 20000, 50000, 100000]),
                online_level=rng.choice(["full", "partial", "partial", "none"]),
                authority_vi=authority_vi,
                authority_en=authority_en,
                legal_basis=["Nghị định 118/2025/NĐ-CP"],
                source="synthetic: bench/search.py",
                documents=[
                    DocumentRecord("Tờ khai theo mẫu", "Declaration form", "form", 1, True),
                    DocumentRecord(
                        "Giấy tờ tùy thân còn giá trị (xuất trình)",
                        "Valid identity document (shown at the desk)",
                        "original",
                        1,
                        True,
                    ),
                    DocumentRecord(
                        "Văn bản ủy quyền (nếu nộp thay)",
                        "Power of attorney (if filed by proxy)",
                        "original",
                        1,
                        False,
                    ),
                ],
            )
        )
    if len(records) < needed:
        raise SystemExit(f"only {len(records)} synthetic names available, {needed} needed")
    return records


# --- Database -----------------------------------------------------------------------------------


def prepare_database(target: int) -> dict:
    """Migrate, load the demo units and catalogue, top up to `target` procedures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    else:
        import sqlite3

        version = sqlite3.sqlite_version
    connections.close_all()
    return {
        "vendor": connection.vendor,
        "version": version,
        "procedures": total,
        "synthetic_added": added,
    }


# --- Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """One gunicorn (master and workers in their own process group), ours to stop."""

    def __init__(self, name: str, app: str, env: dict, workers: int, logdir: Path):
        self.name = name
        self.app = app
        self.env = env
        self.workers = workers
        self.log = logdir / f"gunicorn-{name.replace(' ', '-')}.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, ready_path: str, timeout: float = 60.0) -> None:
        for _attempt in range(3):
            self.port = free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--chdir",
                str(ROOT),
                "--no-control-socket",
                "--log-level",
                "warning",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                self.app,
            ]
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    command,
                    env=self.env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            if self._wait_ready(ready_path, timeout):
                return
            self.stop()
        raise RuntimeError(f"{self.name}: gunicorn did not start; log:\n{self.log_tail()}")

    def _wait_ready(self, ready_path: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _headers, _body = fetch(self.port, ready_path)
                if status == 200:
                    return True
            time.sleep(0.2)
        return False

    def cpu_seconds(self) -> float:
        """CPU of the master and its live workers."""
        if self.process is None:
            return 0.0
        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    stat = (entry / "stat").read_text().rpartition(")")[2].split()
                    if int(stat[1]) == self.process.pid:
                        pids.append(int(entry.name))
        return sum(_cpu_seconds(pid) for pid in pids)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        # Workers left behind by a killed master share its process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


HEADERS = {"Accept": "application/json", "User-Agent": "motcua-bench/1"}


def fetch(port: int, path: str, timeout: float = 10.0) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def search_path(query: str) -> str:
    return f"{SEARCH_PATH}?search={quote(query)}"


# --- Load ---------------------------------------------------------------------------------------


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


def run_load(
    server: Server,
    queries: list[str],
    expected: dict[str, bytes],
    *,
    total: int,
    concurrency: int,
    max_seconds: float,
    timeout: float,
) -> Phase:
    """`total` requests from `concurrency` threads, each with its own connection."""
    phase = Phase(server.name)
    paths = [(query, search_path(query)) for query in queries]
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
                query, path = paths[number % len(paths)]
                began = time.perf_counter()
                try:
                    connection.request("GET", path, headers=HEADERS)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()
                    with lock:
                        phase.errors += 1
                        phase.first_error = phase.first_error or repr(exc)
                    continue
                elapsed = time.perf_counter() - began
                if response.status != 200:
                    with lock:
                        phase.errors += 1
                        phase.first_error = phase.first_error or f"HTTP {response.status}"
                    continue
                if body != expected[query]:
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


# --- Main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=DEFAULT_PROCEDURES)
    parser.add_argument("--requests", type=int, default=2000, help="measured, per target")
    parser.add_argument("--warmup", type=int, default=200, help="per target, not measured")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--rounds", type=int, default=4, help="measured requests split in alternating rounds"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=60.0, help="cap per target and round (and warm-up)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="per request")
    parser.add_argument(
        "--allow-any-database",
        action="store_true",
        help="seed DATABASE_URL even if its name does not contain 'bench'",
    )
    return parser.parse_args(argv)


def server_env(var_dir: Path, settings: str, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "MOTCUA_VAR_DIR": str(var_dir),
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra or {})
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and not args.allow_any_database:
        import dj_database_url

        name = str(dj_database_url.parse(database_url).get("NAME") or "")
        if "bench" not in name.lower():
            print(
                f"DATABASE_URL names the database {name!r}: the benchmark adds synthetic "
                "procedures to it. Point it at a database for benchmarks (its name containing "
                "'bench', e.g. motcua_bench) or pass --allow-any-database.",
                file=sys.stderr,
            )
            return 2

    def on_term(signum, frame):
        print("\nterminated: stopping the servers", file=sys.stderr)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C stops everything, even where the shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, str(ROOT))
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
    content_type = "application/json"
    matches = {}
    for query in QUERIES:
        status, headers, body = fetch(search.port, search_path(query))
        if status != 200:
            raise RuntimeError(f"search {query!r}: HTTP {status}: {body[:300]!r}")
        expected[query] = body
        content_type = headers.get("Content-Type", content_type)
        matches[query] = json.loads(body)["count"]
    bodies_file = tmp / "bodies.json"
    bodies_file.write_text(
        json.dumps(
            {
                "content_type": content_type,
                "bodies": {q: base64.b64encode(b).decode() for q, b in expected.items()},
            }
        ),
        encoding="utf-8",
    )
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

    load = {
        "queries": QUERIES,
        "expected": expected,
        "concurrency": args.concurrency,
        "max_seconds": args.max_seconds,
        "timeout": args.timeout,
    }
    for server in (search, bare):
        run_load(server, total=args.warmup, **load)
    # Rounds alternate the targets, so that whatever else the machine does weighs on both.
    rounds = max(1, min(args.rounds, args.requests))
    parts: dict[str, list[Phase]] = {search.name: [], bare.name: []}
    for number in range(rounds):
        count = args.requests // rounds + (1 if number < args.requests % rounds else 0)
        for server in (search, bare):
            parts[server.name].append(run_load(server, total=count, **load))
    results = {}
    for name, phases in parts.items():
        results[name] = summary(merge(name, phases))
        results[name]["rounds_requests_per_second"] = [
            round(phase.ok / phase.seconds, 1) if phase.seconds else 0.0 for phase in phases
        ]

    for name, r in results.items():
        print(
            f"{name:>9}: {r['requests_per_second']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, "
            f"p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms "
            f"({r['ok']} ok, {r['errors']} errors, {r['wrong_body']} wrong bodies, "
            f"{r['seconds']:.2f} s; gunicorn CPU {r['server_cpu_ms_per_request']} ms/request, "
            f"client threads {r['client_cpu_share']} CPU)",
            flush=True,
        )
    s, b = results["search"], results["bare view"]
    ratio = {
        "throughput": round(s["requests_per_second"] / b["requests_per_second"], 3),
        "p50": round(s["p50_ms"] / b["p50_ms"], 2),
        "p95": round(s["p95_ms"] / b["p95_ms"], 2),
        "server_cpu_per_request": round(
            s["server_cpu_ms_per_request"] / b["server_cpu_ms_per_request"], 2
        ),
    }
    line = (
        f"search: {s['requests_per_second']:.0f} req/s, p95 {s['p95_ms']:.1f} ms | "
        f"bare view: {b['requests_per_second']:.0f} req/s, p95 {b['p95_ms']:.1f} ms | "
        f"ratio: {ratio['throughput']:.2f}x throughput, {ratio['p95']:.1f}x p95"
    )
    print(line, flush=True)
    print(
        f"gunicorn CPU per request: search {s['server_cpu_ms_per_request']:.2f} ms, "
        f"bare view {b['server_cpu_ms_per_request']:.2f} ms "
        f"({ratio['server_cpu_per_request']:.1f}x; less sensitive to other load on the machine)",
        flush=True,
    )

    report = {
        "benchmark": "search",
        "summary": line,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_after": round(os.getloadavg()[0], 2),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
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
        "ratio": ratio,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    for filename in ("search.json", f"search-{database['vendor']}.json"):
        (RESULTS_DIR / filename).write_text(text, encoding="utf-8")
    print(f"written: {RESULTS_DIR.relative_to(ROOT)}/search.json", flush=True)
    failed = any(r["errors"] or r["wrong_body"] or r["stopped_early"] for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
