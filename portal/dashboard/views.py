"""The officials' dashboard (DESIGN.md: `/dashboard/`): server-rendered, no JavaScript needed.

The same figures and the same access as `GET /api/v1/stats/` (portal/dashboard/stats.py): provincial
officials and superusers see the whole city, a unit leader their own unit (another unit: 404),
anyone else 403. The headline blocks (dossiers, satisfaction, neighbourhood reports) are the sums
of the per-ward rows, so the page costs one grouped query per part.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from applications.models.satisfaction import Band
from portal.core.pages import page
from portal.dashboard import satisfaction_national as national
from portal.dashboard import stats
from portal.dashboard.figures import compute
from portal.dashboard.filters import Filters
from procedures.stats import InvalidStatsQuery, parse_query

# Columns of the per-ward table that can be sorted, and which way they sort first.
SORTABLE = {
    "name": "asc",
    "received": "desc",
    "online_rate": "desc",
    "resolved": "desc",
    "on_time_rate": "desc",
    "in_progress": "desc",
    "overdue": "desc",
    "progress_score": "desc",
    "avg_rating": "desc",
}
OVERDUE_LIST_LIMIT = 200


def _sorted(rows: list[dict], key: str, direction: str) -> list[dict]:
    """Sort by one column; rows without a figure (nothing received) always go last."""
    if key == "name":
        return sorted(rows, key=lambda r: r["name"].casefold(), reverse=direction == "desc")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: (r[key], r["name"].casefold()), reverse=direction == "desc")
    return present + sorted(missing, key=lambda r: r["name"].casefold())


def _sort_links(request, key: str, direction: str) -> dict[str, dict]:
    links = {}
    for column, first in SORTABLE.items():
        params = request.GET.copy()
        params["sort"] = column
        if column == key:
            params["dir"] = "asc" if direction == "desc" else "desc"
            state = "ascending" if direction == "asc" else "descending"
        else:
            params["dir"] = first
            state = "none"
        links[column] = {"url": f"?{params.urlencode()}", "aria_sort": state}
    return links


@login_required
@page()
def dashboard(request):
    if not stats.may_read(request.user):
        raise PermissionDenied
    now = timezone.now()
    error = None
    try:
        query = parse_query(request.GET)
    except InvalidStatsQuery as exc:
        # Show what was wrong above the default figures rather than an empty page.
        error = exc.message
        query = parse_query({})
    # An unknown unit, field or procedure in the query: a 404 (@page).
    by_unit = stats.dossier_stats_by(user=request.user, query=query, group_by="unit", now=now)
    by_field = stats.dossier_stats_by(user=request.user, query=query, group_by="field", now=now)
    filters = Filters(query=query, preset="custom")
    frame = stats.frame_for(user=request.user, filters=filters, now=now)
    backlog_params = filters.urlencode(figure="in_progress")
    overdue = list(
        stats.overdue_dossiers(user=request.user, query=query, now=now, limit=OVERDUE_LIST_LIMIT)
    )
    sort = request.GET.get("sort", "name")
    if sort not in SORTABLE:
        sort = "name"
    direction = request.GET.get("dir", SORTABLE[sort])
    if direction not in ("asc", "desc"):
        direction = SORTABLE[sort]
    units = list(stats.units_for(request.user))
    totals = stats.totals(by_unit)
    for row in by_unit:
        row["avg_rating"] = row["satisfaction"]["average"]
    national_values = compute(frame, national.KEYS)
    national_band = national.band_of_average(national_values[national.AVERAGE])
    national_band = Band(national_band).label if national_band else None
    for dossier in overdue:
        dossier.days_overdue = max((now - dossier.due_at).days, 0)
    return render(
        request,
        "dashboard/index.html",
        {
            "error": error,
            "query": query,
            "units": units,
            "whole_city": stats.scope_units(request.user) is None,
            "totals": totals,
            # Open at the period's end (or now), carried-over dossiers included (issue 12).
            "backlog": compute(frame, ["in_progress"])["in_progress"],
            "backlog_url": f"{reverse('dashboard:dossiers')}?{backlog_params}",
            # The national scheme (of 18), with links to the rated dossiers behind each figure.
            "national": national.summary(national_values),
            "national_band": national_band,
            "national_bands": [
                {
                    "band": band,
                    "label": Band(band).label,
                    "figure": national.count_key(band),
                    "count": national_values[national.count_key(band)],
                    "share": national_values[national.rate_key(band)],
                }
                for band in national.BANDS
            ],
            "list_url": f"{reverse('dashboard:dossiers')}?{filters.urlencode()}",
            "by_unit": _sorted(by_unit, sort, direction),
            "by_field": by_field,
            "overdue": overdue,
            "overdue_more": totals["overdue"] - len(overdue),
            "sort": sort,
            "links": _sort_links(request, sort, direction),
        },
        status=400 if error else 200,
    )
