"""The tables of the officials' pages (issue 12): figures by ward, field or procedure, and by
week. Every cell is a figure of `figures.FIGURES` counted by its own builder, grouped: a row's
number is the number of rows its link opens, and the groups add up to the whole.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncWeek

from portal.core.time import VN_TZ
from portal.dashboard import rolled
from portal.dashboard.figures import FIGURES, Frame, _percent
from procedures.models import Field, Procedure, Unit

# The columns of a group table: count figures, and the rates derived from them.
GROUP_COUNTS: tuple[str, ...] = (
    "received",
    "received_online",
    "finished",
    "finished_in_time",
    "in_progress",
)
GROUP_COUNTS += ("overdue",)
GROUP_COLUMNS = ("received", "online_rate", "finished", "on_time_rate", "in_progress", "overdue")
# Columns that sort, and which way first.
SORTABLE = {"name": "asc", **dict.fromkeys(GROUP_COLUMNS, "desc")}

_BY: dict[str, tuple[str, Any, str]] = {
    "unit": ("handling_unit__code", Unit, "code"),
    "field": ("procedure__field__code", Field, "code"),
    "procedure": ("procedure__code", Procedure, "code"),
}


def _name(obj) -> str:
    if isinstance(obj, Procedure):
        version = obj.current_version
        return version.name if version is not None else obj.code
    return obj.name


def grouped(frame: Frame, key: str, by: str) -> dict[str, int]:
    """A count figure per unit, field or procedure code: its builder, grouped."""
    column = _BY[by][0]
    found = FIGURES[key].build(frame).values(column).annotate(n=Count("id")).order_by()
    return {row[column]: row["n"] for row in found}


def _rolled_groups(frame: Frame, by: str) -> dict[str, dict[str, int]]:
    """The group columns per unit or field code, from the rollup (ADR 0015)."""
    found = rolled.counts(frame, by=by)
    model = Unit if by == "unit" else Field
    codes = dict(model.objects.filter(pk__in=found).values_list("pk", "code"))
    return {
        key: {codes[pk]: values[key] for pk, values in found.items() if values[key]}
        for key in GROUP_COUNTS
    }


def group_rows(frame: Frame, by: str, *, units=None) -> list[dict]:
    """One row per group: `code`, `name` and the group columns. With `units` (by unit), every
    unit listed has a row, zeros where nothing happened, so a silent ward shows."""
    if by in ("unit", "field") and rolled.applies(frame):
        counts = _rolled_groups(frame, by)
    else:
        counts = {key: grouped(frame, key, by) for key in GROUP_COUNTS}
    codes = set().union(*(found.keys() for found in counts.values()))
    _column, model, code_field = _BY[by]
    objects = {getattr(o, code_field): o for o in model.objects.filter(code__in=codes)}
    if by == "procedure":
        objects = {
            o.code: o
            for o in Procedure.objects.filter(code__in=codes).select_related("current_version")
        }
    for unit in units or ():
        objects.setdefault(unit.code, unit)
    rows = []
    for code, obj in objects.items():
        value = {key: counts[key].get(code, 0) for key in GROUP_COUNTS}
        rows.append(
            {
                "code": code,
                "name": _name(obj),
                **value,
                "online_rate": _percent(value["received_online"], value["received"]),
                "on_time_rate": _percent(value["finished_in_time"], value["finished"]),
            }
        )
    return rows


def sort_rows(rows: list[dict], key: str, direction: str) -> list[dict]:
    """Sort by one column; rows without a figure (no denominator) always go last."""
    if key == "name":
        return sorted(rows, key=lambda r: r["name"].casefold(), reverse=direction == "desc")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: (r[key], r["name"].casefold()), reverse=direction == "desc")
    return present + sorted(missing, key=lambda r: r["name"].casefold())


def parse_sort(params, default: str = "name") -> tuple[str, str]:
    sort = params.get("sort") or default
    if sort not in SORTABLE:
        sort = default
    direction = params.get("dir") or SORTABLE[sort]
    if direction not in ("asc", "desc"):
        direction = SORTABLE[sort]
    return sort, direction


def _monday(moment: datetime):
    day = moment.astimezone(VN_TZ).date()
    return day - timedelta(days=day.weekday())


def _weekly(frame: Frame, key: str, column: str) -> dict:
    found = (
        FIGURES[key]
        .build(frame)
        .annotate(week=TruncWeek(column, tzinfo=VN_TZ))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {_monday(row["week"]) if isinstance(row["week"], datetime) else row["week"]: row["n"]
            for row in found}  # fmt: skip


def weekly_rows(frame: Frame) -> list[dict]:
    """Per week of the period (Monday first, Vietnam's dates), up to its end or now: received,
    the online share, finished and the on-time rate."""
    if rolled.applies(frame):
        weeks = rolled.weekly(frame)
        series = {key: {week: row[key] for week, row in weeks.items()} for key in (
            "received", "received_online", "finished", "finished_in_time")}  # fmt: skip
    else:
        series = {
            "received": _weekly(frame, "received", "received_at"),
            "received_online": _weekly(frame, "received_online", "received_at"),
            "finished": _weekly(frame, "finished", "resolved_at"),
            "finished_in_time": _weekly(frame, "finished_in_time", "resolved_at"),
        }
    rows = []
    week = _monday(frame.start)
    last = _monday(frame.at - timedelta(microseconds=1)) if frame.at > frame.start else week
    while week <= last:
        value = {key: found.get(week, 0) for key, found in series.items()}
        rows.append(
            {
                "week": week,
                **value,
                "online_rate": _percent(value["received_online"], value["received"]),
                "on_time_rate": _percent(value["finished_in_time"], value["finished"]),
            }
        )
        week += timedelta(days=7)
    return rows
