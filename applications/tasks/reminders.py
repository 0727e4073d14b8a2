"""Reminders before the due moment, drafted apologies and stale supplement requests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications import deadlines
from applications.models import CLOCK_RUNNING, ClockStop, Dossier, DossierEvent, State
from applications.services import notices
from applications.tasks.sweeps import _Calendars
from applications.workflow import EventType
from portal.accounts.selectors import leaders_by_unit
from portal.core.time import when
from portal.notifications.models import Notification
from portal.notifications.services import notify_many

logger = logging.getLogger(__name__)


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


@shared_task(acks_late=True, name="applications.tasks.remind_due_soon")
def remind_due_soon() -> dict:
    return remind()


# --- The leaders' morning digest -------------------------------------------------------------
