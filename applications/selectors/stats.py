"""Officials' statistics: dossier figures, scoped to who asks (DESIGN.md `/api/v1/stats/`).

The cohort is the dossiers **received** in the period: `received_at` on a date from `start` to
`end` inclusive, dates in Asia/Ho_Chi_Minh, counted against the **handling** unit (the one whose
timeliness it is; Decree 118/2025 lets any centre receive). Each figure is judged on the
dossier's current state, now, with the one timeliness rule (`applications.timeliness`); the
whole set of figures is one aggregate query (a `Count(filter=...)` per figure).

Finished means resolved, rejected or returned (form II.06a counts them together); in progress
means received and not finished, the clock running or stopped for a supplement or a payment.
Withdrawn and stopped dossiers count in `received` and nowhere else.

Satisfaction is the citizens' ratings of the cohort's dossiers (one per dossier, given after the
result: `applications.services.ratings.rating_submit`), joined one-to-one into the same
aggregate query,
with the dossiers a complaint was filed about. Who may read, and the neighbourhood reports'
figures beside these, are the composition's (`portal.dashboard.stats`, `feedback.stats`).
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import get_language

from applications import timeliness
from applications.models import (
    CLOCK_RUNNING,
    CLOCK_STOPPED_WAITING,
    Channel,
    ClockStop,
    Complaint,
    Dossier,
    State,
)
from applications.selectors import cohort_rollup as rolled
from applications.selectors.desk_check import waiting_for_desk_overdue  # noqa: F401 (the dashboard's)
from applications.workflow import FINISHED_STATES, PROCESSING
from portal.core.errors import NotFound
from procedures.stats import StatsQuery

# The raw counts of a cohort, summable over groups.
COUNTS = (
    "received",
    "online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    "on_track",
    "overdue",
    # Ratings: sums, not averages, so that groups add up to their whole (`totals`).
    "rated",
    "satisfied",
    "overall_sum",
    "time_sum",
    "attitude_sum",
    "guidance_sum",
    "transparency_sum",
    "complaints",
)
CRITERIA = ("time", "attitude", "guidance", "transparency")
# "Satisfied" is 4 or 5 out of 5; 1 and 2 open a complaint (applications.services.ratings), 3 is
# neither.
SATISFIED_AT_LEAST = 4


def cohort(*, scope: set[int] | None, query: StatsQuery) -> QuerySet[Dossier]:
    """The dossiers received in the period within `scope` (unit ids; None: the whole province).
    A unit asked for outside the scope is 404, as for anything else one may not see (STYLE.md)."""
    start, end = query.bounds()
    return scoped(scope=scope, query=query).filter(received_at__gte=start, received_at__lt=end)


def scoped(
    *, scope: set[int] | None, query: StatsQuery, channel: str | None = None
) -> QuerySet[Dossier]:
    """Every dossier within `scope` and the query's unit, field, procedure (and `channel`),
    whenever received: the figures of `portal.dashboard.figures` each add their own moment."""
    dossiers = Dossier.objects.all()
    if channel:
        dossiers = dossiers.filter(channel=channel)
    if query.unit is not None:
        if scope is not None and query.unit.pk not in scope:
            raise NotFound()
        dossiers = dossiers.filter(handling_unit=query.unit)
    elif scope is not None:
        dossiers = dossiers.filter(handling_unit_id__in=scope)
    if query.field is not None:
        dossiers = dossiers.filter(procedure__field=query.field)
    if query.procedure is not None:
        dossiers = dossiers.filter(procedure=query.procedure)
    return dossiers


def _aggregates() -> dict[str, Any]:
    finished = Q(state__in=FINISHED_STATES)
    processing = Q(state__in=PROCESSING)
    return {
        "received": Count("id"),
        "online": Count("id", filter=Q(channel=Channel.ONLINE)),
        "resolved": Count("id", filter=finished),
        "resolved_early": Count("id", filter=finished & Q(timeliness=timeliness.EARLY)),
        "resolved_on_time": Count("id", filter=finished & Q(timeliness=timeliness.ON_TIME)),
        "resolved_late": Count("id", filter=finished & Q(timeliness=timeliness.LATE)),
        "in_progress": Count("id", filter=processing),
        "on_track": Count("id", filter=processing & Q(timeliness=timeliness.ON_TRACK)),
        "overdue": Count("id", filter=processing & Q(timeliness=timeliness.OVERDUE)),
        # Dossier -> rating is one-to-one: the join adds no rows, the counts above stay true.
        "rated": Count("rating"),
        "satisfied": Count("rating", filter=Q(rating__overall__gte=SATISFIED_AT_LEAST)),
        "overall_sum": Sum("rating__overall"),
        **{f"{name}_sum": Sum(f"rating__{name}") for name in CRITERIA},
        # Dossiers complained about, not complaints: a subquery, so that a dossier with two
        # complaints neither counts twice nor doubles the other figures.
        "complaints": Count(
            "id", filter=Q(Exists(Complaint.objects.filter(dossier=OuterRef("pk"))))
        ),
    }


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress_score(counts: dict[str, Any]) -> Decimal | None:
    """Decision 766/QĐ-TTg, "progress" group (20 points): 20 * (finished early or on time +
    in progress within time) ÷ received; no threshold, so the ratio scales the points."""
    if not counts["received"]:
        return None
    good = counts["resolved_early"] + counts["resolved_on_time"] + counts["on_track"]
    return (Decimal(20 * good) / Decimal(counts["received"])).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def satisfaction(counts: dict[str, Any]) -> dict[str, Any]:
    """The cohort's ratings: how many, the overall average (1-5, two decimals), the share
    satisfied (overall 4 or 5), each criterion's average, and the dossiers complained about.
    Averages and the share are null when nothing is rated."""
    rated = counts["rated"]
    return {
        "rated": rated,
        "average": _average(counts["overall_sum"], rated),
        "satisfied_rate": _percent(counts["satisfied"], rated),
        "by_criterion": {name: _average(counts[f"{name}_sum"], rated) for name in CRITERIA},
        "complaints": counts["complaints"],
    }


# Decision 766/QĐ-TTg, "satisfaction" group: 6 points for satisfaction with dossiers, full at 90%.
SATISFACTION_POINTS = 6
SATISFACTION_THRESHOLD = Decimal("0.9")


def satisfaction_score(counts: dict[str, Any]) -> Decimal | None:
    """Decision 766/QĐ-TTg (LEGAL.md), satisfaction with dossiers: ratio = 100% - (overdue share
    + complaint share); at or above the 90% threshold the full 6 points, below it
    6 * ratio ÷ 90%. Overdue share: finished late or still open past the due moment, of all
    received (the progress score's judgement); complaint share: dossiers complained about, of
    all received. Both from the same counts, so it costs no query."""
    received = counts["received"]
    if not received:
        return None
    bad = counts["resolved_late"] + counts["overdue"] + counts["complaints"]
    ratio = max(Decimal(received - bad) / Decimal(received), Decimal(0))
    if ratio >= SATISFACTION_THRESHOLD:
        return Decimal(SATISFACTION_POINTS).quantize(Decimal("0.01"))
    return (SATISFACTION_POINTS * ratio / SATISFACTION_THRESHOLD).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def figures(counts: dict[str, Any]) -> dict[str, Any]:
    """The counts with the rates derived from them (rates in per cent, one decimal)."""
    counts = {key: counts.get(key) or 0 for key in COUNTS}
    return {
        "received": counts["received"],
        "online": counts["online"],
        "online_rate": _percent(counts["online"], counts["received"]),
        "resolved": counts["resolved"],
        "resolved_early": counts["resolved_early"],
        "resolved_on_time": counts["resolved_on_time"],
        "resolved_late": counts["resolved_late"],
        "on_time_rate": _percent(
            counts["resolved_early"] + counts["resolved_on_time"], counts["resolved"]
        ),
        "in_progress": counts["in_progress"],
        "on_track": counts["on_track"],
        "overdue": counts["overdue"],
        "satisfaction": satisfaction(counts),
        "progress_score": progress_score(counts),
        "satisfaction_score": satisfaction_score(counts),
    }


def counts(*, scope: set[int] | None, query: StatsQuery, now: datetime) -> dict[str, Any]:
    """The raw counts of the cohort: from its rollup (`cohort`), else one aggregate query."""
    if rolled.applies(query):
        found = rolled.counts(cohort(scope=scope, query=query), scope=scope, query=query, now=now)
        return found.get(None) or dict.fromkeys(COUNTS, 0)
    dossiers = timeliness.with_timeliness(cohort(scope=scope, query=query), now)
    found = dossiers.aggregate(**_aggregates())
    return {key: found.get(key) or 0 for key in COUNTS}


_GROUP_COLUMNS = {
    "unit": ("handling_unit__code", "handling_unit__name_vi", "handling_unit__name_en"),
    "field": ("procedure__field__code", "procedure__field__name_vi", "procedure__field__name_en"),
    "procedure": (
        "procedure__code",
        "procedure__current_version__name_vi",
        "procedure__current_version__name_en",
    ),
}


def _name(vi: str, en: str) -> str:
    if (get_language() or "vi").startswith("en") and en:
        return en
    return vi


def counts_by(
    *, scope: set[int] | None, query: StatsQuery, group_by: str, now: datetime
) -> dict[str, dict[str, Any]]:
    """The raw counts per unit, field or procedure code, with the group's `code` and `name`
    (groups that received nothing are absent): one grouped query."""
    code_col, vi_col, en_col = _GROUP_COLUMNS[group_by]
    if rolled.applies(query, group_by):
        return rolled.counts_by(cohort(scope=scope, query=query), scope=scope, query=query,
                                now=now, group_by=group_by, name=_name)  # fmt: skip
    dossiers = timeliness.with_timeliness(cohort(scope=scope, query=query), now)
    grouped = dossiers.values(code_col, vi_col, en_col).annotate(**_aggregates()).order_by()
    return {
        row[code_col]: {
            "code": row[code_col],
            "name": _name(row[vi_col], row[en_col]),
            "counts": {key: row.get(key) or 0 for key in COUNTS},
        }
        for row in grouped
    }


def overdue_dossiers(
    *, scope: set[int] | None, query: StatsQuery, now: datetime, limit: int = 200
) -> QuerySet[Dossier]:
    """The cohort's overdue dossiers, longest overdue first (the dashboard's list)."""
    # The overdue figure's rule (`timeliness.annotation`) as plain filters, one state at a
    # time, each read in due order along the (state, due moment) index up to `limit`: not every
    # overdue dossier of the period fetched and sorted.
    dossiers = cohort(scope=scope, query=query)
    parts = [dossiers.filter(state=state, due_at__lt=now) for state in CLOCK_RUNNING]
    parts.append(
        dossiers.filter(state__in=CLOCK_STOPPED_WAITING, clock_stopped_at__gt=F("due_at"))
    )  # the partial index `dossier_stopped_late`
    firsts = [part.order_by("due_at", "id").values_list("due_at", "id")[:limit] for part in parts]
    found = sorted(firsts[0].union(*firsts[1:], all=True))[:limit]
    overdue: QuerySet[Dossier] = (
        Dossier.objects.filter(id__in=[pk for _due, pk in found])
        .select_related("handling_unit", "procedure_version")
        .order_by("due_at", "id")
    )
    return overdue


# --- At a moment: what a period ends (or starts) with (issue 12) ------------------------------
# Open dossiers are judged at the period's end, not now, and those received earlier and still
# open count too. A dossier's state at a past moment is read from its own moments: received
# (`received_at`), finished (`resolved_at`), withdrawn or stopped (`closed_at`); its clock stood
# still at the moment if the stop it is in now began by then (`clock_stopped_at`), or if one of
# its recorded stops (`ClockStop`) began by then and ended after it. A stopped clock is judged
# when it stopped: late if it stopped after the due moment it had then. The rollup
# (`applications/sql/rollup.sql`, ADR 0015) follows the same rule.
ENDED_STATES = (State.WITHDRAWN, State.STOPPED)


def open_at(moment: datetime) -> Q:
    """Received before `moment` and neither finished, withdrawn nor stopped by then."""
    return Q(received_at__lt=moment) & (
        Q(state__in=PROCESSING)
        | Q(state__in=FINISHED_STATES, resolved_at__gt=moment)
        | Q(state__in=ENDED_STATES, closed_at__gt=moment)
    )


def _stopped_at(moment: datetime) -> Q:
    """In the stop it is in now, begun by `moment`."""
    return Q(state__in=CLOCK_STOPPED_WAITING, clock_stopped_at__lte=moment)


def _stop_covering(moment: datetime, *conditions: Q) -> Exists:
    """A recorded stop (ended) that began by `moment` and ended after it."""
    stops = ClockStop.objects.filter(
        dossier=OuterRef("pk"), started_at__lte=moment, ended_at__gt=moment
    )
    return Exists(stops.filter(*conditions))


_STOP_LATE = Q(started_at__gt=F("due_before"))
_STOP_IN_TIME = Q(due_before__isnull=True) | Q(started_at__lte=F("due_before"))


def overdue_at(moment: datetime) -> Q:
    """Open at `moment` and past the due moment then; a stopped clock is judged when it
    stopped (the timeliness rule, `applications.timeliness`, at a moment)."""
    stopped = _stopped_at(moment)
    running = ~stopped & ~Q(_stop_covering(moment))
    return open_at(moment) & (
        (stopped & Q(clock_stopped_at__gt=F("due_at")))
        | Q(_stop_covering(moment, _STOP_LATE))
        | (running & Q(due_at__lt=moment))
    )


def on_track_at(moment: datetime) -> Q:
    """Open at `moment` and within time then (the complement of `overdue_at`)."""
    stopped = _stopped_at(moment)
    running = ~stopped & ~Q(_stop_covering(moment))
    return open_at(moment) & (
        (stopped & (Q(due_at__isnull=True) | Q(clock_stopped_at__lte=F("due_at"))))
        | Q(_stop_covering(moment, _STOP_IN_TIME))
        | (running & (Q(due_at__isnull=True) | Q(due_at__gte=moment)))
    )


def waiting_citizen_at(moment: datetime) -> Q:
    """Open at `moment` with the clock stopped for a supplement or a payment."""
    return open_at(moment) & (_stopped_at(moment) | Q(_stop_covering(moment)))


def waiting_desk_at(moment: datetime) -> Q:
    """Sent before `moment` and not yet received, refused or withdrawn by the desk then."""
    return Q(submitted_at__lt=moment) & (
        Q(received_at__gte=moment)
        | Q(received_at__isnull=True) & (Q(state=State.SUBMITTED) | Q(closed_at__gt=moment))
    )


def between(column: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{column}__gte": start, f"{column}__lt": end})


def finished_between(start: datetime, end: datetime) -> Q:
    """Finished (resolved, rejected; returned afterwards) from `start` up to `end`."""
    return Q(state__in=FINISHED_STATES) & between("resolved_at", start, end)


def refused_between(start: datetime, end: datetime) -> Q:
    """Sent back at reception (form 03) from `start` up to `end`."""
    return Q(state=State.REFUSED) & between("closed_at", start, end)
