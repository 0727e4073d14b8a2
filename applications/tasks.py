"""The timers of dossiers, run by Celery beat (schedule in portal/settings/base.py).

The overdue sweep is the timer: no per-dossier countdown or ETA task, because Redis redelivers
any task not acknowledged within its visibility timeout and long countdowns would run again and
again. Each sweep is safe to run twice and to run twice at once: the flag is set by one
set-based statement that only touches unflagged rows it could lock, and every notice carries a
unique event key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications import deadlines, notices, timeliness
from applications.models import CLOCK_RUNNING, ClockStop, Dossier, DossierEvent, State
from applications.workflow import EventType
from portal.accounts.models import Role, StaffRole
from portal.accounts.selectors import leaders_by_unit
from portal.core.site import site_url
from portal.core.time import when
from portal.notifications.models import Notification
from portal.notifications.services import notify_many
from procedures.models import Unit
from procedures.services import working_calendar

logger = logging.getLogger(__name__)

SWEEP_BATCH = 5000
DIGEST_LIST_LIMIT = 20


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


@shared_task(acks_late=True)
def flag_overdue_sweep() -> int:
    flagged = sweep_overdue()
    if flagged:
        logger.info("flagged %s dossiers overdue", flagged)
    return flagged


# --- Reminders and apology drafts ------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    dossier: Dossier
    remaining: timedelta
    total: timedelta


def due_soon(*, now: datetime | None = None) -> list[Reminder]:
    """Dossiers whose clock runs and that reached their reminder moment, not yet reminded."""
    now = now or timezone.now()
    reminded = Notification.objects.filter(dossier=OuterRef("pk"), template="due_soon")
    candidates = (
        Dossier.objects.filter(
            state__in=CLOCK_RUNNING,
            due_at__gt=now,
            due_at__lte=now + deadlines.REMINDER_HORIZON,
            overdue_flagged_at__isnull=True,
        )
        .exclude(Exists(reminded))
        .select_related("procedure_version", "handling_unit", "assignee")
        .order_by("due_at")
    )
    calendars = _Calendars()
    found = []
    for dossier in candidates:
        calendar = calendars[dossier.handling_unit]
        start = dossier.received_at or dossier.submitted_at or dossier.due_at
        total = calendar.working_time_between(start, dossier.due_at)
        remaining = calendar.working_time_between(now, dossier.due_at)
        if remaining <= deadlines.reminder_lead(total):
            found.append(Reminder(dossier, remaining, total))
    return found


def likely_late(dossier: Dossier) -> bool:
    """At the reminder moment, a dossier nobody has taken up for review yet will most likely
    miss its appointment: the processing has not started with under a working day left."""
    return dossier.state == State.RECEIVED and dossier.apology_due_at is None


def _draft_apology(reminder: Reminder, calendar, recipients, now) -> bool:
    """Circular 03/2025, form 04: the apology must be issued BEFORE the due moment, so the draft
    comes with the reminder; the handler confirms it with the `apologize` action."""
    dossier = Dossier.objects.select_for_update().filter(pk=reminder.dossier.pk).only("id").first()
    if (
        dossier is None
        or DossierEvent.objects.filter(dossier=dossier, action=EventType.APOLOGY_DRAFT).exists()
    ):
        return False
    d = reminder.dossier
    proposal = deadlines.proposed_apology_due(d.due_at, reminder.total, calendar)
    DossierEvent.objects.create(
        dossier=d,
        action=EventType.APOLOGY_DRAFT,
        from_state=d.state,
        to_state=d.state,
        actor=None,
        actor_label="system",
        at=now,
        extra={"proposed_due_at": proposal.isoformat(), "due_at": d.due_at.isoformat()},
    )
    context = {
        **notices.dossier_context(d),
        "proposed_due": when(proposal),
    }
    notify_many(
        notices.staff_notice(
            user,
            template="apology_draft",
            event=f"apology_draft:{d.pk}",
            context=context,
            dossier_id=d.pk,
        )
        for user in recipients
    )
    return True


def remind(*, now: datetime | None = None) -> dict:
    """Tell each handler once that a dossier is due soon; propose an apology where it is
    likely to be late. Returns counts."""
    now = now or timezone.now()
    reminders = due_soon(now=now)
    leaders = leaders_by_unit(r.dossier.handling_unit_id for r in reminders)
    calendars = _Calendars()
    counts = {"reminded": 0, "drafts": 0}
    for reminder in reminders:
        d = reminder.dossier
        # The assignee; the unit's leaders while nobody is assigned (someone must hear).
        recipients = [d.assignee] if d.assignee else leaders[d.handling_unit_id]
        context = notices.dossier_context(d)
        wanted = []
        for user in recipients:
            for channel in (notices.INAPP, notices.EMAIL):
                wanted.append(
                    notices.staff_notice(
                        user,
                        template="due_soon",
                        event=f"due_soon:{d.pk}",
                        context=context,
                        dossier_id=d.pk,
                        channel=channel,
                    )
                )
        with transaction.atomic():
            if notify_many(wanted):
                counts["reminded"] += 1
            if likely_late(d) and _draft_apology(
                reminder, calendars[d.handling_unit], recipients, now
            ):
                counts["drafts"] += 1
    counts["stale_supplements"] = report_stale_supplements(now=now)
    return counts


# --- Supplement requests left unanswered -----------------------------------------------------


def stale_supplements(*, now: datetime, units=None) -> list[tuple[ClockStop, datetime]]:
    """Open supplement requests past their limit, oldest first."""
    days = deadlines.supplement_limit_days()
    # N working days are at least N calendar days: younger requests cannot be late yet.
    stops = (
        ClockStop.objects.filter(
            kind=ClockStop.Kind.SUPPLEMENT,
            ended_at__isnull=True,
            dossier__state=State.AWAITING_SUPPLEMENT,
        )
        .filter(
            Q(deadline__isnull=False, deadline__lt=now)
            | Q(deadline__isnull=True, started_at__lt=now - timedelta(days=days))
        )
        .select_related("dossier__handling_unit", "dossier__procedure_version", "dossier__assignee")
        .order_by("started_at")
    )
    if units is not None:
        stops = stops.filter(dossier__handling_unit__in=units)
    calendars = _Calendars()
    found = []
    for stop in stops:
        limit = deadlines.supplement_limit(
            started_at=stop.started_at,
            deadline=stop.deadline,
            calendar=calendars[stop.dossier.handling_unit],
        )
        if limit < now:
            found.append((stop, limit))
    return found


def report_stale_supplements(*, now: datetime) -> int:
    """Tell the handlers, once per request, that a citizen has not answered in time."""
    found = stale_supplements(now=now)
    leaders = leaders_by_unit(stop.dossier.handling_unit_id for stop, _ in found)
    wanted = []
    for stop, limit in found:
        d = stop.dossier
        context = {
            **notices.dossier_context(d),
            "since": when(stop.started_at),
            "limit": when(limit),
        }
        for user in notices.handlers(assignee=d.assignee, leaders=leaders[d.handling_unit_id]):
            wanted.append(
                notices.staff_notice(
                    user,
                    template="supplement_overdue",
                    event=f"supplement_overdue:{stop.pk}",
                    context=context,
                    dossier_id=d.pk,
                )
            )
    with transaction.atomic():
        notify_many(wanted)
    return len(found)


@shared_task(acks_late=True)
def remind_due_soon() -> dict:
    return remind()


# --- The leaders' morning digest -------------------------------------------------------------


def _line(dossier) -> dict:
    return {
        "code": dossier.code,
        "due": when(dossier.due_at),
        "assignee": dossier.assignee.display_name if dossier.assignee else "",
    }


def digest_context(unit: Unit, *, now: datetime) -> dict:
    """What a unit's leader reads at 07:00: due today, overdue, waiting for a supplement too
    long (DESIGN.md words; overdue as `timeliness` judges it)."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    mine = Dossier.objects.filter(handling_unit=unit).select_related("assignee")
    due_today = mine.filter(state__in=CLOCK_RUNNING, due_at__gte=now, due_at__lt=end).order_by(
        "due_at"
    )
    overdue = (
        timeliness.with_timeliness(mine, now)
        .filter(timeliness=timeliness.OVERDUE)
        .order_by("due_at")
    )
    stale = stale_supplements(now=now, units=[unit])
    limit = DIGEST_LIST_LIMIT
    counts = {"due_today": due_today.count(), "overdue": overdue.count()}
    return {
        "unit_vi": unit.name_vi,
        "unit_en": unit.name_en or unit.name_vi,
        "day": local.strftime("%d/%m/%Y"),
        "due_today_count": counts["due_today"],
        "due_today": [_line(d) for d in due_today[:limit]],
        "overdue_count": counts["overdue"],
        "overdue": [_line(d) for d in overdue[:limit]],
        "supplement_count": len(stale),
        "supplement": [
            {
                "code": stop.dossier.code,
                "since": notices.day(stop.started_at),
                "limit": notices.day(until),
            }
            for stop, until in stale[:limit]
        ],
        "truncated": max(*counts.values(), len(stale)) > limit,
        "limit": limit,
        "site": site_url(),
    }


def send_digests(*, now: datetime | None = None) -> int:
    """One digest per leader and unit on each working morning (days off skipped, make-up
    working Saturdays included); e-mail where the leader has an address, and in the portal."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    roles = StaffRole.objects.filter(role=Role.LEADER, user__is_active=True).select_related(
        "unit", "user"
    )
    by_unit: dict[Unit, list] = {}
    for role in roles:
        by_unit.setdefault(role.unit, []).append(role.user)
    calendars = _Calendars()
    sent = 0
    for unit, leaders in by_unit.items():
        if not calendars[unit].is_working_day(today):
            continue
        context = digest_context(unit, now=now)
        wanted = [
            notices.staff_notice(
                user,
                template="leader_digest",
                event=f"digest:{unit.code}:{today:%Y%m%d}",
                context=context,
                channel=channel,
            )
            for user in leaders
            for channel in (notices.INAPP, notices.EMAIL)
        ]
        with transaction.atomic():
            sent += notify_many(wanted)
    return sent


@shared_task(acks_late=True)
def leader_digest() -> int:
    return send_digests()
