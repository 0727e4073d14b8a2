"""Reading procedure files (JSON or CSV) into validated records, reporting every bad row.

The JSON format is the one of `procedures/data/procedures_hue.json`: a list of objects. The CSV
format has one procedure per row with the same keys as columns; see README.md.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from procedures.errors import ImportFailed
from procedures.workingtime import ProcessingUnit

LEVELS = {"commune", "province"}
# "" is unknown: no public source states the level (issue 11: never guessed).
ONLINE_LEVELS = {"full", "partial", "none", ""}
CLOCK_POLICIES = {"resume", "restart"}
DOCUMENT_KINDS = {"original", "certified_copy", "copy", "form"}
PROCESSING_UNITS = {unit.value for unit in ProcessingUnit}
# Documents asked for only in some cases are not required at reception (e.g. "if by proxy").
# A paper only shown at the desk ("xuất trình") is checked there, not handed in or uploaded.
_CONDITIONAL_MARKERS = (
    "(nếu", "nếu có", "trường hợp", "chỉ khi", "(khi", "(đối với", "(trẻ sinh ra do",
)  # fmt: skip
_SHOWN_ONLY = "xuất trình"
# The condition itself, kept in the source's words: a parenthesised clause that opens with a
# condition word ("(khi xin cấp lại)"), or a trailing clause after a dash or semicolon that holds
# one (", tùy trường hợp" after an en dash).
_CONDITION_CLAUSE = re.compile(
    r"\(\s*((?:nếu|khi|chỉ khi|trường hợp|đối với|trẻ sinh ra do)\b[^()]*)\)", re.IGNORECASE
)
_TRAILING_CLAUSE = re.compile(
    r"[;\u2013]\s*([^;\u2013]*\b(?:nếu|trường hợp)\b[^;\u2013]*)$", re.IGNORECASE
)
CSV_COLUMNS = [
    "code",
    "name_vi",
    "name_en",
    "field_vi",
    "field_en",
    "level",
    "processing_unit",
    "processing_amount",
    "cutoff",
    "clock_policy",
    "fee_vnd",
    "fee_note",
    "online_level",
    "authority_vi",
    "authority_en",
    "legal_basis",
    "documents",
]
# DVCQG's national procedure codes ("1.004873"); local codes ("HUE-L001") cannot look like one.
_NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
MAX_LIMITS = {"working_days": 365, "working_hours": 2920, "same_day": 1, "calendar_days": 3650}


@dataclass
class DocumentRecord:
    name_vi: str
    name_en: str
    kind: str
    count: int
    required: bool
    condition: str | None = None


@dataclass
class ProcedureRecord:
    line: int
    code: str
    name_vi: str
    name_en: str
    field_vi: str
    field_en: str
    level: str
    processing_unit: str = ""
    processing_amount: Decimal | None = None
    cutoff: str = ""
    clock_policy: str = "resume"
    processing_note: str = ""
    processing_note_en: str = ""
    fee_vnd: int | None = None
    fee_note: str = ""
    online_level: str = ""
    authority_vi: str = ""
    authority_en: str = ""
    legal_basis: list[str] = field(default_factory=list)
    certainty: str = ""
    source: str = ""
    documents: list[DocumentRecord] = field(default_factory=list)

    def content(self) -> dict:
        """What a version is made of: importing the same content twice changes nothing."""
        data = {k: v for k, v in self.__dict__.items() if k != "line"}
        data["processing_amount"] = str(self.processing_amount) if self.processing_amount else None
        data["documents"] = [d.__dict__ for d in self.documents]
        return data

    def field_sources(self) -> dict[str, str | None]:
        """The source of the documents, the time and the fee: the file names its sources per
        record, not per field, so a field given a value has the record's source list as written,
        and a field left unknown (no documents, no processing time, no fee amount) has None."""
        source = self.source or None
        return {
            "documents": source if self.documents else None,
            "processing": source if self.processing_unit else None,
            "fee": source if self.fee_vnd is not None else None,
        }


def read_procedure_file(path: str | Path) -> list[ProcedureRecord]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc})"]) from exc
    if path.suffix.lower() == ".csv":
        raw = _csv_rows(text)
    elif path.suffix.lower() == ".json":
        raw = _json_rows(text)
    else:
        raise ImportFailed([f"{path}: unknown format; use a .json or .csv file"])
    records, problems, seen = [], [], {}
    for line, row in raw:
        try:
            record = _record(line, row)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if record.code in seen:
            problems.append(
                f"line {line}: code {record.code} already appears on line {seen[record.code]}"
            )
            continue
        seen[record.code] = line
        records.append(record)
    if problems:
        raise ImportFailed(problems)
    if not records:
        raise ImportFailed([f"{path}: no procedures in the file"])
    return records


def _json_rows(text: str) -> list[tuple[int, dict]]:
    """Decode a JSON list element by element, remembering the line each element starts on."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    if index >= len(text) or text[index] != "[":
        raise ImportFailed(["line 1: a JSON file must hold a list of procedures"])
    index = _skip_space(text, index + 1)
    rows: list[tuple[int, dict]] = []
    while index < len(text) and text[index] != "]":
        line = text.count("\n", 0, index) + 1
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise ImportFailed([f"line {exc.lineno}: invalid JSON ({exc.msg})"]) from exc
        rows.append((line, value))
        index = _skip_space(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip_space(text, index + 1)
    return rows


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c for c in ("code", "name_vi", "field_vi", "level") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportFailed([f"line 1: missing columns: {', '.join(missing)}"])
    rows = []
    for row in reader:
        line = reader.line_num
        data: dict = {k: (v or "").strip() for k, v in row.items() if k}
        if data.get("processing_unit"):
            data["processing"] = {
                "unit": data["processing_unit"],
                "amount": data.get("processing_amount") or None,
                "cutoff": data.get("cutoff") or None,
            }
        data["legal_basis"] = [
            x.strip() for x in data.get("legal_basis", "").split("\n") if x.strip()
        ]
        data["documents"] = _csv_documents(data.get("documents", ""))
        data["fee_vnd"] = data.get("fee_vnd") or None
        rows.append((line, data))
    return rows


def _csv_documents(cell: str) -> list[dict]:
    documents = []
    for raw in cell.split("\n"):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) != 5:
            documents.append({"invalid": raw})
            continue
        kind, count, required, name_vi, name_en = parts
        documents.append(
            {
                "kind": kind,
                "count": count,
                "required": required,
                "name_vi": name_vi,
                "name_en": name_en,
            }
        )
    return documents


def _text(row: dict, key: str, *, required: bool = False, max_length: int = 500) -> str:
    value = row.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValueError(f"'{key}' is empty")
    if len(value) > max_length:
        raise ValueError(f"'{key}' is longer than {max_length} characters")
    return value


def _record(line: int, row) -> ProcedureRecord:
    if not isinstance(row, dict):
        raise ValueError("each procedure must be an object")
    code = _text(row, "code", required=True, max_length=20)
    level = _text(row, "level", required=True)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {sorted(LEVELS)}, not {level!r}")
    record = ProcedureRecord(
        line=line,
        code=code,
        name_vi=_text(row, "name_vi", required=True),
        name_en=_text(row, "name_en"),
        field_vi=_text(row, "field_vi", required=True, max_length=120),
        field_en=_text(row, "field_en", max_length=120),
        level=level,
        processing_note=_text(row, "processing_note", max_length=5000),
        processing_note_en=_text(row, "processing_note_en", max_length=5000),
        fee_note=_text(row, "fee_note", max_length=5000),
        authority_vi=_text(row, "authority_vi", max_length=300),
        authority_en=_text(row, "authority_en", max_length=300),
        certainty=_text(row, "certainty", max_length=12),
        source=_text(row, "source", max_length=5000),
    )
    online = row.get("online_level") or ""
    if online not in ONLINE_LEVELS:
        raise ValueError(f"online_level must be one of {sorted(ONLINE_LEVELS)}, not {online!r}")
    record.online_level = online
    policy = row.get("clock_policy") or "resume"
    if policy not in CLOCK_POLICIES:
        raise ValueError(f"clock_policy must be one of {sorted(CLOCK_POLICIES)}, not {policy!r}")
    record.clock_policy = policy
    _processing(record, row.get("processing"))
    fee = row.get("fee_vnd")
    if fee not in (None, ""):
        try:
            record.fee_vnd = int(str(fee))
        except ValueError:
            raise ValueError(f"fee_vnd must be a whole number of đồng, not {fee!r}") from None
        if record.fee_vnd < 0:
            raise ValueError("fee_vnd cannot be negative")
    basis = row.get("legal_basis") or []
    if isinstance(basis, str):
        basis = [basis]
    record.legal_basis = [str(b).strip() for b in basis if str(b).strip()]
    documents = row.get("documents") or []
    if not isinstance(documents, list):
        raise ValueError("documents must be a list")
    for position, doc in enumerate(documents, start=1):
        record.documents.append(_document(position, doc))
    return record


def _processing(record: ProcedureRecord, processing) -> None:
    if not processing:
        return
    if not isinstance(processing, dict):
        raise ValueError("processing must be an object with unit and amount")
    unit = processing.get("unit")
    if unit not in PROCESSING_UNITS:
        raise ValueError(f"processing unit must be one of {sorted(PROCESSING_UNITS)}, not {unit!r}")
    try:
        amount = Decimal(str(processing.get("amount")))
    except InvalidOperation:
        raise ValueError(
            f"processing amount must be a number, not {processing.get('amount')!r}"
        ) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_LIMITS[unit]:
        raise ValueError(f"processing amount {amount} is not a sensible number of {unit}")
    record.processing_unit = unit
    record.processing_amount = amount
    cutoff = processing.get("cutoff") or ""
    if unit == ProcessingUnit.SAME_DAY:
        cutoff = cutoff or "15:00"
    if cutoff:
        hours, _, minutes = str(cutoff).partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError(f"cutoff must be HH:MM, not {cutoff!r}")
        cutoff = f"{int(hours):02d}:{int(minutes):02d}"
    record.cutoff = cutoff


def _document(position: int, doc) -> DocumentRecord:
    if not isinstance(doc, dict) or "invalid" in doc:
        raise ValueError(f"document {position} is not 'kind|count|required|name_vi|name_en'")
    name_vi = str(doc.get("name_vi") or "").strip()
    if not name_vi:
        raise ValueError(f"document {position} has no name_vi")
    if len(name_vi) > 600:
        raise ValueError(f"document {position}: name_vi is longer than 600 characters")
    kind = doc.get("kind")
    if kind not in DOCUMENT_KINDS:
        raise ValueError(
            f"document {position}: kind must be one of {sorted(DOCUMENT_KINDS)}, not {kind!r}"
        )
    try:
        count = int(doc.get("count") or 1)
    except (TypeError, ValueError):
        raise ValueError(f"document {position}: count must be a whole number") from None
    if not 1 <= count <= 20:
        raise ValueError(f"document {position}: count must be between 1 and 20")
    condition = str(doc.get("condition") or "").strip()[:600] or document_condition(name_vi)
    required = doc.get("required")
    if condition:
        required = False  # issue 11: a conditional document never blocks by itself
    elif required in (None, ""):
        required = _SHOWN_ONLY not in name_vi.lower()
    elif isinstance(required, str):
        if required.lower() not in {"yes", "no", "true", "false", "1", "0"}:
            raise ValueError(f"document {position}: required must be yes or no")
        required = required.lower() in {"yes", "true", "1"}
    return DocumentRecord(
        name_vi=name_vi,
        name_en=str(doc.get("name_en") or "").strip()[:600],
        kind=kind,
        count=count,
        required=bool(required),
        condition=condition or None,
    )


def document_condition(name_vi: str) -> str | None:
    """The condition under which a document is needed, in the source's words, or None.

    "Giấy xác nhận ... đã cấp trước đây (khi xin cấp lại)" -> "khi xin cấp lại". A document only
    shown at the desk ("xuất trình") has no condition: it is checked, not handed in.
    """
    lowered = name_vi.lower()
    if not any(marker in lowered for marker in _CONDITIONAL_MARKERS):
        return None
    for pattern in (_CONDITION_CLAUSE, _TRAILING_CLAUSE):
        match = pattern.search(name_vi)
        if match:
            return match.group(1).strip(" ;,.")
    return name_vi  # a marker outside any clause: the whole name is the condition


def unknown_counts(records: list[ProcedureRecord]) -> dict[str, int]:
    """How many procedures leave each field unknown (issue 11: shown as "chưa rõ", not guessed)."""
    checks = {
        "documents": lambda r: not r.documents,
        "processing_time": lambda r: not r.processing_unit,
        "fee_amount": lambda r: r.fee_vnd is None,
        "fee_note": lambda r: not r.fee_note,
        "fee (amount and note)": lambda r: r.fee_vnd is None and not r.fee_note,
        "online_level": lambda r: not r.online_level,
        "processing_note": lambda r: not r.processing_note,
        "name_en": lambda r: not r.name_en,
        "national_code (local code)": lambda r: not _NATIONAL_CODE.match(r.code),
    }
    return {field: sum(1 for r in records if unknown(r)) for field, unknown in checks.items()}
