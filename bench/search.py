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
import itertools
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
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

SEARCH_PATH = "/api/v1/procedures/"
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
