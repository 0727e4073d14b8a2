"""Dossiers inherited from a former unit (DESIGN.md `import_backlog`): all rows or none.

They keep their legacy code, original receipt and due moments and state, are marked as
transferred, and join the work queues of the unit that now handles them.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from applications import deadlines
from applications.models import Channel, Dossier, DossierEvent, Regime, State
from applications.services.codes import allocate_code
from applications.services.reception import REGIME_2025_FROM
from applications.workflow import CLOCK_STOPPED_WAITING, FINISHED_STATES, EventType
from portal.accounts import identity
from procedures.errors import ImportFailed
from procedures.models import Procedure, Unit, UnitKind
from procedures.services import working_calendar

COLUMNS = [
    "legacy_code", "procedure_code", "applicant_name", "applicant_phone", "channel",
    "received_at", "due_at", "state", "resolved_at",
]  # fmt: skip


@dataclass
class BacklogRow:
    line: int
    legacy_code: str
    procedure: Procedure
    applicant_name: str
    applicant_phone: str
    channel: str
    received_at: datetime
    due_at: datetime
    state: str
    resolved_at: datetime | None


@dataclass
class BacklogResult:
    imported: int
    already_present: int


def _moment(value: str, column: str) -> datetime:
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"{column} {value!r} is not an ISO 8601 date-time")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def read_backlog(path: str | Path) -> list[BacklogRow]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc})"]) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed([f"line 1: missing columns: {', '.join(missing)}"])
    procedures = {p.code: p for p in Procedure.objects.select_related("current_version")}
    rows, problems = [], []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        data = {k: (v or "").strip() for k, v in raw.items() if k}
        try:
            rows.append(_row(line, data, procedures, seen))
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([f"{path}: no dossiers in the file"])
    return rows


def _row(
    line: int, data: dict[str, str], procedures: dict[str, Procedure], seen: dict[str, int]
) -> BacklogRow:
    code = data["legacy_code"]
    if not code or len(code) > 60:
        raise ValueError("legacy_code is empty or longer than 60 characters")
    if code in seen:
        raise ValueError(f"legacy_code {code} already appears on line {seen[code]}")
    seen[code] = line
    procedure = procedures.get(data["procedure_code"])
    if procedure is None or procedure.current_version is None:
        raise ValueError(f"unknown procedure code {data['procedure_code']!r}")
    if not data["applicant_name"]:
        raise ValueError("applicant_name is empty")
    phone = identity.phone_digits(data["applicant_phone"])
    if phone and not identity.is_phone_number(phone, leading_zero=False):
        raise ValueError("applicant_phone must have 10 or 11 digits")
    if data["channel"] not in Channel.values:
        raise ValueError(f"channel must be online, desk or post, not {data['channel']!r}")
    if data["state"] not in State.values or data["state"] == State.SUBMITTED:
        raise ValueError(f"state must be one of the received states, not {data['state']!r}")
    received = _moment(data["received_at"], "received_at")
    due = _moment(data["due_at"], "due_at")
    if due <= received:
        raise ValueError("due_at must be after received_at")
    resolved = None
    if data["state"] in FINISHED_STATES:
        if not data["resolved_at"]:
            raise ValueError(f"resolved_at is required for state {data['state']}")
        resolved = _moment(data["resolved_at"], "resolved_at")
        if resolved < received:
            raise ValueError("resolved_at is before received_at")
    elif data["resolved_at"]:
        raise ValueError(f"resolved_at must be empty for state {data['state']}")
    return BacklogRow(
        line, code, procedure, data["applicant_name"][:200], phone, data["channel"], received, due,
        data["state"], resolved,
    )  # fmt: skip


@transaction.atomic
def import_backlog(*, rows: list[BacklogRow], unit: Unit, legacy: Unit) -> BacklogResult:
    if not unit.is_commune_level:
        raise ImportFailed([f"--unit {unit.code} is not a ward or commune"])
    if legacy.kind != UnitKind.LEGACY:
        raise ImportFailed([f"--from {legacy.code} is not a former unit"])
    if not legacy.successors.filter(pk=unit.pk).exists():
        raise ImportFailed([f"{unit.name_vi} did not take over from {legacy.name_vi}"])
    present = set(
        Dossier.objects.filter(
            legacy_unit=legacy, legacy_code__in=[r.legacy_code for r in rows]
        ).values_list("legacy_code", flat=True)
    )
    now = timezone.now()
    today = timezone.localdate(now)
    calendar = working_calendar(unit)
    imported = 0
    for row in rows:
        if row.legacy_code in present:
            continue
        dossier = Dossier(
            code=allocate_code(unit=unit, day=today),
            procedure=row.procedure,
            procedure_version=row.procedure.current_version,
            receiving_unit=unit,
            handling_unit=unit,
            applicant_name=row.applicant_name,
            applicant_phone=row.applicant_phone,
            channel=row.channel,
            state=row.state,
            regime=Regime.R2025 if row.received_at >= REGIME_2025_FROM else Regime.R2018,
            submitted_at=row.received_at,
            received_at=row.received_at,
            due_at=row.due_at,
            # The former unit's appointment, as it gave it; its sets were not recorded.
            appointment_at=row.due_at,
            resolved_at=row.resolved_at,
            working_seconds=deadlines.working_seconds(calendar, row.received_at, row.resolved_at),
            returned_at=row.resolved_at if row.state == State.RETURNED else None,
            closed_at=now
            if row.state in (State.RETURNED, State.REFUSED, State.WITHDRAWN, State.STOPPED)
            else None,
            clock_stopped_at=now if row.state in CLOCK_STOPPED_WAITING else None,
            legacy_code=row.legacy_code,
            legacy_unit=legacy,
            is_transferred=True,
        )
        dossier.save()
        DossierEvent.objects.create(
            dossier=dossier,
            action=EventType.IMPORT_BACKLOG,
            from_state="",
            to_state=row.state,
            actor=None,
            actor_label="system",
            at=now,
            note=f"Chuyển từ {legacy.name_vi}, mã cũ {row.legacy_code}",
            extra={"legacy_unit": legacy.code, "line": row.line},
        )
        imported += 1
    return BacklogResult(imported=imported, already_present=len(present))
