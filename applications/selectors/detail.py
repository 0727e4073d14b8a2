"""One dossier as the desk page and the API detail show it, read as plain values (issue 10).

One query reads the dossier, scoped to the actor by `access.dossier_scope` (anyone else gets
404, as with `dossier_get`), with its assignee's names; the catalogue's labels it shows
(procedure, version, units, former unit) and the version's documents come from the worker's
snapshot (`procedures.labels`); the history and the attachments are one narrow query (the desk
page reads both in one), however many rows they hold. On PostgreSQL the SQL is written here
once: building a queryset cost more CPU than PostgreSQL spends on the answer. Elsewhere (the
embedded SQLite) the ORM reads the same values; tests/applications/test_dossier_detail_values.py
checks that both give the same.
"""

import json
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from applications import access
from applications.models import Attachment, DossierEvent
from portal.accounts.models import User
from portal.core.errors import NotFound
from procedures import labels as catalogue_labels
from procedures.labels import labels

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
# The assignee's names come with the dossier, as one scalar subquery by primary key (planned in
# far less time than a join to the dossier and its 21 indexes); the catalogue's labels (units,
# procedure, version) from the worker's snapshot (`procedures.labels`), without a query once it
# holds them.
ASSIGNEE = ("assignee_username", "assignee_first_name", "assignee_last_name")
DOSSIER_SQL = f"""
SELECT {", ".join(COLUMNS)},
    (SELECT ARRAY[username, first_name, last_name] FROM portal_user WHERE id = assignee_id)
FROM applications_dossier
WHERE code = %s AND (%s OR handling_unit_id = ANY(%s::integer[])
    OR receiving_unit_id = ANY(%s::integer[]) OR applicant_user_id = %s)
"""  # noqa: S608 (the names are this module's constants; the values are parameters)
EVENT_COLUMNS = ("action", "from_state", "to_state", "actor_label", "at", "note", "extra")
EVENTS_SQL = (
    f"SELECT {', '.join(EVENT_COLUMNS)} FROM applications_dossierevent "  # noqa: S608
    "WHERE dossier_id = %s ORDER BY at, id"
)
DOCUMENT_COLUMNS = catalogue_labels.DOCUMENT
ATTACHMENT_COLUMNS = ("id", "document_id", "purpose", "original_name", "size")
ATTACHMENTS_SQL = (
    f"SELECT {', '.join(ATTACHMENT_COLUMNS)} FROM applications_attachment "  # noqa: S608
    "WHERE dossier_id = %s ORDER BY uploaded_at, id"
)
# The desk page's history and files in one round trip: each part in its own order.
HISTORY_AND_FILES_SQL = """
(SELECT 0, at, id, action, from_state, to_state, actor_label, note, extra, NULL, NULL
    FROM applications_dossierevent WHERE dossier_id = %s)
UNION ALL
(SELECT 1, uploaded_at, id, purpose, original_name, NULL, NULL, NULL, NULL, document_id, size
    FROM applications_attachment WHERE dossier_id = %s)
ORDER BY 1, 2, 3
"""


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
            *values, names = found
            row = dict(zip(COLUMNS, values, strict=True))
            row.update(zip(ASSIGNEE, names or (None, None, None), strict=True))
            return _with_labels(row)
    if found is None:
        raise NotFound()
    return dict(zip(NAMES, found, strict=True))


def _with_labels(row: dict[str, Any]) -> dict[str, Any]:
    """`row` with the catalogue's `LABELS` (the assignee's are in it already)."""
    found = labels(
        units=(row["handling_unit_id"], row["receiving_unit_id"], row["legacy_unit_id"]),
        procedures=(row["procedure_id"],),
        versions=(row["procedure_version_id"],),
    )
    handling = found.unit(row["handling_unit_id"])
    receiving = found.unit(row["receiving_unit_id"])
    legacy = found.unit(row["legacy_unit_id"]) or {}
    version = found.version(row["procedure_version_id"])
    procedure = found.procedure(row["procedure_id"])
    # Foreign keys: each is there.
    assert handling is not None
    assert receiving is not None
    assert version is not None
    assert procedure is not None
    row.update(
        procedure_code=procedure["code"],
        version_name_vi=version["name_vi"],
        version_name_en=version["name_en"],
        version_number=version["number"],
        version_processing_unit=version["processing_unit"],
        version_processing_amount=version["processing_amount"],
        handling_code=handling["code"],
        handling_name_vi=handling["name_vi"],
        handling_name_en=handling["name_en"],
        handling_parent_id=handling["parent_id"],
        receiving_code=receiving["code"],
        receiving_name_vi=receiving["name_vi"],
        receiving_name_en=receiving["name_en"],
        legacy_name_vi=legacy.get("name_vi"),
        legacy_name_en=legacy.get("name_en"),
    )
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
    for event in events:
        _json_extra(event)
    return events


def _json_extra(event: dict[str, Any]) -> None:
    if isinstance(event["extra"], str):  # a JSON column comes as its text, as the ORM reads it
        event["extra"] = json.loads(event["extra"])


def documents(version_id: int) -> list[dict[str, Any]]:
    """The version's documents (`DOCUMENT_COLUMNS`) in their order: the catalogue's, from the
    worker's snapshot (`procedures.labels`)."""
    return catalogue_labels.documents(version_id)


def attachments(dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's files as the page lists them (`ATTACHMENT_COLUMNS`), oldest first."""
    return _read(
        ATTACHMENTS_SQL,
        ATTACHMENT_COLUMNS,
        dossier_id,
        Attachment.objects.filter(dossier_id=dossier_id).order_by("uploaded_at", "id"),
    )


def history_and_attachments(dossier_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`history(dossier_id)` and `attachments(dossier_id)`, in one query on PostgreSQL."""
    if connection.vendor != "postgresql":
        return history(dossier_id), attachments(dossier_id)
    with connection.cursor() as cursor:
        cursor.execute(HISTORY_AND_FILES_SQL, [dossier_id, dossier_id])
        found = cursor.fetchall()
    events, files = [], []
    for part, at, pk, a, b, c, d, note, extra, document_id, size in found:
        if part == 0:
            event = dict(zip(EVENT_COLUMNS, (a, b, c, d, at, note, extra), strict=True))
            _json_extra(event)
            events.append(event)
        else:
            files.append(dict(zip(ATTACHMENT_COLUMNS, (pk, document_id, a, b, size), strict=True)))
    return events, files
