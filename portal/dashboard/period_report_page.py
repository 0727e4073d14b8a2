"""The official period report, form II.06a, as a page to print and as a PDF (issue 12, item 5;
LEGAL.md "Timeliness in reports"; DESIGN.md `GET /api/v1/stats/period-report/` gives the same
numbers as JSON, CSV or XLSX).

The form's thirteen columns, as the real one-stop systems print "Biểu số II.06a/VPCP/KSTT": (1)
no., (2) field, received (3) in total = (4) online + (5) at the desk or by post + (6) carried
over from the previous period; finished (7) in total = (8) early + (9) on time + (10) late; open at
the period's end (11) in total = (12) within time + (13) overdue. Each number is a figure of
`figures.FIGURES` (through `period_report.period_report`), so the page, the API and the
dashboard's drill-down lists agree.

The same filters as the dashboard (period preset or dates dd/mm/yyyy, unit, field) and the same
access: officials the city, a leader their units (another unit: 404), anyone else 403. The PDF is
drawn by the printed forms' machinery (`applications.documents.html_to_pdf`, WeasyPrint, no
network), A4 landscape.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.documents import html_to_pdf
from applications.documents.common import _place
from portal.core.errors import DomainError, NotFound
from portal.core.exports import InvalidFormat
from portal.core.time import VN_TZ
from portal.dashboard import period_report, stats
from portal.dashboard.filters import PRESETS, Filters, _month_end, parse_filters
from procedures.models import Field, Unit
from procedures.models.units import UnitKind

FORM_CODE = "II.06a/VPCP/KSTT"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
# The filters the form takes: a period, a unit and a field (no channel: the form splits them).
PARAMS = ("period", "from", "to", "unit", "field")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_name(first: date, last: date) -> str:
    """The reporting period as the form names it: a month, quarter, half-year or year when the
    dates are exactly one; otherwise only the dates (shown beside it anyway)."""
    whole_months = first.day == 1 and last == _month_end(last) and first.year == last.year
    months = last.month - first.month + 1
    if whole_months and months == 1:
        return _("Month %(month)02d/%(year)s") % {"month": first.month, "year": first.year}
    if whole_months and months == 3 and first.month % 3 == 1:
        quarter = ROMAN[(first.month + 2) // 3]
        return _("Quarter %(quarter)s/%(year)s") % {"quarter": quarter, "year": first.year}
    if whole_months and months == 6 and first.month in (1, 7):
        if first.month == 1:
            return _("First half of %(year)s") % {"year": first.year}
        return _("Second half of %(year)s") % {"year": first.year}
    if whole_months and months == 12:
        return _("Year %(year)s") % {"year": first.year}
    return _("From %(first)s to %(last)s") % {
        "first": f"{first:%d/%m/%Y}",
        "last": f"{last:%d/%m/%Y}",
    }


def form_row(values: dict) -> list[int]:
    """Columns (3) to (13) of one line, from the API's columns."""
    in_progress = values["in_progress_on_time"] + values["in_progress_late"]
    finished = values["finished_early"] + values["finished_on_time"] + values["finished_late"]
    return [
        values["received"] + values["carried_over"],
        values["received_online"],
        values["received_desk"] + values["received_post"],
        values["carried_over"],
        finished,
        values["finished_early"],
        values["finished_on_time"],
        values["finished_late"],
        in_progress,
        values["in_progress_on_time"],
        values["in_progress_late"],
    ]


def _reporting_unit(user, filters: Filters) -> Unit | None:
    """The unit chosen; else the city for an official, or a leader's one unit; None for a
    leader of several units who chose none."""
    if filters.query.unit is not None:
        return filters.query.unit
    if stats.scope_units(user) is None:
        return Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code").first()
    units = list(stats.units_for(user)[:2])
    return units[0] if len(units) == 1 else None


def _units(user, unit: Unit | None) -> tuple[str, str]:
    """Who reports, and to whom: a unit reports to the one above it (the city); the whole city
    has no unit above it in MotCua, so that line is left for the hand."""
    if unit is not None:
        above = unit.parent
        return f"Ủy ban nhân dân {unit.name_vi}", (
            f"Ủy ban nhân dân {above.name_vi}" if above else ""
        )
    return ", ".join(u.name_vi for u in stats.units_for(user)), ""


def report_context(*, user, filters: Filters, now=None) -> dict:
    """What both the page and the PDF print."""
    now = now or timezone.now()
    frame = stats.frame_for(user=user, filters=filters, now=now)
    report = period_report.period_report(frame, filters.query)
    unit = _reporting_unit(user, filters)
    reporter, receiver = _units(user, unit)
    first, last = filters.query.start, filters.query.end
    return {
        "form_code": FORM_CODE,
        "title": TITLE,
        "reporter": reporter,
        "receiver": receiver,
        "period_name": period_name(first, last),
        "first": first,
        "last": last,
        "field": filters.query.field,
        "rows": [
            {"no": index, "name": row["name"], "cells": form_row(row)}
            for index, row in enumerate(report["rows"], 1)
        ],
        "total": form_row(report["total"]),
        "numbers": range(1, 14),
        "place": _place(unit) if unit is not None else "",
        "today": timezone.localtime(now, VN_TZ).date(),
        "at": frame.at,
    }


def _filters(request) -> Filters:
    params = {name: request.GET.get(name, "") for name in PARAMS}
    return parse_filters(params)


@login_required
def period_report_page(request):
    if not stats.may_read(request.user):
        raise PermissionDenied
    fmt = (request.GET.get("format") or "").strip()
    try:
        if fmt not in ("", "html", "pdf"):
            raise InvalidFormat(_("format must be html or pdf."))
        filters = _filters(request)
        context = report_context(user=request.user, filters=filters)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return render(request, "dashboard/bad_input.html", {"error": exc.message}, status=400)
    if fmt == "pdf":
        content = html_to_pdf(render_to_string("dashboard/ii06a_pdf.html", context, request))
        unit = filters.query.unit.code if filters.query.unit else "thanh-pho"
        name = f"bao-cao-ii06a-{unit}-{filters.query.start:%Y%m%d}-{filters.query.end:%Y%m%d}.pdf"
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    api_params = {"from": f"{filters.query.start:%Y-%m-%d}", "to": f"{filters.query.end:%Y-%m-%d}"}
    if filters.query.unit is not None:
        api_params["unit"] = filters.query.unit.code
    return render(
        request,
        "dashboard/period_report.html",
        {
            **context,
            "kind": "period_report",
            "filters": filters,
            "params": filters.urlencode(),
            "api_params": "&".join(f"{k}={v}" for k, v in api_params.items()),
            "presets": PRESETS,
            "units": list(stats.units_for(request.user)),
            "fields": Field.objects.order_by("name_vi"),
            "whole_city": stats.scope_units(request.user) is None,
        },
    )
