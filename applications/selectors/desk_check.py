"""The desk's own deadline (issue 11, item 1): an online dossier waits for the desk's check
(receive, ask for a supplement, or refuse) for at most `deadlines.desk_check_hours()` working
hours after its submission, normalised. The dashboard shows the dossiers waiting longer.

The clock of the dossier itself runs from its submission whatever the desk does
(`deadlines.receipt_moment`): a slow desk eats the office's own time.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from applications import deadlines
from applications.models import Channel, Dossier, State
from procedures.models import Unit
from procedures.services import working_calendar


def waiting_for_desk(units: Iterable[Unit] | None = None) -> QuerySet[Dossier]:
    """Online dossiers not yet checked by the desk of `units` (all units when None)."""
    dossiers = Dossier.objects.filter(state=State.SUBMITTED, channel=Channel.ONLINE)
    if units is not None:
        dossiers = dossiers.filter(receiving_unit__in=list(units))
    return dossiers


def waiting_for_desk_overdue(units: Iterable[Unit] | None, at: datetime) -> QuerySet[Dossier]:
    """The online dossiers of `units` whose desk check was due at or before `at` and is not
    done (still `submitted`), in submission order. Each unit's own working calendar."""
    calendars = {}
    late = []
    rows = waiting_for_desk(units).filter(submitted_at__lte=at)
    for pk, submitted_at, unit in rows.values_list("pk", "submitted_at", "receiving_unit"):
        if submitted_at is None:  # excluded by the filter; the column itself is nullable
            continue
        if unit not in calendars:
            calendars[unit] = working_calendar(Unit.objects.get(pk=unit))
        if deadlines.desk_check_due(calendars[unit], submitted_at) <= at:
            late.append(pk)
    return Dossier.objects.filter(pk__in=late).order_by("submitted_at", "id")
