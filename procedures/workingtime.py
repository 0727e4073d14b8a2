"""Working-time arithmetic for processing deadlines (pure Python, no Django).

A :class:`WorkingCalendar` knows which days are worked (Monday to Friday, minus Vietnam's public
holidays and the administrator's compensatory days off, plus the administrator's make-up working
Saturdays) and which periods of a working day are worked (07:00-11:30 and 13:30-17:00 by
default, configurable per unit). On top of that it computes:

* the normalised receipt moment of a dossier (:meth:`WorkingCalendar.normalise`);
* the due moment for each :class:`ProcessingUnit` (:meth:`WorkingCalendar.due_at`);
* the working time between two moments, and the two clock policies after a stop
  (:meth:`WorkingCalendar.resume_due`, :meth:`WorkingCalendar.restart_due`).

Every datetime taken or returned is timezone-aware; results are in the calendar's time zone
(Asia/Ho_Chi_Minh by default). Wall-clock arithmetic is used inside a day (Vietnam has no DST).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from numbers import Real

import holidays

from portal.core.time import VN_TZ

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_PERIODS",
    "MAX_CALENDAR_DAYS",
    "MAX_WORKING_DAYS",
    "MAX_WORKING_HOURS",
    "VN_TZ",
    "ProcessingUnit",
    "WorkingCalendar",
]

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

# Names of public holidays are shown to Vietnamese citizens.
HOLIDAY_LANGUAGE = "vi"

# Guard against a calendar with no working day at all (e.g. every day given as a day off).
_MAX_SCAN_DAYS = 3700
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)


class ProcessingUnit(StrEnum):
    """How a procedure's processing time is expressed; the values are stored in the database."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"
    CALENDAR_DAYS = "calendar_days"


def _validate_periods(periods: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
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


def _wall_length(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _as_dates(values: Iterable[date], what: str) -> frozenset[date]:
    result = set()
    for value in values:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueError(f"{what} must contain datetime.date values, got {value!r}.")
        result.add(value)
    return frozenset(result)


def _check_number(amount: object, what: str) -> Decimal:
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


def _hours_to_timedelta(hours: float | Decimal | timedelta) -> timedelta:
    if isinstance(hours, timedelta):
        delta = hours
    else:
        value = _check_number(hours, "Working hours")
        delta = timedelta(microseconds=int(value * 3_600_000_000))
    if delta < _ZERO:
        raise ValueError(f"Working time to add must not be negative, got {hours!r}.")
    return delta


class WorkingCalendar:
    """Working days and working periods of one administrative unit.

    `days_off` are compensatory days off given by the administrator, `working_days` the make-up
    working days (usually Saturdays) swapped against them. An explicit working day overrides
    everything (weekend or public holiday); an explicit day off overrides a normal weekday.
    """

    def __init__(
        self,
        *,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
        tz: tzinfo = VN_TZ,
        public_holidays: bool = True,
    ) -> None:
        self.periods: tuple[tuple[time, time], ...] = _validate_periods(periods)
        self.day_length: timedelta = sum(
            (_wall_length(start, end) for start, end in self.periods), _ZERO
        )
        if not isinstance(tz, tzinfo):
            raise ValueError(f"tz must be a tzinfo, got {tz!r}.")
        self.tz = tz
        self.days_off = _as_dates(days_off, "days_off")
        self.working_days = _as_dates(working_days, "working_days")
        self.public_holidays = public_holidays
        self._holidays_by_year: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        periods = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.periods)
        return (
            f"WorkingCalendar(periods=[{periods}], days_off={len(self.days_off)}, "
            f"working_days={len(self.working_days)}, tz={self.tz})"
        )

    # -- days -----------------------------------------------------------------------------

    def _public_holidays(self, year: int) -> dict[date, str]:
        cached = self._holidays_by_year.get(year)
        if cached is None:
            if self.public_holidays:
                # Labour Code 2019 art. 112 (Tet by the lunar calendar, Hung Kings, 30/4, 1/5,
                # 2/9 and an adjacent day), the substituted days off the package knows (e.g.
                # 2025-05-02, 2026-08-31) and Vietnam Culture Day 24/11 from 2026.
                cached = dict(holidays.Vietnam(years=year, language=HOLIDAY_LANGUAGE).items())  # type: ignore[no-untyped-call]
            else:
                cached = {}
            self._holidays_by_year[year] = cached
        return cached

    def _as_day(self, day: date) -> date:
        if isinstance(day, datetime):
            return self._local(day).date()
        if not isinstance(day, date):
            raise ValueError(f"Expected a datetime.date, got {day!r}.")
        return day

    def is_working_day(self, day: date) -> bool:
        day = self._as_day(day)
        if day in self.working_days:  # make-up working day: overrides weekend and holidays
            return True
        if day in self.days_off:
            return False
        if day.weekday() >= 5:  # Saturday, Sunday
            return False
        return day not in self._public_holidays(day.year)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name, "" for an administrator's day off, None otherwise."""
        day = self._as_day(day)
        if day in self.working_days:
            return None
        name = self._public_holidays(day.year).get(day)
        if name is not None:
            return name
        if day in self.days_off:
            return ""
        return None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day = self._as_day(day)
        for _ in range(_MAX_SCAN_DAYS):
            day += _ONE_DAY
            if self.is_working_day(day):
                return day
        raise ValueError(f"No working day within {_MAX_SCAN_DAYS} days after {day}.")

    def _first_working_day_from(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def end_of_working_day(self, day: date) -> datetime:
        """The end of the last working period of `day` (17:00 by default)."""
        return self._at(self._as_day(day), self.periods[-1][1])

    # -- moments --------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise ValueError(f"Expected a timezone-aware datetime, got {moment!r}.")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"Naive datetime {moment.isoformat()}: give a timezone-aware one.")
        return moment.astimezone(self.tz)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.tz)

    def _day_periods(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(self._at(day, start), self._at(day, end)) for start, end in self.periods]

    def is_working_time(self, moment: datetime) -> bool:
        """Whether `moment` lies inside a working period [start, end) of a working day."""
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        clock = local.time().replace(tzinfo=None)
        return any(start <= clock < end for start, end in self.periods)

    def normalise(self, moment: datetime) -> datetime:
        """The moment a dossier submitted at `moment` counts as received.

        Decree 118/2025/ND-CP and Circular 03/2025 practice: a dossier submitted outside working
        time (evening, lunch break, weekend, holiday) is received at the start of the next
        working period. A moment exactly at a period's end belongs to the next period's start.
        """
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day):
            for start, end in self._day_periods(day):
                if local < start:
                    return start
                if local < end:
                    return local
        return self._at(self.next_working_day(day), self.periods[0][0])

    # -- deadlines ------------------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float | Decimal | timedelta) -> datetime:
        """Walk `hours` of working time forward from the normalised `start`.

        A result landing exactly on a period's end stays there (e.g. 17:00), it is not rolled
        over to the next period's start.
        """
        remaining = _hours_to_timedelta(hours)
        current = self.normalise(start)
        if not remaining:
            return current
        day = current.date()
        for period_start, period_end in self._day_periods(day):
            if period_end <= current:
                continue
            begin = max(current, period_start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        # Jump whole working days, then walk the periods of the last one.
        day = self.next_working_day(day)
        while remaining > self.day_length:
            remaining -= self.day_length
            day = self.next_working_day(day)
        for period_start, period_end in self._day_periods(day):
            available = period_end - period_start
            if remaining <= available:
                return period_start + remaining
            remaining -= available
        raise AssertionError("unreachable: the last day holds the remaining time")

    def add_working_days(self, start: datetime, days: int | Decimal | float) -> datetime:
        """The same clock time `days` working days after the normalised receipt.

        Computed as `days` x the length of the working day in working hours, so a fractional
        amount (e.g. half a working day) works too.
        The due *date* must match the Civil Code's way of counting from the day after receipt
        (DESIGN.md: "a deadline of N working days runs from the working day after receipt"), so a
        result landing exactly on the close of a working day is carried to the opening of the next
        working day: a receipt at 07:00 plus one working day is due at 07:00 the next working day,
        the same working instant as 17:00 on the day of receipt.
        """
        value = _check_number(days, "Working days")
        if value < 0:
            raise ValueError(f"Working days to add must not be negative, got {days!r}.")
        day_us = self.day_length // timedelta(microseconds=1)
        due = self.add_working_hours(start, timedelta(microseconds=int(value * day_us)))
        if value > 0 and due == self.end_of_working_day(due.date()):
            due = self.normalise(due)
        return due

    def same_day_due(self, start: datetime, cutoff: time = DEFAULT_CUTOFF) -> datetime:
        """Same-day procedures (Decree 23/2015/ND-CP art. 7).

        Received (normalised) at or before `cutoff` on a working day: due at the end of that
        working day; after the cut-off: due at the end of the next working day.
        """
        received = self.normalise(start)
        if received.time().replace(tzinfo=None) <= cutoff.replace(tzinfo=None):
            return self.end_of_working_day(received.date())
        return self.end_of_working_day(self.next_working_day(received.date()))

    def add_calendar_days(self, start: datetime, days: int | Decimal) -> datetime:
        """Due at the end of the working day of (normalised receipt date + `days`).

        Civil Code 2015 art. 148: a period whose last day is a day off ends at the end of the
        next working day.
        """
        value = _check_number(days, "Calendar days")
        if value != value.to_integral_value():
            raise ValueError(f"Calendar days must be a whole number, got {days!r}.")
        if value < 0:
            raise ValueError(f"Calendar days to add must not be negative, got {days!r}.")
        received = self.normalise(start)
        last_day = received.date() + timedelta(days=int(value))
        return self.end_of_working_day(self._first_working_day_from(last_day))

    def due_at(
        self,
        start: datetime,
        *,
        unit: str,
        amount: int | float | Decimal | None,
        cutoff: time | None = None,
    ) -> datetime:
        """The due moment of a dossier submitted at `start`.

        `amount` is ignored for SAME_DAY procedures (they may store 0, 1 or nothing); for the
        other units it must be > 0 and at most 365 working days, 2920 working hours or 3650
        calendar days.
        """
        try:
            kind = ProcessingUnit(unit)
        except ValueError:
            choices = ", ".join(member.value for member in ProcessingUnit)
            raise ValueError(
                f"Unknown processing unit {unit!r}; expected one of {choices}."
            ) from None
        if kind is ProcessingUnit.SAME_DAY:
            return self.same_day_due(start, DEFAULT_CUTOFF if cutoff is None else cutoff)
        limits = {
            ProcessingUnit.WORKING_DAYS: (MAX_WORKING_DAYS, "working days"),
            ProcessingUnit.WORKING_HOURS: (MAX_WORKING_HOURS, "working hours"),
            ProcessingUnit.CALENDAR_DAYS: (MAX_CALENDAR_DAYS, "calendar days"),
        }
        limit, label = limits[kind]
        value = _check_number(amount, f"Processing time in {label}")
        if value <= 0:
            raise ValueError(f"Processing time must be positive, got {amount!r} {label}.")
        if value > limit:
            raise ValueError(
                f"Processing time of {amount} {label} exceeds the maximum of {limit} {label}."
            )
        if kind is ProcessingUnit.WORKING_DAYS:
            return self.add_working_days(start, value)
        if kind is ProcessingUnit.WORKING_HOURS:
            return self.add_working_hours(start, value)
        return self.add_calendar_days(start, value)

    # -- clocks ---------------------------------------------------------------------------

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end); zero when `end` is not after `start`."""
        begin = self._local(start)
        finish = self._local(end)
        if finish <= begin:
            return _ZERO
        total = _ZERO
        first, last = begin.date(), finish.date()
        day = first
        while day <= last:
            if self.is_working_day(day):
                if first < day < last:
                    total += self.day_length
                else:
                    for period_start, period_end in self._day_periods(day):
                        low = max(period_start, begin)
                        high = min(period_end, finish)
                        if high > low:
                            total += high - low
            day += _ONE_DAY
        return total

    def resume_due(
        self, *, old_due: datetime, stopped_at: datetime, resumed_at: datetime
    ) -> datetime:
        """Resume a stopped clock: the working time left at the stop runs on from the resume.

        The time left is `working_time_between(stopped_at, old_due)` (zero when the dossier was
        already overdue); it is added from the normalised resume moment.
        """
        if self._local(resumed_at) < self._local(stopped_at):
            raise ValueError("A clock cannot resume before it was stopped.")
        remaining = self.working_time_between(stopped_at, old_due)
        return self.add_working_hours(resumed_at, remaining)

    def restart_due(
        self,
        resumed_at: datetime,
        unit: str,
        amount: int | float | Decimal | None,
        cutoff: time | None = None,
    ) -> datetime:
        """Restart a stopped clock: the full processing time runs again from the resume."""
        return self.due_at(resumed_at, unit=unit, amount=amount, cutoff=cutoff)
