"""The dossier figures read from the exact rollup (ADR 0015, `applications/sql/rollup.sql`):
one grouped sum over `DossierRollup` gives every count of `portal.dashboard.figures` that does
not depend on the procedure, for a whole period, at its start and at its end (or now).

The rollup holds, per handling unit, field, channel and Vietnam day, how far each figure moved
that day; a figure at a moment T is the sum of the days before T. When T is not a midnight
(a period still running is judged now) the days up to the next midnight are summed and the
moves kept at their exact moment between T and that midnight (`DossierRollupAhead`) are taken
back. That table holds every move at or after the write that made it, less ten minutes, so the
sum is exact for any T no earlier than ten minutes before now (`usable`).
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from applications.models.rollups import MEASURES
from portal.core.time import VN_TZ

AHEAD_MARGIN = timedelta(minutes=10)  # rollup.sql: `dossier_rollup_clock() - interval '10 minutes'`
FLOWS = ("received", "received_online_full", "received_fee", "received_digitised")  # to its end
UP_TO_AT: tuple[str, ...] = ("refused", "finished_early", "finished_on_time", "finished_late")
UP_TO_AT += ("rated", "rating_sum", "finished_e_result", "timed", "working_seconds")
STOCKS = ("open", "open_inherited", "overdue", "waiting_citizen", "waiting_desk")
_GROUPS = {None: "NULL", "unit": "unit_id", "field": "field_id"}

_clock: datetime | None = None


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Tests that judge at a made-up "now": the rollup's triggers and this reader take `moment`
    as the moment of the writes (inside the caller's transaction)."""
    global _clock
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('motcua.rollup_now', %s, true)", [moment.isoformat()])
    _clock, before = moment, _clock
    try:
        yield
    finally:
        _clock = before


def available() -> bool:
    return connection.vendor == "postgresql"


def _midnight(moment: datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    return local.time() == time.min


def usable(*moments: datetime) -> bool:
    """The rollup answers exactly at midnights, and at any moment from ten minutes before now."""
    if not available():
        return False
    now = _clock or timezone.now()
    return all(_midnight(m) or m >= now - AHEAD_MARGIN for m in moments)


def _day_after(moment: datetime) -> date:
    """The first day not summed for a figure at `moment`: its date at a midnight, else the next."""
    local = moment.astimezone(VN_TZ)
    return local.date() if local.time() == time.min else local.date() + timedelta(days=1)


@dataclass(frozen=True)
class Slice:
    """Which dossiers: the handling units (None: all), a field, a channel."""

    units: frozenset[int] | None = None
    field_id: int | None = None
    channel: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        sql: list[str] = ["TRUE"]
        params: list[Any] = []
        if self.units is not None:
            sql.append("unit_id = ANY(%s)")
            params.append(sorted(self.units))
        if self.field_id is not None:
            sql.append("field_id = %s")
            params.append(self.field_id)
        if self.channel is not None:
            sql.append("channel = %s")
            params.append(self.channel)
        return " AND ".join(sql), params


def _daily(where: Slice, by: str | None) -> tuple[str, str]:
    """The day table to read and its field column: the one without fields unless a field is
    asked for (it has at most units x channels rows a day)."""
    if where.field_id is not None or by == "field":
        return "applications_dossierrollup", "field_id"
    return "applications_dossierrollupunit", "NULL::integer"


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _unit_days(
    bounds: tuple[date, ...], sql_where: str, where_params: list[Any]
) -> tuple[str, list[Any]]:
    """The day table without fields from the first of `bounds` on, as rows `(unit_id, channel,
    day, measures)`: whole months from `DossierRollupMonth` (`day` the month's first), the days
    of the months a bound cuts from `DossierRollupUnit`. No month read whole has a bound inside
    it, so a filter `day >= bound` says the same of the month's row as of each of its days."""
    lo = min(bounds)
    cut = sorted({b.replace(day=1) for b in bounds if b.day != 1})
    ranges = [(max(lo, month), _next_month(month)) for month in cut]
    days = " OR ".join("(day >= %s AND day < %s)" for _range in ranges) or "FALSE"
    measures = ", ".join(MEASURES)
    first_month = lo if lo.day == 1 else _next_month(lo)
    sql = (  # Column names are this module's; every value is a parameter.
        f"SELECT unit_id, channel, day, {measures} FROM applications_dossierrollupunit "  # noqa: S608
        f"WHERE ({days}) AND {sql_where} UNION ALL "
        f"SELECT unit_id, channel, day, {measures} FROM applications_dossierrollupmonth "
        f"WHERE day >= %s AND day <> ALL(%s) AND {sql_where}"
    )
    days_params = [d for r in ranges for d in r]
    return sql, [*days_params, *where_params, first_month, cut, *where_params]


def figures(
    where: Slice, *, start: datetime, end: datetime, at: datetime, by: str | None = None
) -> dict[Any, Any]:
    """Per group (`by`: None, "unit" or "field") and channel, the raw counts: FLOWS received in
    [start, end), UP_TO_AT in [start, at), STOCKS at `at`, and `carried_over` (open at start).

    A stock at a day is the total of every move (`DossierRollupTotal`) less the moves from that
    day on, so only the period's days (and those after it) are read. Two queries: the days,
    and the exact moves between `at` and its next midnight."""
    group = _GROUPS[by]
    first, last, upto = _day_after(start), _day_after(end), _day_after(at)
    columns = [f"SUM({m}) FILTER (WHERE day >= %s AND day < %s)" for m in FLOWS]
    params: list[Any] = [first, last] * len(FLOWS)
    columns += [f"SUM({m}) FILTER (WHERE day >= %s AND day < %s)" for m in UP_TO_AT]
    params += [first, upto] * len(UP_TO_AT)
    columns += [
        f"SUM({m}) FILTER (WHERE day IS NULL) - COALESCE(SUM({m}) FILTER (WHERE day >= %s), 0)"
        for m in STOCKS
    ]
    params += [upto] * len(STOCKS)
    columns.append(
        "SUM(open) FILTER (WHERE day IS NULL) - COALESCE(SUM(open) FILTER (WHERE day >= %s), 0)"
    )
    params.append(first)
    table, field = _daily(where, by)
    sql_where, where_params = where.where()
    measures = ", ".join(MEASURES)
    names = [*FLOWS, *UP_TO_AT, *STOCKS, "carried_over"]
    found: dict[Any, Any] = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(names, 0)))
    if field == "field_id":
        days = f"SELECT unit_id, channel, day, {measures}, field_id FROM {table} "  # noqa: S608
        days += f"WHERE day >= %s AND {sql_where}"
        days_params = [min(first, upto), *where_params]
    else:  # whole months from their own table (the bounds: first, last, upto)
        days, days_params = _unit_days((first, last, upto), sql_where, where_params)
        days = f"SELECT *, NULL::integer AS field_id FROM ({days}) m"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            # Table and column names are this module's; every value is a parameter.
            f"SELECT {group}, channel, {', '.join(columns)} FROM ("  # noqa: S608
            f"{days} UNION ALL "
            f"SELECT unit_id, channel, NULL::date, {measures}, field_id "
            f"FROM applications_dossierrolluptotal WHERE {sql_where}) r GROUP BY 1, 2",
            [*params, *days_params, *where_params],
        )
        for key, channel, *values in cursor.fetchall():
            found[key][channel] = {n: int(v or 0) for n, v in zip(names, values, strict=True)}
        if not _midnight(at):
            # Take back what the days summed but lies at or after `at`.
            until = datetime.combine(upto, time.min, tzinfo=VN_TZ)
            cursor.execute(
                f"SELECT {group}, channel, m, SUM(n) FROM applications_dossierrollupahead "  # noqa: S608
                f"WHERE at >= %s AND at < %s AND m = ANY(%s) AND {sql_where} GROUP BY 1, 2, 3",
                [at, until, [*UP_TO_AT, *STOCKS], *where_params],
            )
            for key, channel, measure, n in cursor.fetchall():
                found[key][channel][measure] -= int(n)
    return {key: dict(channels) for key, channels in found.items()}


def weekly(where: Slice, *, start: datetime, end: datetime, at: datetime) -> dict[Any, Any]:
    """Per Monday (Vietnam dates): received in [start, end) and finished (by timeliness) in
    [start, at), each on its own day."""
    first, last, upto = _day_after(start), _day_after(end), _day_after(at)
    sql_where, where_params = where.where()
    names = ("received", "received_online", "finished", "finished_in_time")
    found: dict[Any, Any] = defaultdict(lambda: dict.fromkeys(names, 0))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('week', day)::date, "  # noqa: S608
            "SUM(received) FILTER (WHERE day >= %s AND day < %s), "
            "SUM(received) FILTER (WHERE day >= %s AND day < %s AND channel = 'online'), "
            "SUM(finished_early + finished_on_time + finished_late) "
            "FILTER (WHERE day >= %s AND day < %s), "
            "SUM(finished_early + finished_on_time) FILTER (WHERE day >= %s AND day < %s) "
            f"FROM {_daily(where, None)[0]} WHERE day >= %s AND {sql_where} GROUP BY 1",
            [first, last, first, last, first, upto, first, upto, first, *where_params],
        )
        for week, *values in cursor.fetchall():
            found[week] = {n: int(v or 0) for n, v in zip(names, values, strict=True)}
        if not _midnight(at):
            until = datetime.combine(upto, time.min, tzinfo=VN_TZ)
            cursor.execute(
                "SELECT date_trunc('week', (at AT TIME ZONE 'Asia/Ho_Chi_Minh'))::date, m, "  # noqa: S608
                "SUM(n) FROM applications_dossierrollupahead WHERE at >= %s AND at < %s "
                f"AND m = ANY(%s) AND {sql_where} GROUP BY 1, 2",
                [at, until, ["finished_early", "finished_on_time", "finished_late"],
                 *where_params],
            )  # fmt: skip
            for week, measure, n in cursor.fetchall():
                found[week]["finished"] -= int(n)
                if measure != "finished_late":
                    found[week]["finished_in_time"] -= int(n)
    return dict(found)


def rebuild() -> None:
    """Every dossier's moves from nothing (`manage.py rebuild_rollups`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT dossier_rollup_rebuild()")


__all__ = ["MEASURES", "Slice", "clock", "figures", "rebuild", "usable", "weekly"]
