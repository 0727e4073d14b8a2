"""Timeliness, derived in one place (DESIGN.md words, used by API, pages, dashboards, exports).

A finished dossier (resolved or rejected, returned afterwards) is **early** when finished before
its due day, **on time** on its due day and not after the due moment, **late** after it. An
in-progress dossier is **on track** or **overdue**. An apology's new date does not change this:
the dossier still counts against its original appointment (Circular 03/2025, form 04).
"""

from datetime import datetime

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from applications.models import (
    CLOCK_RUNNING,
    CLOCK_STOPPED_WAITING,
    FINISHED_STATES,
    State,
)
from portal.core.time import VN_TZ as _TZ

EARLY, ON_TIME, LATE, ON_TRACK, OVERDUE = "early", "on_time", "late", "on_track", "overdue"
LABELS = {
    EARLY: _("early"),
    ON_TIME: _("on time"),
    LATE: _("late"),
    ON_TRACK: _("on track"),
    OVERDUE: _("overdue"),
}


def timeliness(
    *,
    state: str,
    due_at: datetime | None,
    resolved_at: datetime | None,
    clock_stopped_at: datetime | None,
    now: datetime,
) -> str | None:
    """One of the five words; None for dossiers not judged (refused, withdrawn, stopped)."""
    if state in FINISHED_STATES:
        if due_at is None or resolved_at is None:
            return ON_TIME
        if resolved_at > due_at:
            return LATE
        if resolved_at.astimezone(_TZ).date() < due_at.astimezone(_TZ).date():
            return EARLY
        return ON_TIME
    if state == State.SUBMITTED:
        return ON_TRACK
    if state in CLOCK_RUNNING:
        return OVERDUE if due_at is not None and now > due_at else ON_TRACK
    if state in CLOCK_STOPPED_WAITING:
        stopped = clock_stopped_at or now
        return OVERDUE if due_at is not None and stopped > due_at else ON_TRACK
    return None


def of(dossier, now: datetime) -> str | None:
    return timeliness(
        state=dossier.state,
        due_at=dossier.due_at,
        resolved_at=dossier.resolved_at,
        clock_stopped_at=dossier.clock_stopped_at,
        now=now,
    )


def annotation(now: datetime):
    """The same rule as a database expression, for filters and statistics."""
    finished = Q(state__in=FINISHED_STATES)
    return Case(
        When(
            finished & (Q(due_at__isnull=True) | Q(resolved_at__isnull=True)), then=Value(ON_TIME)
        ),
        When(finished & Q(resolved_at__gt=F("due_at")), then=Value(LATE)),
        When(finished & Q(resolved_day__lt=F("due_day")), then=Value(EARLY)),
        When(finished, then=Value(ON_TIME)),
        When(state=State.SUBMITTED, then=Value(ON_TRACK)),
        When(Q(state__in=CLOCK_RUNNING) & Q(due_at__lt=now), then=Value(OVERDUE)),
        When(state__in=CLOCK_RUNNING, then=Value(ON_TRACK)),
        When(
            Q(state__in=CLOCK_STOPPED_WAITING) & Q(clock_stopped_at__gt=F("due_at")),
            then=Value(OVERDUE),
        ),
        When(state__in=CLOCK_STOPPED_WAITING, then=Value(ON_TRACK)),
        default=Value(None),
        output_field=CharField(),
    )


def overdue_q(now: datetime) -> Q:
    """The dossiers that are overdue now, as a plain filter an index can serve (same rule)."""
    running_late = Q(state__in=CLOCK_RUNNING, due_at__lt=now)
    stopped_late = Q(state__in=CLOCK_STOPPED_WAITING) & (
        Q(clock_stopped_at__gt=F("due_at")) | Q(clock_stopped_at__isnull=True, due_at__lt=now)
    )
    return running_late | stopped_late


def overdue_in_state_q(state: str, now: datetime) -> Q:
    """`overdue_q` for the dossiers in one state, for lists read one state at a time: a plain
    range of the (unit, state, due moment) index for the states whose clock runs."""
    if state in CLOCK_RUNNING:
        return Q(due_at__lt=now)
    if state in CLOCK_STOPPED_WAITING:
        stopped_late = Q(clock_stopped_at__gt=F("due_at"))
        return stopped_late | Q(clock_stopped_at__isnull=True, due_at__lt=now)
    return Q(pk__in=[])


def with_timeliness(queryset, now: datetime):
    return queryset.annotate(
        resolved_day=TruncDate("resolved_at", tzinfo=_TZ), due_day=TruncDate("due_at", tzinfo=_TZ)
    ).annotate(timeliness=annotation(now))
