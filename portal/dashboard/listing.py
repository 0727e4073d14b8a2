"""The columns of the dashboard's tables and lists, shared by the pages and their CSV and XLSX
downloads (`portal.core.exports`): one list of (Vietnamese header, value) per table."""

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GROUP_HEADERS = {
    "unit": gettext_lazy("Unit"),
    "field": gettext_lazy("Field"),
    "procedure": gettext_lazy("Procedure"),
}


def _label(obj, name: str) -> str:
    return getattr(obj, f"get_{name}_display")()


def dossier_columns():
    return [
        (_("Dossier code"), lambda d: d.code),
        (_("Procedure"), lambda d: d.procedure_version.name),
        (_("Handling unit"), lambda d: d.handling_unit.name),
        (_("Channel"), lambda d: _label(d, "channel")),
        (_("State"), lambda d: _label(d, "state")),
        (_("Received"), lambda d: d.received_at),
        (_("Due"), lambda d: d.due_at),
        (_("Result issued"), lambda d: d.resolved_at),
        (_("Inherited from a former unit"), lambda d: d.is_transferred),
    ]


def report_columns():
    return [
        (_("Report code"), lambda r: r.code),
        (_("Category"), lambda r: _label(r, "category")),
        (_("Ward"), lambda r: r.unit.name),
        (_("State"), lambda r: _label(r, "state")),
        (_("Made"), lambda r: r.created_at),
        (_("Pick-up target"), lambda r: r.pickup_due_at),
        (_("Closed"), lambda r: r.resolved_at),
    ]


def group_columns(by: str):
    return [
        (_("Group code"), lambda r: r["code"]),
        (str(GROUP_HEADERS[by]), lambda r: r["name"]),
        (_("Received"), lambda r: r["received"]),
        (_("Online rate (%)"), lambda r: r["online_rate"]),
        (_("Finished"), lambda r: r["finished"]),
        (_("On-time rate (%)"), lambda r: r["on_time_rate"]),
        (_("Open"), lambda r: r["in_progress"]),
        (_("Overdue"), lambda r: r["overdue"]),
    ]


def week_columns():
    return [
        (_("Week from"), lambda r: r["week"]),
        (_("Received"), lambda r: r["received"]),
        (_("Online rate (%)"), lambda r: r["online_rate"]),
        (_("Finished"), lambda r: r["finished"]),
        (_("On-time rate (%)"), lambda r: r["on_time_rate"]),
    ]


def figure_columns(values: dict):
    return [
        (_("Figure"), lambda f: f.label),
        (_("Value"), lambda f: values[f.key]),
        (_("Definition"), lambda f: f.definition),
    ]


_STATS_HEADERS = (
    ("received", gettext_lazy("Received")),
    ("online", gettext_lazy("Online")),
    ("online_rate", gettext_lazy("Online rate (%)")),
    ("resolved", gettext_lazy("Finished")),
    ("resolved_early", gettext_lazy("Early")),
    ("resolved_on_time", gettext_lazy("On time")),
    ("resolved_late", gettext_lazy("Late")),
    ("on_time_rate", gettext_lazy("On-time rate (%)")),
    ("in_progress", gettext_lazy("In progress")),
    ("on_track", gettext_lazy("Within time")),
    ("overdue", gettext_lazy("Overdue")),
    ("progress_score", gettext_lazy("Progress score /20")),
    ("satisfaction_score", gettext_lazy("Satisfaction score /6")),
)


def _nested(row, outer, inner):
    found = row.get(outer)
    return None if found is None else found.get(inner)


def stats_columns(grouped: bool):
    """`GET /api/v1/stats/` as a table: one row (or one per group), the JSON's figures."""
    columns: list[tuple[str, Callable[[Any], Any]]] = []
    if grouped:
        columns = [(_("Group code"), lambda r: r["code"]), (_("Name"), lambda r: r["name"])]
    columns += [(str(header), itemgetter(key)) for key, header in _STATS_HEADERS]
    columns += [
        (_("Dossiers rated"), lambda r: _nested(r, "satisfaction", "rated")),
        (_("Average rating"), lambda r: _nested(r, "satisfaction", "average")),
        (_("Dossiers with a complaint"), lambda r: _nested(r, "satisfaction", "complaints")),
        (_("Rated on the national scheme"),
         lambda r: _nested(r, "satisfaction_national", "rated")),
        (_("Average national score (of 18)"),
         lambda r: _nested(r, "satisfaction_national", "average")),
        (_("Reports received"), lambda r: _nested(r, "feedback", "received")),
        (_("Reports resolved"), lambda r: _nested(r, "feedback", "resolved")),
        (_("Reports resolved the same day (%)"),
         lambda r: _nested(r, "feedback", "resolved_same_day_rate")),
        (_("Reports' average rating"), lambda r: _nested(r, "feedback", "satisfaction")),
    ]  # fmt: skip
    return columns
