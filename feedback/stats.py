"""Officials' statistics for neighbourhood reports (DESIGN.md `/api/v1/stats/`: "the same for
feedback reports"). `report_cohort` chooses the reports (created in the period, counted against
the ward they were routed to, within the scope the dashboard gives); this module counts them in
one aggregate query (one grouped query for the per-unit rows), like the dossier figures
(`applications.selectors.stats`); `portal.dashboard.stats` puts the two side by side.

The judgements, each on the report's state now:

- **picked up on time**: a report is picked up when it is first assigned (`assigned_at`), or,
  when it was closed without being assigned (rejected straight from `new`), when it was closed.
  On time: at or before its pick-up target (`pickup_due_at`, set by `feedback.services.
  pickup_due`: 2 working hours, 15 minutes for an emergency, both from settings). Late: picked
  up after it, or still `new` past it now. A `new` report whose target has not passed is not
  judged yet, so it is in neither count (the rate's denominator).
- **resolved the same day** (Hue-S practice: the same day when possible): resolved (not
  rejected) no later than the working day it was reported on, dates in Asia/Ho_Chi_Minh. A
  report made on a weekend, a public holiday or a day off belongs to the next working day
  (Labour Code 2019 art. 112 and the government's swaps, as the working calendar has them);
  the time of day is not weighed, so a report made after 17:00 belongs to that day. The rate is
  of the reports resolved.
- **escalated**: the pick-up sweep told the ward leader (`escalated_at`).
- **satisfaction**: the reporters' ratings of the answer, 1 to 5, averaged.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DateField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate

from feedback.models import EMERGENCY_CATEGORIES, OPEN_STATES, Report, State
from portal.core.errors import NotFound
from portal.core.time import VN_TZ as TZ
from procedures.services import working_calendar
from procedures.stats import StatsQuery

# Raw counts, summable over units (the dashboard's city total is the sum of its wards).
COUNTS = (
    "received",
    "emergencies",
    "resolved",
    "rejected",
    "open",
    "picked_up_on_time",
    "picked_up_late",
    "resolved_same_day",
    "escalated",
    "rated",
    "rating_sum",
)
ZERO = dict.fromkeys(COUNTS, 0)
KEYS = (
    "received",
    "emergencies",
    "resolved",
    "rejected",
    "open",
    "picked_up_on_time_rate",
    "resolved_same_day_rate",
    "escalated",
    "rated",
    "satisfaction",
)


def report_cohort(*, scope: set[int] | None, query: StatsQuery) -> QuerySet[Report] | None:
    """The reports created in the period within `scope` (unit ids; None: the whole province),
    against the unit that handles them (the ward the report was routed to); a unit outside the
    scope is 404. None when a field or procedure is asked for: reports have neither, so no
    figure applies."""
    reports = scoped_reports(scope=scope, query=query)
    if reports is None:
        return None
    start, end = query.bounds()
    return reports.filter(created_at__gte=start, created_at__lt=end)


def scoped_reports(*, scope: set[int] | None, query: StatsQuery) -> QuerySet[Report] | None:
    """Every report within `scope` and the query's unit, whenever created (None when a field or
    procedure is asked for: reports have neither). A unit outside the scope is 404."""
    if query.field is not None or query.procedure is not None:
        return None
    reports = Report.objects.all()
    if query.unit is not None:
        if scope is not None and query.unit.pk not in scope:
            raise NotFound()
        return reports.filter(unit=query.unit)
    if scope is not None:
        return reports.filter(unit_id__in=scope)
    return reports


def _working_day_of(start: date, end: date):
    """The working day each report belongs to, as a database expression over `created_day`:
    the day itself, or for a day that is not a working day in [start, end], the next working
    day. One small read of the calendar's exceptions (not an aggregate); holidays come from the
    `holidays` package in memory. Public holidays and swaps are national, so one calendar
    serves every ward."""
    calendar = working_calendar()
    whens = []
    day = start
    while day <= end:
        if not calendar.is_working_day(day):
            whens.append(When(created_day=day, then=Value(calendar.next_working_day(day))))
        day += timedelta(days=1)
    return Case(*whens, default=F("created_day"), output_field=DateField())


def annotated(reports: QuerySet[Report], *, start: date, end: date) -> QuerySet[Report]:
    """The reports with `picked_up_at` and the `working_day` they belong to (days from `start`
    to `end`), for the judgements above."""
    return reports.annotate(
        picked_up_at=Coalesce("assigned_at", "resolved_at"),
        created_day=TruncDate("created_at", tzinfo=TZ),
        closed_day=TruncDate("resolved_at", tzinfo=TZ),
    ).annotate(working_day=_working_day_of(start, end))


# On `annotated` reports: picked up by the target; resolved no later than their working day.
PICKED_UP_ON_TIME = Q(picked_up_at__lte=F("pickup_due_at"))
RESOLVED_SAME_DAY = Q(closed_day__lte=F("working_day"))


def _aggregates(now: datetime) -> dict:
    resolved = Q(state=State.RESOLVED)
    return {
        "received": Count("id"),
        "emergencies": Count("id", filter=Q(category__in=EMERGENCY_CATEGORIES)),
        "resolved": Count("id", filter=resolved),
        "rejected": Count("id", filter=Q(state=State.REJECTED)),
        "open": Count("id", filter=Q(state__in=OPEN_STATES)),
        "picked_up_on_time": Count("id", filter=PICKED_UP_ON_TIME),
        "picked_up_late": Count(
            "id",
            filter=Q(picked_up_at__gt=F("pickup_due_at"))
            | Q(picked_up_at__isnull=True, state=State.NEW, pickup_due_at__lt=now),
        ),
        "resolved_same_day": Count("id", filter=resolved & RESOLVED_SAME_DAY),
        "escalated": Count("id", filter=Q(escalated_at__isnull=False)),
        "rated": Count("rating"),
        "rating_sum": Sum("rating"),
    }


def counts(reports: QuerySet[Report], *, start: date, end: date, now: datetime) -> dict:
    """The raw counts of the reports created from `start` to `end`: one aggregate query."""
    found = annotated(reports, start=start, end=end).aggregate(**_aggregates(now))
    return {key: found.get(key) or 0 for key in COUNTS}


def counts_by_unit(
    reports: QuerySet[Report], *, start: date, end: date, now: datetime
) -> dict[str, dict]:
    """The raw counts per unit code (units without reports are absent): one grouped query."""
    grouped = (
        annotated(reports, start=start, end=end)
        .values("unit__code")
        .annotate(**_aggregates(now))
        .order_by()
    )
    return {row["unit__code"]: {key: row.get(key) or 0 for key in COUNTS} for row in grouped}


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def figures(found: dict) -> dict:
    """The counts officials read, with the rates (per cent, one decimal; null with nothing to
    judge) and the average rating (two decimals; null when nothing is rated)."""
    found = {key: found.get(key) or 0 for key in COUNTS}
    satisfaction = None
    if found["rated"]:
        satisfaction = (Decimal(found["rating_sum"]) / found["rated"]).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    return {
        "received": found["received"],
        "emergencies": found["emergencies"],
        "resolved": found["resolved"],
        "rejected": found["rejected"],
        "open": found["open"],
        "picked_up_on_time_rate": _percent(
            found["picked_up_on_time"], found["picked_up_on_time"] + found["picked_up_late"]
        ),
        "resolved_same_day_rate": _percent(found["resolved_same_day"], found["resolved"]),
        "escalated": found["escalated"],
        "rated": found["rated"],
        "satisfaction": satisfaction,
    }
