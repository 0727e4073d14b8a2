"""The queue's reads: which counter serves which ticket, the kiosk's fields, the public display,
the wait figures, and the counters and tickets a clerk may open (anyone else's: 404)."""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access
from applications.models import (
    QueueTicket,
    ServiceCounter,
    TicketState,
)
from portal.accounts.models import User
from portal.core.errors import NotFound, PermissionDenied
from procedures.models import Field, Unit

OPEN_TICKET_STATES = (TicketState.CALLED, TicketState.SERVING)


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
    counted = list(
        fields.filter(procedures__isnull=False).annotate(n=Count("procedures", distinct=True))
    )
    counted.sort(key=lambda f: (-f.n, f.name_vi))
    return list(counted), general  # a list of Field (lists are invariant)


def _current(counter: ServiceCounter) -> QueueTicket | None:
    return (
        QueueTicket.objects.filter(counter=counter, state__in=OPEN_TICKET_STATES)
        .order_by("-announced_at")
        .first()
    )


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
        if called is not None
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
