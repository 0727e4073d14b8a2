"""The units, defaults, limits and input checks of the working-time arithmetic (pure Python)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from numbers import Real

# Decision 188/1999/QD-TTg and the Labour Code 2019 (art. 105): a 40-hour week, Monday to
# Friday, 8 hours a day; provinces set the periods, commonly 07:00-11:30 and 13:30-17:00.
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
# Decree 23/2015/ND-CP art. 7: a certification request received before 15:00 is settled the same
# working day; one received after 15:00 is settled the next working day.
DEFAULT_CUTOFF = time(15, 0)

# Sanity limits: anything beyond these is a data-entry error, not a real processing time.
MAX_WORKING_DAYS = 365
MAX_WORKING_HOURS = 2920  # 365 working days x 8 hours
MAX_CALENDAR_DAYS = 3650

# Guard against a calendar with no working day at all (e.g. every day given as a day off).
MAX_SCAN_DAYS = 3700
ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)


class ProcessingUnit(StrEnum):
    """How a procedure's processing time is expressed; the values are stored in the database."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"
    CALENDAR_DAYS = "calendar_days"


def validate_periods(periods: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    result = tuple((start, end) for start, end in periods)
    if not result:
        raise ValueError("A working day needs at least one working period.")
    previous_end: time | None = None
    for start, end in result:
        if not isinstance(start, time) or not isinstance(end, time):
            raise ValueError(
                f"Working period ({start!r}, {end!r}) must be two datetime.time values."
            )
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("Working periods are wall-clock times; give them without tzinfo.")
        if start >= end:
            raise ValueError(f"Working period {start:%H:%M}-{end:%H:%M} must end after it starts.")
        if previous_end is not None and start < previous_end:
            raise ValueError(
                f"Working period starting {start:%H:%M} overlaps or precedes the one ending "
                f"{previous_end:%H:%M}; give periods in order, without overlap."
            )
        previous_end = end
    return result


def wall_length(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def as_dates(values: Iterable[date], what: str) -> frozenset[date]:
    result = set()
    for value in values:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueError(f"{what} must contain datetime.date values, got {value!r}.")
        result.add(value)
    return frozenset(result)


def check_number(amount: object, what: str) -> Decimal:
    """Return `amount` as a Decimal; bools, strings and non-finite numbers are refused."""
    if isinstance(amount, bool) or not isinstance(amount, Real | Decimal):
        raise ValueError(f"{what} must be a number, got {amount!r}.")
    if not isinstance(amount, Decimal) and not math.isfinite(amount):
        raise ValueError(f"{what} must be finite, got {amount!r}.")
    # float, Fraction, numpy scalars...: go through the shortest decimal repr of the float.
    value = Decimal(amount) if isinstance(amount, Decimal | int) else Decimal(repr(float(amount)))
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {amount!r}.")
    return value


def hours_to_timedelta(hours: float | Decimal | timedelta) -> timedelta:
    if isinstance(hours, timedelta):
        delta = hours
    else:
        value = check_number(hours, "Working hours")
        delta = timedelta(microseconds=int(value * 3_600_000_000))
    if delta < ZERO:
        raise ValueError(f"Working time to add must not be negative, got {hours!r}.")
    return delta
