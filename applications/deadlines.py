"""Deadline policy of dossiers, in one place: the appointment, the clock's restart after a stop,
the reminder's lead time, the apology's date rule, the supplement limit and the working time a
dossier took.

Pure functions over a procedure version and a unit's working calendar (procedures/workingtime/);
services and timers read the database and call them. DESIGN.md, "Dossiers"; Decree 118/2025 and
Circular 03/2025 (forms 01, 02, 04).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import InvalidDossier, InvalidTransition

# An appointment set by hand (a procedure without a published time, an apology's new date) lies
# within a year of the moment it follows.
MAX_APPOINTMENT = timedelta(days=366)
# The working day of a unit by default (07:00-11:30 and 13:30-17:00).
WORKING_DAY = timedelta(hours=8)
# A working day before the due moment may be many calendar days before it (Tết is 9 days off).
REMINDER_HORIZON = timedelta(days=14)


def appointment(version, calendar, received_at: datetime, due_at: datetime | None) -> datetime:
    """Form 01: the due moment from the procedure version; the desk sets it where no time is
    published."""
    if version.has_processing_time:
        return calendar.due_at(
            received_at,
            unit=version.processing_unit,
            amount=version.processing_amount,
            cutoff=version.cutoff,
        )
    if due_at is None:
        raise InvalidDossier(
            _("This procedure has no published processing time: give the appointment date."),
            code="appointment_required",
        )
    if not received_at < due_at <= received_at + MAX_APPOINTMENT:
        raise InvalidDossier(_("The appointment must be after the receipt and within a year."))
    return due_at


def restart_policy(version) -> str:
    """`resume` (the default: the due moment moves by the time the clock stood still) or
    `restart` (the procedure's own law: the full time runs again)."""
    return version.clock_policy if version.has_processing_time else "resume"


def due_after_stop(
    version, calendar, *, due_at: datetime, stopped_at: datetime, now: datetime
) -> datetime:
    """The due moment once a stopped clock runs again, by the procedure's policy."""
    if restart_policy(version) == "restart":
        return calendar.restart_due(
            now, version.processing_unit, version.processing_amount, version.cutoff
        )
    return calendar.resume_due(old_due=due_at, stopped_at=stopped_at, resumed_at=now)


def working_seconds(
    calendar, received_at: datetime | None, resolved_at: datetime | None
) -> int | None:
    """The working time from reception to result, in whole seconds, in the handling unit's
    calendar (working days and hours, public holidays and swaps), as the result is issued: the
    dashboard's average working time sums it (`Dossier.working_seconds`). None when either
    moment is missing or the result is dated before the reception."""
    if received_at is None or resolved_at is None or resolved_at < received_at:
        return None
    return int(calendar.working_time_between(received_at, resolved_at).total_seconds())


def check_apology(
    *,
    due_at: datetime | None,
    apology_due_at: datetime | None,
    new_due_at: datetime | None,
    now: datetime,
    state: str,
) -> None:
    """Form 04: issued before the due moment, the new date set once, after the current one and
    within a year. The dossier still counts against its first appointment."""
    if apology_due_at is not None:
        raise InvalidTransition(
            _("The new appointment has already been set once."), extra={"state": state}
        )
    if due_at is None or now >= due_at:
        raise InvalidTransition(
            _("The apology must be issued before the due moment."), extra={"state": state}
        )
    if new_due_at is None or new_due_at <= due_at or new_due_at > due_at + MAX_APPOINTMENT:
        raise InvalidDossier(
            _("The new appointment must be after the current one and within a year.")
        )


def reminder_lead(total: timedelta) -> timedelta:
    """A working day before the due moment; a quarter of the time for procedures shorter than
    four working days, so a same-day certification is not 'due soon' the moment it arrives."""
    return min(WORKING_DAY, total / 4)


def proposed_apology_due(due_at: datetime, total: timedelta, calendar) -> datetime:
    """The new date suggested for form 04: half the processing time again, at least a day."""
    return calendar.add_working_hours(due_at, max(WORKING_DAY, total / 2))


def supplement_limit_days() -> int:
    """Working days a citizen has to answer a supplement request (form 02) before the office
    is told; `MOTCUA_SUPPLEMENT_LIMIT_WORKING_DAYS`."""
    return settings.MOTCUA_SUPPLEMENT_LIMIT_WORKING_DAYS


def supplement_limit(*, started_at: datetime, deadline: datetime | None, calendar) -> datetime:
    """The request's own deadline, else the configured number of working days after it."""
    if deadline is not None:
        return deadline
    return calendar.add_working_days(started_at, supplement_limit_days())


# --- Receipt and the desk's own check (issue 11, item 1) ---------------------------------------


def receipt_moment(calendar, *, channel: str, submitted_at: datetime | None, now: datetime):
    """When the clock starts. LEGAL.md, "Reception and processing": a dossier submitted online
    at any hour "is received at the start of the next working time"; the desk's check comes
    after and does not move it. A dossier handed in at the desk or by post is received when the
    desk takes it (normalised the same way)."""
    if channel == "online" and submitted_at is not None:
        return calendar.normalise(min(submitted_at, now))
    return calendar.normalise(now)


# A local setting, not a statute: one working day.
DESK_CHECK_WORKING_HOURS = 8


def desk_check_hours() -> int:
    """Working hours the desk has to check an online dossier (receive it, ask for a supplement
    or refuse it); `MOTCUA_DESK_CHECK_WORKING_HOURS`. A local setting: LEGAL.md gives no figure
    (the common practice is within the working day, 8 working hours)."""
    return getattr(settings, "MOTCUA_DESK_CHECK_WORKING_HOURS", DESK_CHECK_WORKING_HOURS)


def desk_check_due(calendar, submitted_at: datetime) -> datetime:
    """The moment the desk's check of an online dossier is due."""
    return calendar.add_working_hours(calendar.normalise(submitted_at), desk_check_hours())


# Transfers between offices (LEGAL.md, "Reception and processing").
TRANSFER_CUTOFF = time(15, 0)


def transfer_handover_by(calendar, now: datetime) -> datetime:
    """LEGAL.md: "Transfers between offices: same day, or the start of the next working day if
    after 15:00": the end of today's working day, or the next working day's opening."""
    moment = calendar.normalise(now)
    local = timezone.localtime(moment)
    if local.time() <= TRANSFER_CUTOFF:
        return calendar.end_of_working_day(local.date())
    return calendar.normalise(calendar.end_of_working_day(local.date()))
