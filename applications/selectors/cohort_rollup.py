"""The stats cohort's counts from its rollup (ADR 0015, `applications/sql/cohort.sql`): the
dossiers received in the period, each as it is now, summed per Vietnam day of reception from
`DossierCohort` instead of counted over the dossiers. One thing depends on the hour: a running
clock is overdue once its due moment has passed. The rollup counts the running dossiers with a
due moment (`running_due`); those not yet due are few (received lately, still open) and are
counted from the dossiers by the (state, due moment) index, with the cohort's own filters.

A slice without a field is summed from the cohort per unit, one without a unit (or scope) from
the cohort per field (`DossierCohortPart`, `applications/sql/cohort_part.sql`), whole months
from their monthly rows: a year is then at most 12 months and two partial months' days per unit
or field and channel, whatever the number of dossiers. Only a unit and a field together read
the cohort's own cells.

`applications.selectors.stats` keeps the definition (`_aggregates`) and counts rows where the
rollup does not reach: a procedure (the rollup goes down to the field), SQLite.
`tests/dashboard/test_stats_cohort_recount.py` checks both against plain Python.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet

from applications.models import CLOCK_RUNNING, Dossier
from applications.selectors import rollups
from procedures.models import Field, Unit
from procedures.stats import StatsQuery

_SUMS = (
    "received",
    "online",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    "stopped_late",
    "running_due",
    "rated",
    "satisfied",
    "overall_sum",
    "time_sum",
    "attitude_sum",
    "guidance_sum",
    "transparency_sum",
    "complaints",
)
_GROUPS = {None: "NULL", "unit": "unit_id", "field": "field_id"}
_NARROW = {None: None, "unit": "handling_unit_id", "field": "procedure__field_id"}


def applies(query: StatsQuery, group_by: str | None = None) -> bool:
    return rollups.available() and query.procedure is None and group_by in _GROUPS


def _where(scope: set[int] | None, query: StatsQuery) -> tuple[str, list[Any]]:
    sql: list[str] = ["day >= %s AND day <= %s"]
    params: list[Any] = [query.start, query.end]
    if query.unit is not None:
        sql.append("unit_id = %s")
        params.append(query.unit.pk)
    elif scope is not None:
        sql.append("unit_id = ANY(%s)")
        params.append(sorted(scope))
    if query.field is not None:
        sql.append("field_id = %s")
        params.append(query.field.pk)
    return " AND ".join(sql), params


def _months(start: date, end: date) -> tuple[date, date]:
    """The whole months within [start, end] as [first, stop) (first == stop: none)."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    stop = (end + timedelta(days=1)).replace(day=1)
    return (first, stop) if first < stop else (start, start)


def _days(start: date, end: date) -> tuple[str, list[Any]]:
    """Which rows of `DossierCohortPart` make the days [start, end]: the whole months' monthly
    rows and the other days' daily rows (three ranges along its key)."""
    first, stop = _months(start, end)
    if first == stop:
        return "NOT monthly AND day >= %s AND day <= %s", [start, end]
    return (
        "((NOT monthly AND day >= %s AND day < %s) OR (monthly AND day >= %s AND day < %s) "
        "OR (NOT monthly AND day >= %s AND day <= %s))",
        [start, first, first, stop, stop, end],
    )


def _source(
    scope: set[int] | None, query: StatsQuery, group_by: str | None
) -> tuple[str, str, list[Any]]:
    """The table to sum, its group column and its conditions: the cohort summed per unit or
    per field (`DossierCohortPart`) when the slice asks for nothing finer, else the cohort."""
    units = None
    if query.unit is not None:
        units = [query.unit.pk]
    elif scope is not None:
        units = sorted(scope)
    kind = None
    if group_by != "field" and query.field is None:
        kind = "unit"
    elif group_by != "unit" and units is None:
        kind = "field"
    if kind is None:
        where, params = _where(scope, query)
        return "applications_dossiercohort", _GROUPS[group_by], [where, *params]
    days, params = _days(query.start, query.end)
    sql = ["kind = %s", days]
    params = [kind, *params]
    if kind == "unit" and units is not None:
        sql.append("key_id = ANY(%s)")
        params.append(units)
    if kind == "field" and query.field is not None:
        sql.append("key_id = %s")
        params.append(query.field.pk)
    group = "NULL" if group_by is None else "key_id"
    return "applications_dossiercohortpart", group, [" AND ".join(sql), *params]


def _not_yet_due(
    dossiers: QuerySet[Dossier], now: datetime, group_by: str | None
) -> dict[Any, int]:
    """The cohort's running clocks whose due moment has not passed (`due_at < now` is overdue,
    `applications.timeliness.annotation`), per group."""
    running = dossiers.filter(state__in=CLOCK_RUNNING, due_at__gte=now).order_by()
    column = _NARROW[group_by]
    if column is None:
        return {None: running.count()}
    return {row[column]: row["n"] for row in running.values(column).annotate(n=Count("id"))}


def counts(
    dossiers: QuerySet[Dossier],
    *,
    scope: set[int] | None,
    query: StatsQuery,
    now: datetime,
    group_by: str | None = None,
) -> dict[Any, dict[str, int]]:
    """{group id (None for the whole; a unit's or a field's id): the raw counts of
    `stats.COUNTS`}; groups that received nothing are absent. `dossiers`: the cohort as rows
    (`stats.cohort`), for the running clocks not yet due."""
    table, group, (where, *params) = _source(scope, query, group_by)
    columns = ", ".join(
        "SUM(received) FILTER (WHERE channel = 'online')" if name == "online" else f"SUM({name})"
        for name in _SUMS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            # Column names are this module's; every value is a parameter.
            f"SELECT {group}, {columns} FROM {table} WHERE {where} GROUP BY 1",  # noqa: S608
            params,
        )
        found = {
            key: {n: int(v or 0) for n, v in zip(_SUMS, values, strict=True)}
            for key, *values in cursor.fetchall()
        }
    found = {key: sums for key, sums in found.items() if sums["received"]}
    # Always read, so that the number of queries does not depend on the data.
    ahead: dict[Any, int] = defaultdict(int, _not_yet_due(dossiers, now, group_by))
    result = {}
    for key, sums in found.items():
        overdue = sums["stopped_late"] + sums["running_due"] - ahead[key]
        result[key] = {
            "received": sums["received"],
            "online": sums["online"],
            "resolved": sums["resolved_early"] + sums["resolved_on_time"] + sums["resolved_late"],
            "resolved_early": sums["resolved_early"],
            "resolved_on_time": sums["resolved_on_time"],
            "resolved_late": sums["resolved_late"],
            "in_progress": sums["in_progress"],
            "on_track": sums["in_progress"] - overdue,
            "overdue": overdue,
            **{name: sums[name] for name in _SUMS[8:]},
        }
    return result


def counts_by(
    dossiers: QuerySet[Dossier],
    *,
    scope: set[int] | None,
    query: StatsQuery,
    now: datetime,
    group_by: str,
    name: Callable[[str, str], str],
) -> dict[str, dict[str, Any]]:
    """`stats.counts_by` for units and fields: the rows keyed by the group's code, with its
    `code`, `name` (`name(vi, en)`) and raw `counts`."""
    found = counts(dossiers, scope=scope, query=query, now=now, group_by=group_by)
    model = Unit if group_by == "unit" else Field
    groups = model.objects.filter(pk__in=list(found)).values_list(
        "pk", "code", "name_vi", "name_en"
    )
    return {
        code: {"code": code, "name": name(vi, en), "counts": found[pk]}
        for pk, code, vi, en in groups
    }


def rebuild() -> None:
    """Every dossier's cell from nothing (`manage.py rebuild_rollups`, beside the rollup's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT dossier_cohort_rebuild()")
