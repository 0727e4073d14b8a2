"""The timers of dossiers, run by Celery beat (schedule in portal/settings/background.py).

The overdue sweep is the timer: no per-dossier countdown or ETA task, because Redis redelivers
any task not acknowledged within its visibility timeout and long countdowns would run again and
again. Each sweep is safe to run twice and to run twice at once: the flag is set by one
set-based statement that only touches unflagged rows it could lock, and every notice carries a
unique event key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from applications.models import CLOCK_RUNNING, Dossier, DossierEvent
from applications.services import notices
from applications.workflow import EventType
from portal.accounts.models import User
from portal.accounts.selectors import leaders_by_unit
from portal.core.time import when
from portal.notifications.services import notify_many
from procedures.models import ProcedureVersion, Unit
from procedures.services import working_calendar

logger = logging.getLogger(__name__)

SWEEP_BATCH = 5000


class _Calendars(dict):
    """The working calendar of each unit, read once per run."""

    def __missing__(self, unit: Unit):
        calendar = self[unit] = working_calendar(unit)
        return calendar


# --- The overdue sweep -----------------------------------------------------------------------

# ISO 8601 as Python's `datetime.isoformat()` writes a UTC moment (what the history kept before
# the flagging moved into SQL): microseconds only when there are any.
_ISO_UTC = (
    "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
    "to_char({col} AT TIME ZONE 'UTC', 'US') <> '000000' THEN "
    "to_char({col} AT TIME ZONE 'UTC', '.US') ELSE '' END || '+00:00'"
)

# Lock what this sweep will flag, the longest late first, skipping rows another sweep holds (the
# partial index `dossier_overdue_watch` lists exactly the candidates in due order, so a sweep
# with nothing to do reads next to nothing); the UPDATE re-checks the flag, so a row committed
# by the other sweep in the meantime is not flagged again. The history rows are written by the
# same statement, one per flagged row.
_FLAG_SQL_POSTGRESQL = """
    WITH due AS (
        SELECT id FROM {table}
        WHERE state IN %(running)s AND due_at < %(now)s AND overdue_flagged_at IS NULL{only}
        ORDER BY due_at
        LIMIT %(batch)s
        FOR UPDATE SKIP LOCKED
    ), flagged AS (
        UPDATE {table} AS d SET overdue_flagged_at = %(now)s
        WHERE d.id = ANY(ARRAY(SELECT id FROM due)) AND d.overdue_flagged_at IS NULL
        RETURNING d.id, d.state, d.due_at, d.code, d.handling_unit_id, d.assignee_id,
                  d.procedure_version_id
    ), history AS (
        INSERT INTO {events} (dossier_id, action, from_state, to_state, actor_id, actor_label,
                              at, note, extra)
        SELECT id, %(action)s, state, state, NULL, 'system', %(now)s, '',
               jsonb_build_object('due_at', {due_iso})
        FROM flagged
    )
    SELECT f.id, f.due_at, f.code, f.handling_unit_id, f.assignee_id, v.name_vi, v.name_en
    FROM flagged AS f JOIN {versions} AS v ON v.id = f.procedure_version_id
"""

# SQLite (the embedded default) has one writer at a time: the statement is atomic enough.
_FLAG_SQL_SQLITE = """
    UPDATE {table} SET overdue_flagged_at = %s
    WHERE overdue_flagged_at IS NULL AND id IN (
        SELECT id FROM {table}
        WHERE state IN ({states}) AND due_at < %s AND overdue_flagged_at IS NULL{only}
        LIMIT %s
    )
    RETURNING id
"""


@dataclass(frozen=True)
class _Flagged:
    """What the notices need of a flagged dossier (read by the flagging statement itself)."""

    pk: int
    due_at: datetime | None
    code: str
    handling_unit_id: int
    assignee_id: int | None
    procedure_vi: str
    procedure_en: str


def _flag_batch(now: datetime, batch: int, only: list[int] | None = None) -> list[_Flagged]:
    """Flag up to `batch` newly late dossiers (of `only`, if given) and write their history."""
    quote = connection.ops.quote_name
    table = quote(Dossier._meta.db_table)
    running = tuple(str(s) for s in CLOCK_RUNNING)
    moment = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = _FLAG_SQL_POSTGRESQL.format(
                table=table,
                events=quote(DossierEvent._meta.db_table),
                versions=quote(ProcedureVersion._meta.db_table),
                due_iso=_ISO_UTC.format(col="flagged.due_at"),
                only="" if only is None else " AND id = ANY(%(only)s)",
            )
            params = {
                "only": list(only or []),
                "running": running,
                "now": moment,
                "batch": batch,
                "action": str(EventType.FLAG_OVERDUE),
            }
            cursor.execute(sql, params)
            return [_Flagged(*row) for row in cursor.fetchall()]
        sql = _FLAG_SQL_SQLITE.format(
            table=table,
            states=", ".join(["%s"] * len(running)),
            only="" if only is None else f" AND id IN ({', '.join(['%s'] * len(only))})",
        )
        cursor.execute(sql, [moment, *running, moment, *(only or []), batch])
        ids = [row[0] for row in cursor.fetchall()]
    rows = list(Dossier.objects.filter(pk__in=ids).select_related("procedure_version"))
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier_id=d.pk,
                action=EventType.FLAG_OVERDUE,
                from_state=d.state,
                to_state=d.state,
                actor=None,
                actor_label="system",
                at=now,
                extra={"due_at": d.due_at.isoformat() if d.due_at else None},
            )
            for d in rows
        ],
        batch_size=2000,
    )
    return [
        _Flagged(
            d.pk,
            d.due_at,
            d.code,
            d.handling_unit_id,
            d.assignee_id,
            d.procedure_version.name_vi,
            d.procedure_version.name_en,
        )
        for d in rows
    ]


def _tell_handlers(flagged: list[_Flagged]) -> None:
    """An in-app notice to each handler of each flagged dossier (its assignee and the unit's
    leaders, each once), in two reads and one write whatever the number of rows."""
    leaders = leaders_by_unit(d.handling_unit_id for d in flagged)
    assignees = User.objects.only("id", "email", "preferred_language").in_bulk(
        {d.assignee_id for d in flagged if d.assignee_id is not None}
    )
    wanted = []
    for d in flagged:
        context = {
            "code": d.code,
            "due": when(d.due_at),
            "procedure_vi": d.procedure_vi,
            "procedure_en": d.procedure_en or d.procedure_vi,
        }
        assignee = assignees.get(d.assignee_id) if d.assignee_id is not None else None
        for user in notices.handlers(assignee=assignee, leaders=leaders[d.handling_unit_id]):
            wanted.append(
                notices.staff_notice(
                    user,
                    template="dossier_overdue",
                    event=f"overdue:{d.pk}",
                    context=context,
                    dossier_id=d.pk,
                )
            )
    notify_many(wanted)


def _anything_late(now: datetime) -> bool:
    """Whether any dossier waits to be flagged: the first entry of the partial index in due
    order (a plain index scan, which also marks the entries of rows flagged since as dead, so
    the next look reads even less). A sweep with nothing to do sends this one query."""
    running = [str(s) for s in CLOCK_RUNNING]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT due_at FROM {connection.ops.quote_name(Dossier._meta.db_table)} "  # noqa: S608
            f"WHERE state IN ({', '.join(['%s'] * len(running))}) AND due_at < %s "
            "AND overdue_flagged_at IS NULL ORDER BY due_at LIMIT 1",
            [*running, connection.ops.adapt_datetimefield_value(now)],
        )
        return cursor.fetchone() is not None


def flag_these(ids: list[int], now: datetime) -> int:
    """What the sweep does, for these dossiers only (the test factories' overdue trait): those
    running and late are flagged, recorded and told; returns how many."""
    with transaction.atomic():
        flagged = _flag_batch(now, len(ids), only=ids)
        if flagged:
            _tell_handlers(flagged)
    return len(flagged)


def sweep_overdue(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Flag every dossier whose clock runs and whose due moment has passed; returns how many.

    DESIGN.md: overdue is not a state but a flag set by this timer, with a history row and the
    handlers and leader told. Batches keep each transaction short on a million dossiers; each
    batch is one statement (flag and history) and three more (leaders, assignees, notices).
    """
    now = now or timezone.now()
    if not _anything_late(now):
        return 0
    total = 0
    while True:
        with transaction.atomic():
            flagged = _flag_batch(now, batch)
            if flagged:
                _tell_handlers(flagged)
        total += len(flagged)
        if len(flagged) < batch:
            return total


@shared_task(acks_late=True, name="applications.tasks.flag_overdue_sweep")
def flag_overdue_sweep() -> int:
    flagged = sweep_overdue()
    if flagged:
        logger.info("flagged %s dossiers overdue", flagged)
    return flagged
