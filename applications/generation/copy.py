"""Bulk loading on PostgreSQL: rows written with COPY in the table's text format."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from applications.models import Dossier, DossierEvent

if TYPE_CHECKING:
    from applications.generation.dossiers import _Context


# --- COPY (PostgreSQL) ------------------------------------------------------------------------


def _layout(model, *, skip: set[str]) -> tuple[list[tuple[str, str | None]], set[str]]:
    """The model's columns (attribute names), each with its default in COPY text, and the
    columns every row must give (no default, not nullable, not stamped by the batch)."""
    layout, required = [], set()
    for field in model._meta.concrete_fields:
        if field.attname in skip:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            layout.append((field.attname, None))  # set to the batch's moment
            continue
        default = field.get_default()
        if default is None and not field.null:
            required.add(field.attname)
            layout.append((field.attname, None))
        else:
            layout.append((field.attname, _text(default)))
    return layout, required


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    r"""One value in PostgreSQL's COPY text format (\N is NULL); the common types first."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is datetime:
        return value.isoformat()
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).translate(_ESCAPES)


def _copy_table(cursor, table: str, columns: list[str], lines: list[str]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    cursor.copy_expert(
        f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN",
        io.StringIO("".join(lines)),
    )


def _line(layout: list[tuple[str, str | None]], values: dict) -> str:
    return "\t".join([_text(values[c]) if c in values else d for c, d in layout]) + "\n"


def _copy_rows(ctx: _Context, rows: list[dict]) -> None:
    from applications.generation.dossiers import _events

    """Dossiers then their history, each table in one COPY; ids come from the sequence."""
    stamp = timezone.now()
    dossier_table = Dossier._meta.db_table
    dossier_layout = [("id", None), *ctx.dossier_layout]
    required = {*ctx.dossier_required, "id", "created_at", "updated_at"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [dossier_table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        dossier_lines, event_lines = [], []
        for pk, values in zip(ids, rows, strict=True):
            values["id"] = pk
            values["created_at"] = values["updated_at"] = stamp
            if not required <= values.keys():
                raise ValueError(f"generated dossier lacks {sorted(required - values.keys())}")
            dossier_lines.append(_line(dossier_layout, values))
            for event in _events(values):
                event["dossier_id"] = pk
                event_lines.append(_line(ctx.event_layout, event))
        _copy_table(cursor.cursor, dossier_table, [c for c, _ in dossier_layout], dossier_lines)
        _copy_table(
            cursor.cursor,
            DossierEvent._meta.db_table,
            [c for c, _ in ctx.event_layout],
            event_lines,
        )
