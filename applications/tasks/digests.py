"""The leaders' morning digest."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from applications import timeliness
from applications.models import CLOCK_RUNNING, Dossier
from applications.services import notices
from applications.tasks.reminders import stale_supplements
from applications.tasks.sweeps import _Calendars
from portal.accounts.models import Role, StaffRole
from portal.core.site import site_url
from portal.core.time import when
from portal.notifications.services import notify_many
from procedures.models import Unit

logger = logging.getLogger(__name__)

DIGEST_LIST_LIMIT = 20


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


@shared_task(acks_late=True, name="applications.tasks.leader_digest")
def leader_digest() -> int:
    return send_digests()
