"""Report pages: residents report, follow and rate; the ward's staff pick up and answer.

Thin: forms parse, services decide, selectors read within the user's scope. Every page works
without JavaScript. Public pages never show the contact details (`selectors.public_view`).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from feedback import access, selectors, services
from feedback.forms import ActionForm, RatingForm, ReportForm, StaffFilterForm, commune_units
from feedback.map_views import map_settings
from feedback.models import ReportPhoto, State
from portal.core.errors import DomainError, NotFound
from portal.core.pages import page

SESSION_KEYS = "feedback_rating_keys"
ACTION_LABELS = {
    "submit": gettext_lazy("Sent"),
    "route": gettext_lazy("Routed to the ward by the city's triage desk"),
    "assign": gettext_lazy("Assigned"),
    "start": gettext_lazy("Handling started"),
    "resolve": gettext_lazy("Resolved"),
    "reject": gettext_lazy("Rejected"),
    "escalate": gettext_lazy("Not picked up in time: leader told"),
    "rate": gettext_lazy("Rated by the reporter"),
}


# --- Residents -------------------------------------------------------------------------------


def _browser_secret(request) -> str:
    """What only this browser holds: its CSRF secret (the cookie every form POST carries). An
    anonymous resident's submission key is bound to it, so a double click returns their report
    and someone else's copy of the key returns nothing (feedback.services.submission_sender)."""
    if request.user.is_authenticated:
        return ""
    return request.META.get("CSRF_COOKIE", "")


def _nearby(values) -> list[selectors.Nearby]:
    """ "Is this yours?" before a report with a point is sent, unless already answered."""
    if values["latitude"] is None or values["longitude"] is None or values["not_duplicate"]:
        return []
    return selectors.nearby_open(
        category=values["category"], latitude=values["latitude"], longitude=values["longitude"]
    )


def report_new(request):
    """The report form. A refused photo brings the form back with every other answer kept.

    A point near an open public report of the same category brings the form back first with
    those reports ("is this yours?"): the resident follows one, or sends theirs anyway."""
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    nearby: list[selectors.Nearby] = []
    if request.method == "POST":
        status = 400
        if form.is_valid() and (nearby := _nearby(form.cleaned_data)):
            data = request.POST.copy()
            data["not_duplicate"] = "True"
            form = ReportForm(data)
            form.is_valid()
            status = 200
        elif form.is_valid():
            values = form.cleaned_data
            try:
                report = services.report_create(
                    category=values["category"],
                    description=values["description"],
                    unit=values["unit"],
                    latitude=values["latitude"],
                    longitude=values["longitude"],
                    address=values["address"],
                    contact=services.Contact(
                        name=values["contact_name"],
                        phone=values["contact_phone"],
                        email=values["contact_email"],
                    ),
                    actor=request.user,
                    photos=form.photos(),
                    is_public=values["is_public"],
                    submission_key=values["submission_key"],
                    client_secret=_browser_secret(request),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                _remember_key(request, report.code, report.rating_key)
                return redirect("feedback:done", code=report.code)
    return render(
        request,
        "feedback/report_form.html",
        {"form": form, "photo_attempted": bool(request.FILES), "nearby": nearby, **map_settings()},
        status=status,
    )


@page()
def report_done(request, code):
    """The confirmation: the tracking code and the rating key, shown to the reporter once."""
    key = request.session.get(SESSION_KEYS, {}).get(code)
    if key is None:
        return redirect("feedback:follow", code=code)
    report = selectors.report_by_code(code=code, user=request.user, key=key)
    return render(
        request,
        "feedback/report_done.html",
        {"report": selectors.public_view(report), "key": key},
    )


def _remember_key(request, code: str, key: str) -> None:
    keys = request.session.get(SESSION_KEYS, {})
    keys[code] = key
    request.session[SESSION_KEYS] = keys


def follow_lookup(request):
    """Follow by code (GET, for a public report); a report kept off the map also needs its
    rating key, sent by POST so that it never sits in a URL or an access log."""
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("code", "").strip().upper()[:40]
    if not code:
        return redirect("feedback:new")
    key = data.get("key", "").strip().upper()[:16] if request.method == "POST" else ""
    if key:
        try:
            report = selectors.report_by_code(code=code, user=request.user, key=key)
        except NotFound:
            return render(request, "feedback/not_found.html", {"code": code}, status=404)
        _remember_key(request, report.code, report.rating_key)
    return redirect("feedback:follow", code=code)


def follow(request, code):
    """Follow a report by its code (public, no personal data) and rate the answer once. A report
    kept off the map opens for its reporter (signed in, or with its rating key) and staff."""
    key = request.session.get(SESSION_KEYS, {}).get(code, "")
    if request.method == "POST":
        key = request.POST.get("key", "").strip()[:16] or key
    try:
        report = selectors.report_by_code(code=code, user=request.user, key=key)
    except NotFound:
        return render(request, "feedback/not_found.html", {"code": code[:40]}, status=404)
    key = request.session.get(SESSION_KEYS, {}).get(report.code, "")
    form = RatingForm(request.POST or None, initial={"key": key})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_rate(
                    report=report,
                    score=form.cleaned_data["score"],
                    key=form.cleaned_data["key"] or key,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Thank you: your rating was recorded."))
                return redirect("feedback:follow", code=report.code)
        status = 400
    view = selectors.public_view(report, with_events=True)
    return render(
        request,
        "feedback/follow.html",
        {
            "report": view,
            # The ward's People's Committee seat (an address from its source, or unknown).
            "seat": selectors.unit_seat(report.unit) if report.unit.is_commune_level else None,
            "events": [(e, ACTION_LABELS.get(e.action, e.action)) for e in view.events],
            "form": form,
            "may_rate": not view.is_open and not view.rated,
            "has_key": bool(key),
        },
        status=status,
    )


# --- Ward staff ------------------------------------------------------------------------------


def _staff_or_403(user):
    if not access.is_feedback_staff(user):
        raise PermissionDenied


@login_required
def staff_list(request):
    """The reports of the user's wards (every ward for officials), the oldest target first."""
    _staff_or_403(request.user)
    form = StaffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.staff_reports(user=request.user, filters=filters)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        (r, selectors.masked_phone(r), r.state == State.NEW and r.pickup_due_at < now) for r in page
    ]
    return render(
        request,
        "feedback/staff_list.html",
        {"form": form, "page": page, "rows": rows, "total": page.paginator.count},
    )


@login_required
@page()
def staff_report(request, code):
    _staff_or_403(request.user)
    report = selectors.staff_report(user=request.user, code=code)
    staff = access.assignable_staff(report)
    events = [(e, ACTION_LABELS.get(e.action, e.action)) for e in report.events.all()]
    actions = access.available_actions(request.user, report)
    return render(
        request,
        "feedback/staff_report.html",
        {
            "report": report,
            "events": events,
            "photos": list(report.photos.all()),
            "actions": actions,
            "staff": staff,
            "late": report.state == State.NEW and report.pickup_due_at < timezone.now(),
            "units": commune_units() if "route" in actions else (),
        },
    )


@login_required
@require_POST
@page()
def staff_action(request, code, action):
    _staff_or_403(request.user)
    report = selectors.staff_report(user=request.user, code=code)
    if action not in services.ACTION_SERVICES:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the values you entered."))
        return redirect("feedback:staff_report", code=code)
    values = form.cleaned_data
    try:
        if action == "route":
            unit = commune_units().filter(code=values["unit"]).first()
            services.report_route(report=report, actor=request.user, unit=unit, note=values["note"])
        elif action == "assign":
            assignee = get_user_model().objects.filter(username=values["assignee"]).first()
            services.report_assign(
                report=report, actor=request.user, assignee=assignee, note=values["note"]
            )
        elif action == "start":
            services.report_start(report=report, actor=request.user, note=values["note"])
        elif action == "resolve":
            services.report_resolve(report=report, actor=request.user, answer=values["answer"])
        else:
            services.report_reject(report=report, actor=request.user, reason=values["reason"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("feedback:staff_report", code=code)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("feedback:staff_report", code=code)


@require_GET
@login_required
def staff_photo(request, code, pk):
    """A report's photo, to the staff who may see the report only (faces, number plates)."""
    _staff_or_403(request.user)
    photo = (
        ReportPhoto.objects.filter(
            pk=pk,
            report__code=code,
            report__in=access.visible_reports(request.user).values("pk"),
        )
        .only("file", "original_name", "content_type")
        .first()
    )
    if photo is None:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, filename=photo.original_name, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
