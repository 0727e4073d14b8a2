"""Queue ticket pages: the public kiosk and display of a unit, and the clerk's counter page.

Thin: they read through `applications.services.tickets` and act through its services; domain
errors become a 404, a 403, or a message on the page the user came from.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, selectors
from applications.selectors import queue_hours
from applications.selectors import tickets as ticket_reads
from applications.services import tickets
from portal.core import errors
from portal.core.pages import page
from procedures.models import Field

# How long the printed-ticket page stays before the kiosk shows its buttons again.
KIOSK_RETURN_SECONDS = 20
# The display reloads itself; no JavaScript needed on a wall screen.
DISPLAY_REFRESH_SECONDS = 10


def _minutes(wait: timedelta | None) -> int | None:
    return None if wait is None else round(wait.total_seconds() / 60)


# --- Public: kiosk and display ---------------------------------------------------------------


@page("desk:kiosk")
def kiosk(request, unit_code: str):
    """Big buttons, one per field served now; pressing one takes a number."""
    unit = ticket_reads.public_unit(unit_code)
    if request.method == "POST":
        raw = request.POST.get("field", "")
        field = None
        if raw:
            field = Field.objects.filter(pk=raw).first() if raw.isdigit() else None
            if field is None:
                messages.error(request, errors.NotFound.default_message)
                return redirect("desk:kiosk", unit_code=unit.code)
        if not queue_hours.kiosk_open(unit):  # issue 13: only within the unit's hours
            fields, general = tickets.kiosk_fields(unit)
            context = {"unit": unit, "fields": fields, "general": general}
            closed = queue_hours.closed_message(unit)
            return render(request, "tickets/kiosk.html", {**context, "closed": closed}, status=409)
        try:
            tickets.kiosk_check_rate(unit)
        except tickets.KioskBusy as busy:
            fields, general = ticket_reads.kiosk_fields(unit)
            response = render(
                request,
                "tickets/kiosk.html",
                {"unit": unit, "fields": fields, "general": general, "busy": busy.message},
                status=429,
            )
            response["Retry-After"] = str(busy.extra["retry_after"])
            return response
        ticket = tickets.ticket_issue(unit=unit, field=field)
        return redirect("desk:kiosk_ticket", unit_code=unit.code, pk=ticket.pk)
    fields, general = ticket_reads.kiosk_fields(unit)
    closed = None if queue_hours.kiosk_open(unit) else queue_hours.closed_message(unit)
    return render(
        request,
        "tickets/kiosk.html",
        {"unit": unit, "fields": fields, "general": general, "closed": closed},
    )


@page()
def kiosk_ticket(request, unit_code: str, pk: int):
    """The printable ticket: number, service, people ahead, time taken."""
    unit = ticket_reads.public_unit(unit_code)
    ticket = ticket_reads.kiosk_ticket(unit=unit, pk=pk)
    return render(
        request,
        "tickets/ticket.html",
        {
            "unit": unit,
            "ticket": ticket,
            "ahead": ticket_reads.people_ahead(ticket),
            "return_seconds": KIOSK_RETURN_SECONDS,
        },
    )


@page()
def display(request, unit_code: str):
    """The wall screen: the number each counter called last, and the last calls."""
    unit = ticket_reads.public_unit(unit_code)
    board, recent = ticket_reads.display_board(unit)
    stats = ticket_reads.wait_stats(unit)
    response = render(
        request,
        "tickets/display.html",
        {
            "unit": unit,
            "board": board,
            "recent": recent,
            "stats": stats,
            "average_minutes": _minutes(stats.average),
            "refresh_seconds": DISPLAY_REFRESH_SECONDS,
            "now": timezone.localtime(),
        },
    )
    # The header does what the page's meta refresh does, for screens that ignore it in <body>.
    response["Refresh"] = str(DISPLAY_REFRESH_SECONDS)
    return response


# --- Staff: the counter page ------------------------------------------------------------------


@login_required
def counters(request):
    """Choose the counter to work at, among the counters of the user's units."""
    if not access.counter_units(request.user):
        raise PermissionDenied
    chosen = request.session.get("desk_counter")
    available = list(ticket_reads.counters_for(request.user))
    if chosen and any(c.pk == chosen for c in available) and not request.GET.get("choose"):
        return redirect("desk:counter", pk=chosen)
    return render(request, "tickets/counters.html", {"counters": available})


def _counter(request, pk: int):
    return ticket_reads.counter_get(user=request.user, pk=pk)


@login_required
@page()
def counter(request, pk: int):
    counter = _counter(request, pk)
    request.session["desk_counter"] = counter.pk
    current = ticket_reads.current_ticket(counter)
    stats = ticket_reads.wait_stats(counter.unit)
    return render(
        request,
        "tickets/counter.html",
        {
            "counter": counter,
            "current": current,
            "current_wait": _minutes(current.wait) if current else None,
            "waiting": ticket_reads.waiting_for(counter),
            "stats": stats,
            "average_minutes": _minutes(stats.average),
            "p90_minutes": _minutes(stats.p90),
            "served_fields": list(counter.fields.all()),
        },
    )


@login_required
@require_POST
@page("desk:counter")
def counter_call(request, pk: int):
    counter = _counter(request, pk)
    ticket = tickets.ticket_call_next(counter=counter, clerk=request.user)
    if ticket is None:
        messages.info(request, _("Nobody is waiting for this counter."))
    return redirect("desk:counter", pk=counter.pk)


TICKET_ACTIONS = {
    "recall": tickets.ticket_recall,
    "serve": tickets.ticket_serve,
    "done": tickets.ticket_done,
    "no_show": tickets.ticket_no_show,
}


@login_required
@require_POST
@page("desk:counter", kwargs=["pk"])
def counter_act(request, pk: int, ticket_pk: int, action: str):
    """Recall, start serving, done (optionally with the dossier received) or not come."""
    if action not in TICKET_ACTIONS:
        raise Http404
    counter = _counter(request, pk)
    ticket = ticket_reads.counter_ticket(user=request.user, counter=counter, pk=ticket_pk)
    kwargs = {"ticket": ticket, "counter": counter, "clerk": request.user}
    code = request.POST.get("dossier", "").strip()[:40] if action == "done" else ""
    if code:
        try:
            kwargs["dossier"] = selectors.dossier_get(user=request.user, code=code)
        except errors.NotFound:
            raise tickets.TicketConflict(
                _("There is no dossier %(code)s that you may see.") % {"code": code}
            ) from None
    TICKET_ACTIONS[action](**kwargs)
    return redirect("desk:counter", pk=counter.pk)


@login_required
@require_POST
@page("desk:counter")
def counter_open(request, pk: int):
    counter = _counter(request, pk)
    tickets.counter_set_open(
        counter=counter, clerk=request.user, is_open=request.POST.get("open") == "1"
    )
    return redirect("desk:counter", pk=counter.pk)
