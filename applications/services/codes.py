"""A dossier's code (`<unit code>-<yymmdd>-<sequence>`) and the submission key's look-up: the
two reads and writes every submission makes around its dossier (issue 10)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from applications import access
from applications.errors import DuplicateSubmission
from applications.models import Dossier
from portal.accounts.models import User
from portal.core.sequences import DOSSIER_CODE, next_number, number_row
from procedures.models import Unit

# --- Codes -----------------------------------------------------------------------------------


def allocate_code(*, unit: Unit, day: date) -> str:
    """`<unit code>-<yymmdd>-<sequence>`: the counter row is locked inside the caller's
    transaction, so a rolled-back dossier gives its number back and no two get the same one."""
    return f"{unit.code}-{day:%y%m%d}-{next_number(DOSSIER_CODE, unit_id=unit.pk, day=day):04d}"


def number_dossier(dossier: Dossier, unit: Unit, day: date) -> str:
    """The code of `allocate_code` written into the saved dossier: the counter's bump and the
    dossier's code in one statement (the first of the unit's day creates the counter first)."""
    code = number_row(
        DOSSIER_CODE,
        unit_id=unit.pk,
        day=day,
        table=Dossier._meta.db_table,
        pk=dossier.pk,
        column="code",
        prefix=f"{unit.code}-{day:%y%m%d}-",
    )
    if code is None:
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
