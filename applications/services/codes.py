"""A dossier's code (`<unit code>-<yymmdd>-<sequence>`) and the submission key's look-up: the
two reads and writes every submission makes around its dossier (issue 10)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery
from django.utils.translation import gettext as _

from applications import access
from applications.errors import DuplicateSubmission
from applications.models import Dossier, DossierEvent
from portal.accounts.models import User
from portal.core.sequences import DOSSIER_CODE, next_number, number_text, numbered_cte
from procedures.models import Unit

# --- Codes -----------------------------------------------------------------------------------


def allocate_code(*, unit: Unit, day: date) -> str:
    """`<unit code>-<yymmdd>-<sequence>`: the counter row is locked inside the caller's
    transaction, so a rolled-back dossier gives its number back and no two get the same one."""
    return f"{unit.code}-{day:%y%m%d}-{next_number(DOSSIER_CODE, unit_id=unit.pk, day=day):04d}"


def insert_numbered(
    dossier: Dossier, unit: Unit, day: date, history: Sequence[DossierEvent]
) -> None:
    """Insert the new `dossier` with its code of `allocate_code` and its first `history` rows
    (at least the submission's),
    in one statement with the counter's bump (PostgreSQL; issue 10). Not a placeholder code
    written first and renumbered after: that second write of the row made a new version of it in
    its 27 indexes and ran the rollup's and the cohort's update triggers; nor a round trip per
    table. The counter row stays locked from here to the commit; the ward's rollup rows, which
    the same INSERT's triggers bump, are held as long already."""
    numbered, params = numbered_cte(DOSSIER_CODE, unit_id=unit.pk, day=day, name="numbered")
    # The code and the history's key are SQL over the CTEs; every value is a parameter.
    code = f"SELECT %s || {number_text('last')} FROM numbered"  # noqa: S608 - no value in it
    dossier.code = RawSQL(code, [f"{unit.code}-{day:%y%m%d}-"])  # noqa: S611
    for event in history:
        event.dossier_id = RawSQL("SELECT id FROM new_dossier", [])
    dossier_sql, dossier_values = _insert_sql(dossier, returning="code")
    history_sql, history_values = _insert_sql(*history)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {numbered}, new_dossier AS ({dossier_sql}), "  # noqa: S608 - compiled by Django
            f"new_history AS ({history_sql}) "
            "SELECT id, code, (SELECT array_agg(id ORDER BY id) FROM new_history) "
            "FROM new_dossier",
            [*params, *dossier_values, *history_values],
        )
        dossier.pk, dossier.code, history_ids = cursor.fetchone()
    for row in (dossier, *history):
        row._state.adding, row._state.db = False, connection.alias
    for event, pk in zip(history, history_ids, strict=True):
        event.pk, event.dossier = pk, dossier


def reserve_id() -> int:
    """A new dossier's id taken ahead of its INSERT (PostgreSQL), for rows written before it:
    its attachments, whose key to it is checked at the commit. Written first, they are in the
    rollup's count of the dossier's INSERT, not counted again by the attachments' trigger (a
    second pass over the dossier's figures, about 1.5 ms; issue 10)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Dossier._meta.db_table])
        return int(cursor.fetchone()[0])


def _insert_sql(*rows: models.Model, returning: str = "") -> tuple[str, list[Any]]:
    """The INSERT that `Model.save(force_insert=True)` (one row) or `bulk_create` writes, the
    fields' pre_save included (the primary key too when set), returning the primary key (and
    the column `returning`)."""
    meta = rows[0]._meta
    query = InsertQuery(type(rows[0]))
    query.insert_values(
        [
            f
            for f in meta.local_concrete_fields
            if (f is not meta.auto_field or rows[0].pk is not None) and not f.generated
        ],
        list(rows),
    )
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk, *([meta.get_field(returning)] if returning else [])]
    [(sql, values)] = compiler.as_sql()
    return sql, list(values)


def number_dossier(dossier: Dossier, unit: Unit, day: date) -> str:
    """The code of `allocate_code` written into a dossier saved with a placeholder code, on a
    database where `insert_numbered`'s statement is not written (the embedded SQLite default)."""
    code = allocate_code(unit=unit, day=day)
    Dossier.objects.filter(pk=dossier.pk).update(code=code)
    return code


SENT_BEFORE_SQL = (
    'SELECT "id" FROM "applications_dossier" '
    'WHERE "submitted_by_id" = %s AND "submission_key" = %s AND "submission_key" <> \'\' '
    "LIMIT 1"
)


def sent_before(actor: User, submission_key: str) -> Dossier | None:
    """The dossier this same user already sent with this key (a double click, a retried
    request), or None. A key is its sender's own: anyone else's identical key is a new
    submission and never reads this one (issue 8: replayed demo keys returned other people's
    dossiers). A sender who can no longer see the dossier (a clerk after it was transferred
    away) gets a conflict without its data."""
    # Nearly always nothing: a narrow read by the (sender, key) index, written once here (the
    # ORM took longer to write this query than PostgreSQL to answer it; issue 10).
    with connection.cursor() as cursor:
        cursor.execute(SENT_BEFORE_SQL, [actor.pk, submission_key])
        found = cursor.fetchone()
    if found is None:
        return None
    existing = Dossier.objects.get(pk=found[0])
    if not access.visible_dossiers(actor).filter(pk=existing.pk).exists():
        raise DuplicateSubmission(
            _("This submission was already received; it cannot be shown to you here.")
        )
    return existing
