"""Queue tickets at the one-stop desk: take a number, be called to a counter, be served.

Writes first (keyword-only, one transaction each, rows locked), then the reads the kiosk, the
display and the counter page use, scoped to who asks; the sub-domain is small enough for one
module.

Two rules carry the weight:
- numbers run from 1 each day per unit without gaps or duplicates: the kernel's counter row is
  locked inside the issuing transaction, as `allocate_code` does for dossier codes;
- two clerks pressing "call next" at once never get the same resident: the waiting row is taken
  with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so the second clerk skips the row the
  first one holds and takes the next.
"""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from applications.models import (
    Dossier,
    QueueTicket,
    ServiceCounter,
    TicketState,
)
from applications.selectors.tickets import (
    _check_counter,
    _current,
    _servable,
    kiosk_fields,
)
from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, ErrorCode
from portal.core.sequences import QUEUE_TICKET, next_number
from portal.core.throttling import hit
from procedures.models import Field, Unit


class NoCounterForField(DomainError):
    code = ErrorCode.NO_COUNTER


class TicketConflict(Conflict):
    code = ErrorCode.TICKET_CONFLICT


# --- Access -----------------------------------------------------------------------------------


class KioskBusy(DomainError):
    code = ErrorCode.KIOSK_BUSY
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
    return next_number(QUEUE_TICKET, unit_id=unit.pk, day=day)


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
