"""Queue tickets at the one-stop desk: take a number, be called to a counter, be served.

Writes first (keyword-only, one transaction each, rows locked), then the reads the kiosk, the
display and the counter page use, scoped to who asks; the sub-domain is small enough for one
module.

Two rules carry the weight:
- numbers run from 1 each day per unit without gaps or duplicates: the `TicketCounter` row is
  locked inside the issuing transaction, as `allocate_code` does for dossier codes;
- two clerks pressing "call next" at once never get the same resident: the waiting row is taken
  with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so the second clerk skips the row the
  first one holds and takes the next.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from applications import access
from applications.models import (
    Dossier,
    QueueTicket,
    ServiceCounter,
    TicketCounter,
    TicketState,
)
from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from portal.core.sequences import next_number
from portal.core.throttling import hit
from procedures.models import Field, Unit

OPEN_TICKET_STATES = (TicketState.CALLED, TicketState.SERVING)


class NoCounterForField(DomainError):
    code = "no_counter"


class TicketConflict(Conflict):
    code = "ticket_conflict"


# --- Access -----------------------------------------------------------------------------------


def _check_counter(actor: User, counter: ServiceCounter) -> None:
    if not access.may_work_counter(actor, counter):
        raise PermissionDenied(_("Only the desk of this unit works its counters."))


# --- Which counter serves which ticket -------------------------------------------------------


def _servable(tickets: QuerySet[QueueTicket], counter: ServiceCounter) -> QuerySet[QueueTicket]:
    """A counter with no fields serves everyone; a counter with fields serves those fields.
    Tickets for "another matter" (no field) go to the counters of every field."""
    field_ids = list(counter.fields.values_list("pk", flat=True))
    if not field_ids:
        return tickets
    return tickets.filter(field_id__in=field_ids)


def kiosk_fields(unit: Unit) -> tuple[list[Field], bool]:
    """The fields a resident may take a number for now, and whether "another matter" is
    offered: what the unit's open counters serve, the busiest fields first."""
    counters = list(
        ServiceCounter.objects.filter(unit=unit, is_open=True).prefetch_related("fields")
    )
    if not counters:
        return [], False
    general = any(not c.fields.all() for c in counters)
    fields = Field.objects.all()
    if not general:
        fields = fields.filter(service_counters__in=counters)
    fields = fields.filter(procedures__isnull=False).annotate(n=Count("procedures", distinct=True))
    return sorted(fields, key=lambda f: (-f.n, f.name_vi)), general


class KioskBusy(DomainError):
    code = "kiosk_busy"
    status = 429


def kiosk_check_rate(unit: Unit) -> None:
    """The kiosk page is public: a script could print tickets without end and bury the real
    queue. Each unit's kiosk issues at most `KIOSK_TICKETS_PER_MINUTE` a minute, counted in the
    shared cache whatever the address; far above what a queue of residents takes."""
    wait = hit("kiosk", unit.code, limit=settings.KIOSK_TICKETS_PER_MINUTE, window=60)
    if wait:
        raise KioskBusy(
            _(
                "Too many numbers were taken at this kiosk in the last minute. "
                "Please wait %(seconds)s seconds and press again."
            )
            % {"seconds": wait},
            extra={"retry_after": wait},
        )


# --- Writes ----------------------------------------------------------------------------------


def _next_number(*, unit: Unit, day: date) -> int:
    """Locked inside the caller's transaction: a rolled-back ticket gives its number back."""
    return next_number(TicketCounter, unit=unit, day=day)


@transaction.atomic
def ticket_issue(*, unit: Unit, field: Field | None) -> QueueTicket:
    """A resident takes a number at the kiosk for a field (or "another matter")."""
    fields, general = kiosk_fields(unit)
    offered = general if field is None else field in fields
    if not offered:
        raise NoCounterForField(_("No open counter serves this now. Please ask at the desk."))
    now = timezone.now()
    day = timezone.localdate(now)
    return QueueTicket.objects.create(
        unit=unit, day=day, number=_next_number(unit=unit, day=day), field=field, issued_at=now
    )


def _lock_counter(counter: ServiceCounter) -> ServiceCounter:
    return ServiceCounter.objects.select_for_update().get(pk=counter.pk)


def _current(counter: ServiceCounter) -> QueueTicket | None:
    return (
        QueueTicket.objects.filter(counter=counter, state__in=OPEN_TICKET_STATES)
        .order_by("-announced_at")
        .first()
    )


@transaction.atomic
def ticket_call_next(*, counter: ServiceCounter, clerk: User) -> QueueTicket | None:
    """Call the lowest waiting number of today that this counter serves; None when nobody
    waits. The counter row is locked first, so one counter never has two residents called;
    the ticket row is taken with SKIP LOCKED, so two counters never call the same resident."""
    _check_counter(clerk, counter)
    counter = _lock_counter(counter)
    if not counter.is_open:
        raise TicketConflict(_("This counter is closed. Open it first."))
    current = _current(counter)
    if current is not None:
        raise TicketConflict(
            _("Number %(number)s is still at this counter: mark it done or not come first.")
            % {"number": current.number},
            extra={"ticket": current.pk},
        )
    now = timezone.now()
    waiting = _servable(
        QueueTicket.objects.filter(
            unit_id=counter.unit_id, day=timezone.localdate(now), state=TicketState.WAITING
        ),
        counter,
    )
    ticket = (
        waiting.order_by("number")
        .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
        .first()
    )
    if ticket is None:
        return None
    ticket.call()
    ticket.counter = counter
    ticket.called_at = ticket.announced_at = now
    ticket.called_by = clerk
    ticket.save(update_fields=["state", "counter", "called_at", "announced_at", "called_by"])
    return ticket


def _act_on(ticket: QueueTicket, counter: ServiceCounter, actor: User, action: str) -> QueueTicket:
    """Lock the ticket, check it is this counter's and that the step is allowed now."""
    _check_counter(actor, counter)
    locked = QueueTicket.objects.select_for_update().get(pk=ticket.pk)
    if locked.counter_id != counter.pk:
        raise TicketConflict(_("This number is not at your counter."))
    method = getattr(locked, action)
    if not can_proceed(method):
        raise TicketConflict(
            _("Number %(number)s is already “%(state)s”.")
            % {"number": locked.number, "state": locked.get_state_display()},
            extra={"state": locked.state},
        )
    method()
    return locked


@transaction.atomic
def ticket_recall(*, ticket: QueueTicket, counter: ServiceCounter, clerk: User) -> QueueTicket:
    """Announce the number again; the recorded wait does not change."""
    ticket = _act_on(ticket, counter, clerk, "recall")
    ticket.announced_at = timezone.now()
    ticket.recalls += 1
    ticket.save(update_fields=["state", "announced_at", "recalls"])
    return ticket


@transaction.atomic
def ticket_serve(*, ticket: QueueTicket, counter: ServiceCounter, clerk: User) -> QueueTicket:
    """The resident reached the counter."""
    ticket = _act_on(ticket, counter, clerk, "serve")
    ticket.served_at = timezone.now()
    ticket.save(update_fields=["state", "served_at"])
    return ticket


@transaction.atomic
def ticket_done(
    *, ticket: QueueTicket, counter: ServiceCounter, clerk: User, dossier: Dossier | None = None
) -> QueueTicket:
    """Served; optionally linked to the dossier received from the resident, which must be one
    the clerk's unit received or handles."""
    ticket = _act_on(ticket, counter, clerk, "finish")
    if dossier is not None:
        if ticket.unit_id not in (dossier.receiving_unit_id, dossier.handling_unit_id):
            raise TicketConflict(_("This dossier was not received by this unit."))
        ticket.dossier = dossier
    now = timezone.now()
    ticket.served_at = ticket.served_at or now
    ticket.closed_at = now
    ticket.save(update_fields=["state", "served_at", "closed_at", "dossier"])
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: QueueTicket, counter: ServiceCounter, clerk: User) -> QueueTicket:
    """Called and did not come: the counter is free for the next number."""
    ticket = _act_on(ticket, counter, clerk, "no_show")
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["state", "closed_at"])
    return ticket


@transaction.atomic
def counter_set_open(*, counter: ServiceCounter, clerk: User, is_open: bool) -> ServiceCounter:
    """Open or close a counter; a counter with a resident at it closes only once free."""
    _check_counter(clerk, counter)
    counter = _lock_counter(counter)
    if not is_open and _current(counter) is not None:
        raise TicketConflict(_("Finish the number at this counter before closing it."))
    counter.is_open = is_open
    counter.save(update_fields=["is_open"])
    return counter


# --- Reads -----------------------------------------------------------------------------------


def public_unit(code: str) -> Unit:
    """A ward or commune with counters, for the public kiosk and display; 404 otherwise."""
    unit = Unit.objects.filter(code=code, service_counters__isnull=False).distinct().first()
    if unit is None or not unit.is_commune_level:
        raise NotFound()
    return unit


def today_tickets(unit: Unit) -> QuerySet[QueueTicket]:
    return QueueTicket.objects.filter(unit=unit, day=timezone.localdate())


def people_ahead(ticket: QueueTicket) -> int:
    """Residents who took a number earlier today for the same service and still wait."""
    if ticket.state != TicketState.WAITING:
        return 0
    same = Q(field__isnull=True) if ticket.field_id is None else Q(field_id=ticket.field_id)
    return (
        QueueTicket.objects.filter(
            unit_id=ticket.unit_id,
            day=ticket.day,
            state=TicketState.WAITING,
            number__lt=ticket.number,
        )
        .filter(same)
        .count()
    )


def kiosk_ticket(*, unit: Unit, pk: int) -> QueueTicket:
    """Today's ticket of this unit for the printable page; 404 for any other."""
    ticket = today_tickets(unit).select_related("field").filter(pk=pk).first()
    if ticket is None:
        raise NotFound()
    return ticket


@dataclass(frozen=True)
class CounterBoard:
    counter: ServiceCounter
    ticket: QueueTicket | None


def display_board(unit: Unit, *, recent: int = 6) -> tuple[list[CounterBoard], list[QueueTicket]]:
    """Per open counter, the number it called last today; and the last calls, newest first."""
    counters = list(ServiceCounter.objects.filter(unit=unit, is_open=True))
    called = (
        today_tickets(unit)
        .filter(announced_at__isnull=False)
        .select_related("counter")
        .order_by("-announced_at", "-id")
    )
    last = {}
    for counter in counters:
        last[counter.pk] = called.filter(counter=counter).first()
    board = [CounterBoard(counter=c, ticket=last[c.pk]) for c in counters]
    return board, list(called[:recent])


@dataclass(frozen=True)
class WaitStats:
    issued: int
    waiting: int
    called: int
    average: timedelta | None
    p90: timedelta | None


def wait_stats(unit: Unit, day: date | None = None) -> WaitStats:
    """Waits of the day (number taken to first call): average and 90th percentile, the
    nearest-rank percentile so it is a wait someone actually had."""
    day = day or timezone.localdate()
    tickets = QueueTicket.objects.filter(unit=unit, day=day)
    waits = sorted(
        called - issued
        for issued, called in tickets.filter(called_at__isnull=False).values_list(
            "issued_at", "called_at"
        )
    )
    average = sum(waits, timedelta()) / len(waits) if waits else None
    p90 = waits[ceil(0.9 * len(waits)) - 1] if waits else None
    return WaitStats(
        issued=tickets.count(),
        waiting=tickets.filter(state=TicketState.WAITING).count(),
        called=len(waits),
        average=average,
        p90=p90,
    )


def counters_for(user: User) -> QuerySet[ServiceCounter]:
    """The counters this user may work, across their units."""
    return (
        ServiceCounter.objects.filter(unit_id__in=access.counter_units(user))
        .select_related("unit")
        .prefetch_related("fields")
    )


def counter_get(*, user: User, pk: int) -> ServiceCounter:
    """A counter exists for everyone (it is on the public display); working it is for the
    unit's desk: 404 for an unknown one, 403 for another unit's."""
    counter = ServiceCounter.objects.select_related("unit").filter(pk=pk).first()
    if counter is None:
        raise NotFound()
    _check_counter(user, counter)
    return counter


def counter_ticket(*, user: User, counter: ServiceCounter, pk: int) -> QueueTicket:
    """A ticket of the counter's unit; another unit's tickets do not exist for this user."""
    ticket = QueueTicket.objects.filter(pk=pk, unit_id__in=access.counter_units(user)).first()
    if ticket is None or ticket.unit_id != counter.unit_id:
        raise NotFound()
    return ticket


def waiting_for(counter: ServiceCounter) -> int:
    """How many of today's waiting residents this counter could call."""
    return _servable(today_tickets(counter.unit).filter(state=TicketState.WAITING), counter).count()


def current_ticket(counter: ServiceCounter) -> QueueTicket | None:
    return _current(counter)
