"""The officials' overview, ward, field and procedure pages and the drill-down lists (issue 12).

Server-rendered and usable without JavaScript: tables sort by a query parameter, charts are SVG
drawn here beside the tables they come from. Every figure links to the rows behind it
(`dossiers`), with the same filters; every table and list downloads as CSV or XLSX
(`?format=csv|xlsx`, `table=` naming the table of a page). Access is `stats.scope_units`:
officials the city, a leader their units (another unit: 404), anyone else 403.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import exports
from portal.core.errors import DomainError, NotFound
from portal.dashboard import charts, stats, tables
from portal.dashboard import satisfaction_national as national
from portal.dashboard.figures import DOSSIER, FIGURES, REPORT, compute, rows
from portal.dashboard.filters import PRESETS, parse_filters
from portal.dashboard.listing import (
    dossier_columns,
    figure_columns,
    group_columns,
    report_columns,
    week_columns,
)
from procedures.models import Field, Procedure

PAGE_SIZE = 50
# What each page lists its figures by, and which filter fixes its subject.
PAGES: dict[str, dict[str, Any]] = {
    "overview": {"by": "unit", "fixed": None},
    "unit": {"by": "field", "fixed": "unit"},
    "field": {"by": "procedure", "fixed": "field"},
    "procedure": {"by": "unit", "fixed": "procedure"},
}
SECTIONS = (
    ("received", ("received", "received_online", "online_rate", "received_online_full")),
    ("received_by", ("received_online_partial", "received_desk", "received_post", "refused")),
    ("finished", ("finished", "finished_early", "finished_on_time", "finished_late")),
    ("finished_rates", ("finished_in_time", "on_time_rate", "average_working_hours")),
    ("carried", ("carried_over",)),
    ("open", ("in_progress", "on_track", "overdue", "waiting_citizen", "waiting_desk")),
    ("open_more", ("inherited",)),
    ("satisfaction", ("rated", "rating_average")),
    ("satisfaction_national", (national.RATED, national.AVERAGE)),
    ("national_bands", tuple(national.count_key(band) for band in national.BANDS)),
    ("national_shares", tuple(national.rate_key(band) for band in national.BANDS)),
    ("reports", ("reports_received", "reports_picked_up_on_time", "reports_resolved")),
    ("reports_rates", ("reports_resolved_same_day", "reports_same_day_rate")),
    ("reports_rating", ("reports_rated", "reports_rating_average")),
)


class _Refused(Exception):
    def __init__(self, message):
        self.message = message


def _context(request, fixed: str | None = None, code: str | None = None):
    if not stats.may_read(request.user):
        raise PermissionDenied
    params = request.GET.copy()
    if fixed and not (code or params.get(fixed)):
        raise _Refused(_("Choose a unit, field or procedure."))
    try:
        filters = parse_filters(params)
        fmt = exports.parse_format(request.GET.get("format"))
        frame = stats.frame_for(user=request.user, filters=filters, now=timezone.now())
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        raise _Refused(exc.message) from None
    return filters, frame, fmt


def _bad_input(request, message):
    return render(request, "dashboard/bad_input.html", {"error": message}, status=400)


def _sort_links(request, sort: str, direction: str) -> dict[str, dict]:
    links = {}
    for column, first in tables.SORTABLE.items():
        params = request.GET.copy()
        params.pop("format", None)
        params["sort"] = column
        if column == sort:
            params["dir"] = "asc" if direction == "desc" else "desc"
            state = "ascending" if direction == "asc" else "descending"
        else:
            params["dir"] = first
            state = "none"
        links[column] = {"url": f"?{params.urlencode()}", "aria_sort": state}
    return links


@login_required
def page(request, kind: str = "overview", code: str | None = None):
    spec = PAGES[kind]
    try:
        filters, frame, fmt = _context(request, spec["fixed"], code)
    except _Refused as exc:
        return _bad_input(request, exc.message)
    units = list(stats.units_for(request.user)) if spec["by"] == "unit" else None
    if kind == "procedure":
        units = None
    groups = tables.group_rows(frame, spec["by"], units=units)
    sort, direction = tables.parse_sort(request.GET)
    groups = tables.sort_rows(groups, sort, direction)
    table = request.GET.get("table") or "figures"
    if fmt:
        if table == "groups":
            return exports.response(fmt, columns=group_columns(spec["by"]), rows=groups,
                                    filename=f"{kind}-{spec['by']}")  # fmt: skip
        if table == "trend":
            weeks = tables.weekly_rows(frame)
            return exports.response(fmt, columns=week_columns(), rows=weeks, filename="trend")
        values = compute(frame)
        return exports.response(fmt, columns=figure_columns(values), rows=FIGURES.values(),
                                filename=f"{kind}-figures")  # fmt: skip
    values = compute(frame)
    weeks = tables.weekly_rows(frame)
    sections = [
        [{"figure": FIGURES[key], "value": values[key]} for key in keys] for _name, keys in SECTIONS
    ]
    subject = {
        "unit": filters.query.unit,
        "field": filters.query.field,
        "procedure": filters.query.procedure,
    }.get(spec["fixed"])
    return render(
        request,
        "dashboard/page.html",
        {
            "kind": kind,
            "by": spec["by"],
            "subject": subject,
            "filters": filters,
            "params": filters.urlencode(),
            "presets": PRESETS,
            "units": list(stats.units_for(request.user)),
            "fields": Field.objects.order_by("name_vi"),
            "procedures": Procedure.objects.select_related("current_version").order_by("code"),
            "whole_city": stats.scope_units(request.user) is None,
            "sections": sections,
            "groups": groups,
            "sort": sort,
            "links": _sort_links(request, sort, direction),
            "weeks": weeks,
            "charts": [
                charts.bars(weeks, "received"),
                charts.bars(weeks, "online_rate", ceiling=100),
                charts.bars(weeks, "on_time_rate", ceiling=100),
            ],
            "ward_chart": charts.wards(groups) if kind == "overview" else None,
            "at": frame.at,
        },
    )


@login_required
def dossiers(request):
    """The dossiers (or reports) behind a figure, with the same filters: exactly as many rows as
    the figure counts, 50 a page, or all of them as CSV or XLSX."""
    key = request.GET.get("figure", "")
    if key not in FIGURES:
        if not stats.may_read(request.user):
            raise PermissionDenied
        return _bad_input(request, _("Choose a figure to list."))
    try:
        filters, frame, fmt = _context(request)
    except _Refused as exc:
        return _bad_input(request, exc.message)
    figure = FIGURES[key]
    listed = FIGURES[figure.list_key]
    found = rows(frame, key)
    if found is None:
        return _bad_input(
            request, _("Neighbourhood reports have no field, procedure or channel: choose none.")
        )
    if listed.subject == DOSSIER:
        found = found.select_related("handling_unit", "procedure_version").order_by("code")
        columns = dossier_columns()
    else:
        found = found.select_related("unit").order_by("code")
        columns = report_columns()
    if fmt:
        return exports.response(fmt, columns=columns, rows=found.iterator(chunk_size=2000),
                                filename=f"{listed.key}")  # fmt: skip
    paginator = Paginator(found, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/list.html",
        {
            "figure": figure,
            "listed": listed,
            "is_report": listed.subject == REPORT,
            "filters": filters,
            "params": filters.urlencode(figure=key),
            "page": page_obj,
            "count": paginator.count,
            "columns": columns,
            "rows": [[exports.cell(value(row)) for _h, value in columns] for row in page_obj],
        },
    )
