"""Working time for processing deadlines (pure Python, no Django).

* `national`: Vietnam's calendar data, the `holidays` package for the Labour Code's holidays and
  `procedures/data/calendar_vn.toml` for the government's yearly swaps (the one source of them);
* `rules`: processing-time units, default hours, limits and input checks;
* `calendar`: `WorkingCalendar`, the arithmetic (normalised receipt, due moments, clock stops).
"""

from datetime import date, datetime

from portal.core.time import VN_TZ
from procedures.workingtime.calendar import WorkingCalendar
from procedures.workingtime.national import NationalCalendar, national_calendar
from procedures.workingtime.rules import (
    DEFAULT_CUTOFF,
    DEFAULT_PERIODS,
    MAX_CALENDAR_DAYS,
    MAX_WORKING_DAYS,
    MAX_WORKING_HOURS,
    ProcessingUnit,
)

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_PERIODS",
    "MAX_CALENDAR_DAYS",
    "MAX_WORKING_DAYS",
    "MAX_WORKING_HOURS",
    "VN_TZ",
    "NationalCalendar",
    "ProcessingUnit",
    "WorkingCalendar",
    "is_provisional",
    "national_calendar",
]


def is_provisional(moment: date | datetime | None) -> bool:
    """Whether `moment` falls in a year with no government holiday decision yet.

    Such a year's days off come from the Labour Code alone (the government has not yet published
    its swaps): a due moment in it may still move. None (no due moment) is not provisional.
    """
    if moment is None:
        return False
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"Naive datetime {moment.isoformat()}: give a timezone-aware one.")
        moment = moment.astimezone(VN_TZ).date()
    return national_calendar().is_provisional(moment.year)
