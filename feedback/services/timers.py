"""The pick-up timer: when a report must be picked up, and the sweep that tells the ward leader
about those still waiting (run by Celery beat, `feedback.tasks`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from feedback import notices
from feedback.models import Category, Report, State
from feedback.services.history import record
from procedures.models import Unit
from procedures.services import working_calendar

ESCALATION_BATCH = 500


def pickup_hours() -> Decimal:
    """Working hours a ward has to pick up an ordinary report (Hue-S: the same day)."""
    return Decimal(str(getattr(settings, "MOTCUA_FEEDBACK_PICKUP_WORKING_HOURS", 2)))


def emergency_minutes() -> int:
    """Minutes for an emergency, on the clock (a fire does not wait for office hours)."""
    return int(getattr(settings, "MOTCUA_FEEDBACK_EMERGENCY_MINUTES", 15))


def pickup_due(*, unit: Unit, category: str, at: datetime) -> datetime:
    """The pick-up target of a report of `category` sent to `unit` at `at`."""
    if category == Category.FIRE:
        return at + timedelta(minutes=emergency_minutes())
    due: datetime = working_calendar(unit).add_working_hours(at, pickup_hours())
    return due


def escalate_unattended(*, now: datetime | None = None) -> int:
    """Tell the ward leader about every report still `new` past its pick-up target, once.

    Safe to run twice and twice at once: each batch locks the rows it will mark (skipping rows
    another sweep holds) and marks them; the notices carry unique event keys."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Report.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit")
                .filter(state=State.NEW, pickup_due_at__lt=now, escalated_at__isnull=True)
                .order_by("pickup_due_at")[:ESCALATION_BATCH]
            )
            for report in batch:
                report.escalated_at = now
                report.save(update_fields=["escalated_at", "updated_at"])
                record(
                    report,
                    action="escalate",
                    from_state=report.state,
                    actor=None,
                    at=now,
                    extra={"pickup_due_at": report.pickup_due_at.isoformat()},
                )
                notices.tell_leaders(report, event="feedback-escalated", template="feedback_late")
        total += len(batch)
        if len(batch) < ESCALATION_BATCH:
            return total
