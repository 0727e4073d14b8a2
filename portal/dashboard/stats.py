"""Officials' statistics (DESIGN.md `/api/v1/stats/`, `/dashboard/`): who may read, and the
dossier figures (`applications.selectors.stats`) beside the neighbourhood reports'
(`feedback.stats`).

The two domains never import each other; their figures meet here. Each counts its own cohort
within the scope of who asks: provincial officials and superusers the whole city, a unit leader
the units they lead (another unit: 404), anyone else 403.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access
from applications.selectors import rollups
from applications.selectors import stats as dossier_figures
from feedback import stats as report_figures
from portal.core.errors import ErrorCode
from portal.dashboard.figures import Frame
from procedures.models import Unit
from procedures.models.units import COMMUNE_LEVEL_KINDS
from procedures.stats import InvalidStatsQuery, StatsQuery

GROUPS = ("unit", "field", "procedure")

# The figures of DESIGN.md, in the order the API and the dashboard show them.
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


# --- Who may read -----------------------------------------------------------------------------


# The rule is `applications.access.statistics_scope`: None for the whole province, otherwise the
# units the user leads; anyone else PermissionDenied (403).
scope_units = access.statistics_scope
may_read = access.may_read_statistics


def units_for(user) -> QuerySet[Unit]:
    """The units whose figures the user may read, for the dashboard's unit filter."""
    scope = scope_units(user)
    units = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS)
    if scope is not None:
        units = Unit.objects.filter(pk__in=scope)
    return units.order_by("name_vi")


# --- Input ------------------------------------------------------------------------------------


def parse_group_by(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in GROUPS:
        raise InvalidStatsQuery(
            _("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUPS)},
            code=ErrorCode.INVALID_GROUP_BY,
        )
    return value


# --- The figures ------------------------------------------------------------------------------


def figures(counts: dict, feedback: dict | None = None) -> dict:
    """The dossier figures, and the feedback figures when they apply."""
    return {
        **dossier_figures.figures(counts),
        "feedback": report_figures.figures(feedback) if feedback is not None else None,
    }


def totals(rows: list[dict]) -> dict:
    """The figures of a whole from its groups' raw counts (`counts`, `feedback_counts` of
    `dossier_stats_by`'s rows): each dossier and each report is in exactly one group."""
    counts = {key: sum(row["counts"][key] for row in rows) for key in dossier_figures.COUNTS}
    feedback = None
    if rows and all(row["feedback_counts"] is not None for row in rows):
        feedback = {
            key: sum(row["feedback_counts"][key] for row in rows) for key in report_figures.COUNTS
        }
    return figures(counts, feedback)


def dossier_stats(*, user, query: StatsQuery, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    scope = scope_units(user)
    counts = dossier_figures.counts(scope=scope, query=query, now=now)
    reports = report_figures.report_cohort(scope=scope, query=query)
    feedback = None
    if reports is not None:
        feedback = report_figures.counts(reports, start=query.start, end=query.end, now=now)
    return figures(counts, feedback)


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
    scope = scope_units(user)
    rows = dossier_figures.counts_by(scope=scope, query=query, group_by=group_by, now=now)
    feedback = None
    if group_by == "unit":
        units = units_for(user) if query.unit is None else Unit.objects.filter(pk=query.unit.pk)
        for unit in units:
            rows.setdefault(unit.code, {"code": unit.code, "name": unit.name, "counts": {}})
        reports = report_figures.report_cohort(scope=scope, query=query)
        if reports is not None:
            feedback = report_figures.counts_by_unit(
                reports, start=query.start, end=query.end, now=now
            )
    result = []
    for row in rows.values():
        counts = {key: row["counts"].get(key) or 0 for key in dossier_figures.COUNTS}
        feedback_counts = None
        if feedback is not None:
            feedback_counts = feedback.get(row["code"], report_figures.ZERO)
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
    """The overdue dossiers of the period the user may read, longest overdue first."""
    return dossier_figures.overdue_dossiers(
        scope=scope_units(user), query=query, now=now or timezone.now(), limit=limit
    )


def frame_for(*, user, filters, now: datetime | None = None):
    """The dossiers and reports the user may read, within the filters, and the period's
    moments: what every figure of `portal.dashboard.figures` counts. A unit outside the
    user's scope is 404; anyone who may not read statistics 403."""
    scope = scope_units(user)
    query = filters.query
    dossiers = dossier_figures.scoped(scope=scope, query=query, channel=filters.channel)
    reports = None
    if filters.channel is None:
        reports = report_figures.scoped_reports(scope=scope, query=query)
    return Frame(
        dossiers, reports, filters.start, filters.end, now or timezone.now(), _slice(scope, filters)
    )


def _slice(scope: set[int] | None, filters) -> rollups.Slice | None:
    """The frame's dossiers as a slice of the rollup (ADR 0015); None for a procedure (the
    rollup goes down to the field), where the figures count rows."""
    query = filters.query
    if query.procedure is not None:
        return None
    units = frozenset({query.unit.pk}) if query.unit is not None else None
    if units is None and scope is not None:
        units = frozenset(scope)
    field_id = query.field.pk if query.field is not None else None
    return rollups.Slice(units=units, field_id=field_id, channel=filters.channel)
