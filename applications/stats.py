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
result: `applications.citizen.rating_submit`), joined one-to-one into the same aggregate query,
with the dossiers a complaint was filed about. Feedback reports (`feedback` app) are a second
aggregate query over the reports created in the period (`applications/stats_feedback.py`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from applications import access, stats_feedback, timeliness
from applications.models import Channel, Complaint, Dossier
from applications.workflow import FINISHED_STATES, PROCESSING
from feedback.models import Report
from portal import limits
from portal.errors import DomainError, NotFound, PermissionDenied
from portal.models import Role
from procedures.models import Field, Procedure, Unit
from procedures.models.units import COMMUNE_LEVEL_KINDS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_DAYS = 366  # a leap year: a whole year is always one request
GROUPS = ("unit", "field", "procedure")

# The figures of DESIGN.md, in the order the API and the dashboard show them.
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
# "Satisfied" is 4 or 5 out of 5; 1 and 2 open a complaint (applications.citizen), 3 is neither.
SATISFIED_AT_LEAST = 4
KEYS = (
    "received",
    "online",
    "online_rate",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "on_time_rate",
    "in_progress",
    "on_track",
    "overdue",
    "satisfaction",
    "progress_score",
    "satisfaction_score",
    "feedback",
)


class InvalidStatsQuery(DomainError):
    code = "invalid"
    default_message = gettext_lazy("These statistics cannot be computed for this request.")


@dataclass(frozen=True)
class StatsQuery:
    start: date
    end: date
    unit: Unit | None = None
    field: Field | None = None
    procedure: Procedure | None = None


# --- Who may read -----------------------------------------------------------------------------


def scope_units(user) -> set[int] | None:
    """None: the whole province (superusers and provincial officials); otherwise the ids of the
    units the user leads. Anyone else may not read statistics."""
    if not user.is_authenticated:
        raise PermissionDenied()
    if user.is_superuser:
        return None
    roles = access._roles(user)
    if any(role == Role.OFFICIAL for _unit, role in roles):
        return None
    led = {unit for unit, role in roles if role == Role.LEADER}
    if not led:
        raise PermissionDenied(_("Statistics are for officials and unit leaders."))
    return led


def may_read(user) -> bool:
    try:
        scope_units(user)
    except PermissionDenied:
        return False
    return True


def units_for(user) -> QuerySet[Unit]:
    """The units whose figures the user may read, for the dashboard's unit filter."""
    scope = scope_units(user)
    units = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS)
    if scope is not None:
        units = Unit.objects.filter(pk__in=scope)
    return units.order_by("name_vi")


# --- Input ------------------------------------------------------------------------------------


def _parse_date(value: str, name: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidStatsQuery(
            _("“%(name)s” must be a date written YYYY-MM-DD.") % {"name": name},
            code="invalid_date",
        ) from None
    if not limits.date_in_range(day):
        raise InvalidStatsQuery(
            _("“%(name)s” must be a date between %(earliest)s and %(latest)s.")
            % {"name": name, "earliest": limits.EARLIEST, "latest": limits.LATEST},
            code="invalid_date",
        )
    return day


def parse_query(params, *, today: date | None = None) -> StatsQuery:
    """`from`, `to` (YYYY-MM-DD), `unit`, `field`, `procedure` codes. With no dates: the current
    month up to today; with only `to`: its month up to it; with only `from`: up to today."""
    today = today or timezone.localdate(timezone.now(), TZ)
    raw_from = (params.get("from") or "").strip()
    raw_to = (params.get("to") or "").strip()
    end = _parse_date(raw_to, "to") if raw_to else today
    start = _parse_date(raw_from, "from") if raw_from else end.replace(day=1)
    if start > end:
        raise InvalidStatsQuery(_("The period starts after it ends."), code="invalid_period")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidStatsQuery(
            _("A period covers at most %(days)s days.") % {"days": MAX_DAYS},
            code="period_too_long",
        )
    found = {}
    for name, model, message in (
        ("unit", Unit, _("Unknown unit code.")),
        ("field", Field, _("Unknown field code.")),
        ("procedure", Procedure, _("Unknown procedure code.")),
    ):
        code = (params.get(name) or "").strip()
        if not code:
            found[name] = None
            continue
        found[name] = model.objects.filter(code=code[:60]).first()
        if found[name] is None:
            raise InvalidStatsQuery(message, code=f"unknown_{name}")
    return StatsQuery(start=start, end=end, **found)


def parse_group_by(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in GROUPS:
        raise InvalidStatsQuery(
            _("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUPS)},
            code="invalid_group_by",
        )
    return value


# --- The figures ------------------------------------------------------------------------------


def cohort(*, user, query: StatsQuery) -> QuerySet[Dossier]:
    """The dossiers received in the period that the user may count. A leader asking for a unit
    they do not lead gets 404, as for anything else they may not see (STYLE.md)."""
    scope = scope_units(user)
    start = datetime.combine(query.start, time.min, tzinfo=TZ)
    end = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=TZ)
    dossiers = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
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


def report_cohort(*, user, query: StatsQuery) -> QuerySet[Report] | None:
    """The feedback reports created in the period that the user may count, against the unit
    that handles them (the ward the report was routed to); the same scope and 404 as `cohort`.
    None when a field or procedure is asked for: reports have neither, so no figure applies."""
    if query.field is not None or query.procedure is not None:
        return None
    scope = scope_units(user)
    start = datetime.combine(query.start, time.min, tzinfo=TZ)
    end = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=TZ)
    reports = Report.objects.filter(created_at__gte=start, created_at__lt=end)
    if query.unit is not None:
        if scope is not None and query.unit.pk not in scope:
            raise NotFound()
        return reports.filter(unit=query.unit)
    if scope is not None:
        return reports.filter(unit_id__in=scope)
    return reports


def _aggregates() -> dict:
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


def progress_score(counts: dict) -> Decimal | None:
    """Decision 766/QĐ-TTg, "progress" group (20 points): 20 * (finished early or on time +
    in progress within time) ÷ received; no threshold, so the ratio scales the points."""
    if not counts["received"]:
        return None
    good = counts["resolved_early"] + counts["resolved_on_time"] + counts["on_track"]
    return (Decimal(20 * good) / counts["received"]).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def satisfaction(counts: dict) -> dict:
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


def satisfaction_score(counts: dict) -> Decimal | None:
    """Decision 766/QĐ-TTg (LEGAL.md), satisfaction with dossiers: ratio = 100% - (overdue share
    + complaint share); at or above the 90% threshold the full 6 points, below it
    6 * ratio ÷ 90%. Overdue share: finished late or still open past the due moment, of all
    received (the progress score's judgement); complaint share: dossiers complained about, of
    all received. Both from the same counts, so it costs no query."""
    received = counts["received"]
    if not received:
        return None
    bad = counts["resolved_late"] + counts["overdue"] + counts["complaints"]
    ratio = max(Decimal(received - bad) / received, Decimal(0))
    if ratio >= SATISFACTION_THRESHOLD:
        return Decimal(SATISFACTION_POINTS).quantize(Decimal("0.01"))
    return (SATISFACTION_POINTS * ratio / SATISFACTION_THRESHOLD).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def figures(counts: dict, feedback: dict | None = None) -> dict:
    """The counts with the rates derived from them (rates in per cent, one decimal), and the
    feedback figures when they apply (`stats_feedback.figures`)."""
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
        "feedback": stats_feedback.figures(feedback) if feedback is not None else None,
    }


def totals(rows: list[dict]) -> dict:
    """The figures of a whole from its groups' raw counts (`counts`, `feedback_counts` of
    `dossier_stats_by`'s rows): each dossier and each report is in exactly one group."""
    counts = {key: sum(row["counts"][key] for row in rows) for key in COUNTS}
    feedback = None
    if rows and all(row["feedback_counts"] is not None for row in rows):
        feedback = {
            key: sum(row["feedback_counts"][key] for row in rows) for key in stats_feedback.COUNTS
        }
    return figures(counts, feedback)


def dossier_stats(*, user, query: StatsQuery, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    dossiers = timeliness.with_timeliness(cohort(user=user, query=query), now)
    reports = report_cohort(user=user, query=query)
    feedback = None
    if reports is not None:
        feedback = stats_feedback.counts(reports, start=query.start, end=query.end, now=now)
    return figures(dossiers.aggregate(**_aggregates()), feedback)


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


def dossier_stats_by(
    *, user, query: StatsQuery, group_by: str, now: datetime | None = None
) -> list[dict]:
    """One row per unit, field or procedure: `code`, `name` and the figures. Units list every
    ward and commune in the user's scope, with zeros where nothing was received, so a silent
    ward shows; fields and procedures list those that received dossiers.

    Rows by unit carry the unit's feedback figures too (one more grouped query); reports have
    no field or procedure, so rows by field or procedure have `feedback` null. Each row also
    keeps its raw `counts` and `feedback_counts` for `totals` (not serialised)."""
    now = now or timezone.now()
    code_col, vi_col, en_col = _GROUP_COLUMNS[group_by]
    dossiers = timeliness.with_timeliness(cohort(user=user, query=query), now)
    grouped = dossiers.values(code_col, vi_col, en_col).annotate(**_aggregates()).order_by()
    rows = {
        row[code_col]: {"code": row[code_col], "name": _name(row[vi_col], row[en_col]), **row}
        for row in grouped
    }
    feedback = None
    if group_by == "unit":
        units = units_for(user) if query.unit is None else Unit.objects.filter(pk=query.unit.pk)
        for unit in units:
            rows.setdefault(unit.code, {"code": unit.code, "name": unit.name})
        reports = report_cohort(user=user, query=query)
        if reports is not None:
            feedback = stats_feedback.counts_by_unit(
                reports, start=query.start, end=query.end, now=now
            )
    result = []
    for row in rows.values():
        counts = {key: row.get(key) or 0 for key in COUNTS}
        feedback_counts = None
        if feedback is not None:
            feedback_counts = feedback.get(row["code"], stats_feedback.ZERO)
        result.append(
            {
                "code": row["code"],
                "name": row["name"],
                **figures(counts, feedback_counts),
                "counts": counts,
                "feedback_counts": feedback_counts,
            }
        )
    return sorted(result, key=lambda row: row["code"] if group_by != "field" else row["name"])


def overdue_dossiers(*, user, query: StatsQuery, now: datetime | None = None, limit: int = 200):
    """The cohort's overdue dossiers, longest overdue first (the dashboard's list)."""
    now = now or timezone.now()
    dossiers = timeliness.with_timeliness(cohort(user=user, query=query), now)
    return (
        dossiers.filter(state__in=PROCESSING, timeliness=timeliness.OVERDUE)
        .select_related("handling_unit", "procedure_version")
        .order_by("due_at", "id")[:limit]
    )
