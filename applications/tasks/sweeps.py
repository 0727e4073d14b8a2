"""The timers of dossiers, run by Celery beat (schedule in portal/settings/background.py).

The overdue sweep is the timer: no per-dossier countdown or ETA task, because Redis redelivers
any task not acknowledged within its visibility timeout and long countdowns would run again and
again. Each sweep is safe to run twice and to run twice at once: the flag is set by one
set-based statement that only touches unflagged rows it could lock, and every notice carries a
unique event key.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from applications.models import CLOCK_RUNNING, Dossier, DossierEvent
from applications.services import notices
from applications.workflow import EventType
from portal.accounts.selectors import leaders_by_unit
from portal.core.time import when
from portal.notifications.services import notify_many
from procedures.models import Unit
from procedures.services import working_calendar

logger = logging.getLogger(__name__)

SWEEP_BATCH = 5000


class _Calendars(dict):
    """The working calendar of each unit, read once per run."""

    def __missing__(self, unit: Unit):
        calendar = self[unit] = working_calendar(unit)
        return calendar


# --- The overdue sweep -----------------------------------------------------------------------

_FLAG_SQL = {
    # Lock what this sweep will flag, skipping rows another sweep holds; the UPDATE re-checks
    # the flag, so a row committed by the other sweep in the meantime is not flagged again.
    "postgresql": """
        WITH due AS (
            SELECT id FROM {table}
            WHERE state IN %s AND due_at < %s AND overdue_flagged_at IS NULL
            LIMIT %s
            FOR UPDATE SKIP LOCKED
        )
        UPDATE {table} AS d SET overdue_flagged_at = %s
        FROM due WHERE d.id = due.id AND d.overdue_flagged_at IS NULL
        RETURNING d.id
    """,
    # SQLite (the embedded default) has one writer at a time: the statement is atomic enough.
    "sqlite": """
        UPDATE {table} SET overdue_flagged_at = %s
        WHERE overdue_flagged_at IS NULL AND id IN (
            SELECT id FROM {table}
            WHERE state IN ({states}) AND due_at < %s AND overdue_flagged_at IS NULL
            LIMIT %s
        )
        RETURNING id
    """,
}


def _flag_batch(now: datetime, batch: int) -> list[int]:
    table = connection.ops.quote_name(Dossier._meta.db_table)
    running = tuple(str(s) for s in CLOCK_RUNNING)
    moment = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _FLAG_SQL["postgresql"].format(table=table), [running, moment, batch, moment]
            )
        else:
            sql = _FLAG_SQL["sqlite"].format(table=table, states=", ".join(["%s"] * len(running)))
            cursor.execute(sql, [moment, *running, moment, batch])
        return [row[0] for row in cursor.fetchall()]


def _record_flags(ids: list[int], now: datetime) -> int:
    """One system history row per flagged dossier, and an in-app notice to each handler."""
    rows = list(Dossier.objects.filter(pk__in=ids).select_related("procedure_version", "assignee"))
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
    leaders = leaders_by_unit(d.handling_unit_id for d in rows)
    wanted = []
    for d in rows:
        context = {
            "code": d.code,
            "due": when(d.due_at),
            "procedure_vi": d.procedure_version.name_vi,
            "procedure_en": d.procedure_version.name_en or d.procedure_version.name_vi,
        }
        for user in notices.handlers(assignee=d.assignee, leaders=leaders[d.handling_unit_id]):
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
    return len(rows)


def sweep_overdue(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Flag every dossier whose clock runs and whose due moment has passed; returns how many.

    DESIGN.md: overdue is not a state but a flag set by this timer, with a history row and the
    handlers and leader told. Batches keep each transaction short on a million dossiers.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            ids = _flag_batch(now, batch)
            if ids:
                _record_flags(ids, now)
        total += len(ids)
        if len(ids) < batch:
            return total


@shared_task(acks_late=True, name="applications.tasks.flag_overdue_sweep")
def flag_overdue_sweep() -> int:
    flagged = sweep_overdue()
    if flagged:
        logger.info("flagged %s dossiers overdue", flagged)
    return flagged
