"""One dossier as the desk page and the API detail show it, read as plain values (issue 10).

Two queries read the dossier, scoped to the actor by `access.dossier_scope` (anyone else gets
404, as with `dossier_get`), and the labels it shows (procedure, version, units, assignee,
former unit); the history, the version's documents and the attachments are each one narrow
query, however many rows they hold. On PostgreSQL the SQL is written here once: building a
queryset cost more CPU than PostgreSQL spends on the answer. Elsewhere (the embedded SQLite)
the ORM reads the same values; tests/applications/test_dossier_detail_values.py checks that
both give the same.
"""

import json
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from applications import access
from applications.models import Attachment, DossierEvent
from portal.accounts.models import User
from portal.core.errors import NotFound
from procedures.models import RequiredDocument

# The dossier's own columns, under their attribute names.
COLUMNS = (
    "id", "code", "state", "channel", "applicant_name", "applicant_id_number", "applicant_phone",
    "applicant_email", "applicant_address", "submitted_at", "received_at", "due_at",
    "appointment_at", "sets", "apology_due_at", "resolved_at", "returned_at", "clock_stopped_at",
    "fee_vnd", "result_number", "result_document", "reason", "legacy_code", "is_transferred",
    "version", "handling_unit_id", "receiving_unit_id", "applicant_user_id", "procedure_id",
    "procedure_version_id", "assignee_id", "legacy_unit_id",
)  # fmt: skip
# What it shows of its related rows: (name in the row, SQL, the ORM's path).
LABELS = (
    ("procedure_code", "p.code", "procedure__code"),
    ("version_name_vi", "v.name_vi", "procedure_version__name_vi"),
    ("version_name_en", "v.name_en", "procedure_version__name_en"),
    ("version_number", "v.number", "procedure_version__number"),
    ("version_processing_unit", "v.processing_unit", "procedure_version__processing_unit"),
    ("version_processing_amount", "v.processing_amount", "procedure_version__processing_amount"),
    ("handling_code", "hu.code", "handling_unit__code"),
    ("handling_name_vi", "hu.name_vi", "handling_unit__name_vi"),
    ("handling_name_en", "hu.name_en", "handling_unit__name_en"),
    ("handling_parent_id", "hu.parent_id", "handling_unit__parent_id"),
    ("receiving_code", "ru.code", "receiving_unit__code"),
    ("receiving_name_vi", "ru.name_vi", "receiving_unit__name_vi"),
    ("receiving_name_en", "ru.name_en", "receiving_unit__name_en"),
    ("assignee_username", "a.username", "assignee__username"),
    ("assignee_first_name", "a.first_name", "assignee__first_name"),
    ("assignee_last_name", "a.last_name", "assignee__last_name"),
    ("legacy_name_vi", "lu.name_vi", "legacy_unit__name_vi"),
    ("legacy_name_en", "lu.name_en", "legacy_unit__name_en"),
)
NAMES = (*COLUMNS, *(label[0] for label in LABELS))
DOSSIER_SQL = f"""
SELECT {", ".join(COLUMNS)} FROM applications_dossier
WHERE code = %s AND (%s OR handling_unit_id = ANY(%s::integer[])
    OR receiving_unit_id = ANY(%s::integer[]) OR applicant_user_id = %s)
"""  # noqa: S608 (the names are this module's constants; the values are parameters)
# The labels of its related rows, all four tables in one query after it: joined to the dossier
# (21 indexes) PostgreSQL took 1-4 ms to plan the read, against 0.1 ms for each of these two.
LABELS_SQL = """
SELECT 'unit', id, code, name_vi, name_en, parent_id, NULL::integer FROM procedures_unit
    WHERE id IN (%s, %s, %s)
UNION ALL SELECT 'procedure', id, code, '', '', NULL, NULL FROM procedures_procedure WHERE id = %s
UNION ALL SELECT 'version', id, processing_unit, name_vi, name_en, number, processing_amount
    FROM procedures_procedureversion WHERE id = %s
UNION ALL SELECT 'user', id, username, first_name, last_name, NULL, NULL FROM portal_user
    WHERE id = %s
"""
EVENT_COLUMNS = ("action", "from_state", "to_state", "actor_label", "at", "note", "extra")
EVENTS_SQL = (
    f"SELECT {', '.join(EVENT_COLUMNS)} FROM applications_dossierevent "  # noqa: S608
    "WHERE dossier_id = %s ORDER BY at, id"
)
DOCUMENT_COLUMNS = ("id", "name_vi", "name_en", "kind", "count", "required")
DOCUMENTS_SQL = (
    f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM procedures_requireddocument "  # noqa: S608
    "WHERE version_id = %s ORDER BY position, id"
)
ATTACHMENT_COLUMNS = ("id", "document_id", "purpose", "original_name", "size")
ATTACHMENTS_SQL = (
    f"SELECT {', '.join(ATTACHMENT_COLUMNS)} FROM applications_attachment "  # noqa: S608
    "WHERE dossier_id = %s ORDER BY uploaded_at, id"
)


def dossier_detail(*, user: User, code: str) -> dict[str, Any]:
    """The dossier `code` as `NAMES` -> value, if the user may see it; otherwise NotFound."""
    scope = access.dossier_scope(user)
    if scope is None:
        raise NotFound()
    if connection.vendor != "postgresql":  # the embedded default (SQLite): the ORM's read
        found = (
            access.visible_dossiers(user)
            .filter(code=code)
            .values_list(*COLUMNS, *(label[2] for label in LABELS))
            .first()
        )
    else:
        units = sorted(scope.units)
        with connection.cursor() as cursor:
            cursor.execute(DOSSIER_SQL, [code, scope.everything, units, units, scope.user_id])
            found = cursor.fetchone()
            if found is not None:
                return _with_labels(dict(zip(COLUMNS, found, strict=True)), cursor)
    if found is None:
        raise NotFound()
    return dict(zip(NAMES, found, strict=True))


def _with_labels(row: dict[str, Any], cursor: Any) -> dict[str, Any]:
    """`row` with its `LABELS`, read in one query."""
    cursor.execute(
        LABELS_SQL,
        [
            row["handling_unit_id"],
            row["receiving_unit_id"],
            row["legacy_unit_id"],
            row["procedure_id"],
            row["procedure_version_id"],
            row["assignee_id"],
        ],
    )
    found = {(kind, pk): values for kind, pk, *values in cursor.fetchall()}
    handling = found[("unit", row["handling_unit_id"])]
    receiving = found[("unit", row["receiving_unit_id"])]
    legacy = found.get(("unit", row["legacy_unit_id"]), [None] * 5)
    processing_unit, name_vi, name_en, number, amount = found[
        ("version", row["procedure_version_id"])
    ]
    assignee = found.get(("user", row["assignee_id"]), [None] * 5)
    labels = (
        found[("procedure", row["procedure_id"])][0],
        name_vi,
        name_en,
        number,
        processing_unit,
        amount,
        handling[0],
        handling[1],
        handling[2],
        handling[3],
        receiving[0],
        receiving[1],
        receiving[2],
        assignee[0],
        assignee[1],
        assignee[2],
        legacy[1],
        legacy[2],
    )
    row.update(zip((label[0] for label in LABELS), labels, strict=True))
    return row


def _read(
    sql: str, names: tuple[str, ...], key: int, queryset: QuerySet[Any]
) -> list[dict[str, Any]]:
    if connection.vendor != "postgresql":  # SQLite: the ORM gives aware datetimes
        return [dict(zip(names, values, strict=True)) for values in queryset.values_list(*names)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def history(dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's history rows (`EVENT_COLUMNS`), oldest first: the model's order."""
    events = _read(
        EVENTS_SQL,
        EVENT_COLUMNS,
        dossier_id,
        DossierEvent.objects.filter(dossier_id=dossier_id).order_by("at", "id"),
    )
    for event in events:  # a JSON column comes as its text, as the ORM reads it
        if isinstance(event["extra"], str):
            event["extra"] = json.loads(event["extra"])
    return events


def documents(version_id: int) -> list[dict[str, Any]]:
    """The version's documents (`DOCUMENT_COLUMNS`) in their order."""
    return _read(
        DOCUMENTS_SQL,
        DOCUMENT_COLUMNS,
        version_id,
        RequiredDocument.objects.filter(version_id=version_id).order_by("position", "id"),
    )


def attachments(dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's files as the page lists them (`ATTACHMENT_COLUMNS`), oldest first."""
    return _read(
        ATTACHMENTS_SQL,
        ATTACHMENT_COLUMNS,
        dossier_id,
        Attachment.objects.filter(dossier_id=dossier_id).order_by("uploaded_at", "id"),
    )
