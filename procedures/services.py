"""Writes and domain rules of the procedures app: catalogue import and the unit calendar."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.utils.text import slugify

from procedures import snapshot
from procedures.importing import ProcedureRecord
from procedures.models import (
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Unit,
)
from procedures.text import fold
from procedures.workingtime import DEFAULT_PERIODS, WorkingCalendar, national_calendar


def working_calendar(unit: Unit | None = None) -> WorkingCalendar:
    """The working-day calendar of a unit: its hours over the national calendar.

    Public holidays and the government's swaps are national and come from one place,
    procedures/data/calendar_vn.toml over the `holidays` package (LEGAL.md, Holidays).
    """
    periods = unit.work_periods if unit is not None else DEFAULT_PERIODS
    # One calendar per set of hours, kept (issue 10): a new one computed the year's holidays
    # again for each dossier (0.5 ms of a desk reception). A calendar is never changed once
    # made; it is made again when the national calendar is another one (re-read in tests).
    national = national_calendar()
    calendar = _CALENDARS.get(periods)
    if calendar is None or calendar.national is not national:
        if len(_CALENDARS) >= MAX_CALENDARS_KEPT:
            _CALENDARS.clear()
        calendar = _CALENDARS[periods] = WorkingCalendar(periods=periods, national=national)
    return calendar


MAX_CALENDARS_KEPT = 64
_CALENDARS: dict[tuple[tuple[time, time], ...], WorkingCalendar] = {}


def procedure_due_at(
    *, version: ProcedureVersion, start: datetime, unit: Unit | None = None
) -> datetime | None:
    """When a dossier of this version received at `start` is due; None if no time is set."""
    if not version.has_processing_time:
        return None
    calendar = working_calendar(unit)
    return calendar.due_at(
        calendar.normalise(start),
        unit=version.processing_unit,
        amount=version.processing_amount,
        cutoff=version.cutoff,
    )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _hash(record: ProcedureRecord) -> str:
    payload = json.dumps(record.content(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _field(record: ProcedureRecord, cache: dict[str, Field]) -> Field:
    if record.field_vi not in cache:
        code = slugify(record.field_en) or slugify(fold(record.field_vi))
        field, _ = Field.objects.get_or_create(
            name_vi=record.field_vi, defaults={"code": code[:60], "name_en": record.field_en}
        )
        cache[record.field_vi] = field
    return cache[record.field_vi]


@transaction.atomic
def procedures_import(*, records: list[ProcedureRecord]) -> ImportResult:
    """Create or version the procedures; the same content twice changes nothing.

    A changed procedure gets a new version; dossiers keep the version they were received under.
    """
    result = ImportResult()
    fields: dict[str, Field] = {}
    existing = {
        p.code: p
        for p in Procedure.objects.select_related("current_version").select_for_update(of=("self",))
    }
    for record in records:
        content_hash = _hash(record)
        field = _field(record, fields)
        procedure = existing.get(record.code)
        if procedure is None:
            procedure = Procedure.objects.create(code=record.code, field=field, level=record.level)
            number = 1
            result.created += 1
        elif procedure.current_version and procedure.current_version.content_hash == content_hash:
            result.unchanged += 1
            continue
        else:
            number = (
                procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
            ) + 1
            procedure.field = field
            procedure.level = record.level
            result.updated += 1
        version = ProcedureVersion(
            procedure=procedure,
            number=number,
            name_vi=record.name_vi,
            name_en=record.name_en,
            processing_unit=record.processing_unit,
            processing_amount=record.processing_amount,
            cutoff=time.fromisoformat(record.cutoff) if record.cutoff else None,
            clock_policy=record.clock_policy,
            processing_note=record.processing_note,
            processing_note_en=record.processing_note_en,
            fee_vnd=record.fee_vnd,
            fee_note=record.fee_note,
            online_level=record.online_level,
            authority_vi=record.authority_vi,
            authority_en=record.authority_en,
            legal_basis="\n".join(record.legal_basis),
            certainty=record.certainty,
            source=record.source,
            field_sources=record.field_sources(),
            content_hash=content_hash,
            search_text=fold(f"{record.name_vi} {record.name_en} {record.field_vi} {record.code}"),
            name_folded=fold(record.name_vi),
            name_en_folded=fold(record.name_en),
        )
        version.full_clean(
            exclude=["procedure", "search_text", "content_hash", "name_folded", "name_en_folded"]
        )
        version.save()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(
                version=version,
                position=position,
                name_vi=doc.name_vi,
                name_en=doc.name_en,
                kind=doc.kind,
                count=doc.count,
                required=doc.required,
                condition=doc.condition or "",
            )
            for position, doc in enumerate(record.documents, start=1)
        )
        procedure.current_version = version
        procedure.save(update_fields=["current_version", "field", "level"])
    # The documents went in by bulk_create (no signals): every worker reloads the catalogue.
    snapshot.invalidate()
    return result
