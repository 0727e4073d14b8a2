"""When the kiosk gives numbers: within the unit's opening hours on its working days (issue 13).

The hours are the unit's working periods (procedures' Unit: morning and afternoon), and the days
the working-day calendar's (public holidays off, make-up Saturdays on). A number taken before
opening or after closing would only be called the next day, or never.
"""

import os
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Unit
from procedures.services import working_calendar

FALSE = ("0", "false", "no", "off")


def kiosk_open(unit: Unit, now: datetime | None = None) -> bool:
    """True when a resident may take a number at this unit now."""
    configured = os.environ.get("KIOSK_OPENING_HOURS_ONLY", "true").lower() not in FALSE
    if not getattr(settings, "KIOSK_OPENING_HOURS_ONLY", configured):
        return True
    moment = timezone.localtime(now or timezone.now())
    if not working_calendar(unit).is_working_day(moment.date()):
        return False
    return any(start <= moment.time() < end for start, end in unit.work_periods)


def closed_message(unit: Unit) -> str:
    """What the kiosk says outside the hours, with the hours."""
    return _(
        "The centre is closed now: numbers are given on working days, %(a)s to %(b)s and "
        "%(c)s to %(d)s. Please come back then."
    ) % {
        "a": unit.morning_start.strftime("%H:%M"),
        "b": unit.morning_end.strftime("%H:%M"),
        "c": unit.afternoon_start.strftime("%H:%M"),
        "d": unit.afternoon_end.strftime("%H:%M"),
    }
