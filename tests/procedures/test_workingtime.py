"""Table-driven tests of the working-time arithmetic (pure Python: run with `-p no:django`).

The days themselves (holidays, swaps, provisional years) are in test_national_calendar.py."""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from procedures.workingtime import (
    DEFAULT_CUTOFF,
    DEFAULT_PERIODS,
    VN_TZ,
    ProcessingUnit,
    WorkingCalendar,
)

CUSTOM_PERIODS = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def d(iso):
    return date.fromisoformat(iso)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


@pytest.fixture(scope="module")
def custom():
    return WorkingCalendar(periods=CUSTOM_PERIODS)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param("2026-02-13", "2026-02-23", id="over-tet"),
        pytest.param("2026-04-24", "2026-04-28", id="over-hung-kings-observed"),
        pytest.param("2026-04-29", "2026-05-04", id="over-30-4-and-1-5"),
        pytest.param("2026-08-21", "2026-08-22", id="to-make-up-saturday"),
        pytest.param("2026-08-28", "2026-09-03", id="over-31-8-and-national-day"),
        pytest.param("2026-11-23", "2026-11-25", id="over-culture-day"),
        pytest.param("2026-03-10", "2026-03-11", id="strictly-after"),
    ],
)
def test_next_working_day(cal, day, expected):
    assert cal.next_working_day(d(day)) == d(expected)


# -- moments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(at(2026, 3, 10, 10), at(2026, 3, 10, 10), id="inside-morning"),
        pytest.param(at(2026, 3, 10, 7), at(2026, 3, 10, 7), id="exactly-at-opening"),
        pytest.param(at(2026, 3, 10, 6), at(2026, 3, 10, 7), id="early-morning"),
        pytest.param(at(2026, 3, 10, 12), at(2026, 3, 10, 13, 30), id="lunch-break"),
        pytest.param(at(2026, 3, 10, 11, 30), at(2026, 3, 10, 13, 30), id="exactly-at-11-30"),
        pytest.param(at(2026, 3, 10, 18), at(2026, 3, 11, 7), id="evening"),
        pytest.param(at(2026, 3, 10, 23, 59), at(2026, 3, 11, 7), id="just-before-midnight"),
        pytest.param(at(2026, 3, 13, 17), at(2026, 3, 16, 7), id="friday-exactly-17-00"),
        pytest.param(at(2026, 3, 14, 9), at(2026, 3, 16, 7), id="saturday"),
        pytest.param(at(2026, 3, 15, 20), at(2026, 3, 16, 7), id="sunday-evening"),
        pytest.param(at(2026, 2, 17, 9), at(2026, 2, 23, 7), id="during-tet"),
        pytest.param(at(2026, 8, 22, 9), at(2026, 8, 22, 9), id="make-up-saturday"),
        pytest.param(datetime(2026, 3, 10, 3, 0, tzinfo=UTC), at(2026, 3, 10, 10), id="utc-input"),
    ],
)
def test_normalise(cal, moment, expected):
    result = cal.normalise(moment)
    assert result == expected
    assert result.tzinfo == VN_TZ


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(at(2026, 3, 10, 7), True, id="period-start-included"),
        pytest.param(at(2026, 3, 10, 11, 30), False, id="period-end-excluded"),
        pytest.param(at(2026, 3, 10, 12), False, id="lunch"),
        pytest.param(at(2026, 3, 10, 16, 59), True, id="afternoon"),
        pytest.param(at(2026, 3, 14, 9), False, id="saturday"),
        pytest.param(at(2026, 8, 22, 9), True, id="make-up-saturday"),
    ],
)
def test_is_working_time(cal, moment, expected):
    assert cal.is_working_time(moment) is expected


# -- deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        pytest.param(at(2026, 3, 10, 10), 1, at(2026, 3, 10, 11), id="within-morning"),
        pytest.param(at(2026, 3, 10, 11), 1, at(2026, 3, 10, 14), id="across-lunch"),
        pytest.param(at(2026, 3, 10, 10), 1.5, at(2026, 3, 10, 11, 30), id="ends-at-11-30"),
        pytest.param(at(2026, 3, 10, 16), 1, at(2026, 3, 10, 17), id="ends-at-17-00"),
        pytest.param(at(2026, 3, 10, 7), 8, at(2026, 3, 10, 17), id="whole-day-ends-at-17"),
        pytest.param(at(2026, 3, 10, 7), 16, at(2026, 3, 11, 17), id="two-days-end-at-17"),
        pytest.param(at(2026, 3, 10, 16), 2, at(2026, 3, 11, 8), id="across-days"),
        pytest.param(at(2026, 3, 13, 16), 2, at(2026, 3, 16, 8), id="across-weekend"),
        pytest.param(at(2026, 2, 13, 16), 4, at(2026, 2, 23, 10), id="across-tet"),
        pytest.param(at(2026, 3, 10, 18), 1, at(2026, 3, 11, 8), id="evening-receipt"),
        pytest.param(at(2026, 3, 10, 12), 1, at(2026, 3, 10, 14, 30), id="lunch-receipt"),
        pytest.param(at(2026, 3, 10, 10), Decimal("0.5"), at(2026, 3, 10, 10, 30), id="decimal"),
        pytest.param(
            at(2026, 3, 10, 10), timedelta(minutes=90), at(2026, 3, 10, 11, 30), id="timedelta"
        ),
        pytest.param(at(2026, 3, 10, 18), 0, at(2026, 3, 11, 7), id="zero-is-the-receipt"),
    ],
)
def test_add_working_hours(cal, start, hours, expected):
    assert cal.add_working_hours(start, hours) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        pytest.param(at(2026, 3, 13, 16, 55), 1, at(2026, 3, 16, 16, 55), id="friday-16-55"),
        pytest.param(at(2026, 2, 13, 10), 1, at(2026, 2, 23, 10), id="friday-before-tet"),
        pytest.param(at(2026, 4, 23, 10), 2, at(2026, 4, 28, 10), id="over-hung-kings"),
        pytest.param(at(2026, 4, 29, 9), 1, at(2026, 5, 4, 9), id="over-30-4-1-5"),
        pytest.param(at(2026, 8, 21, 10), 1, at(2026, 8, 22, 10), id="onto-make-up-saturday"),
        pytest.param(at(2026, 8, 28, 10), 1, at(2026, 9, 3, 10), id="over-national-day"),
        pytest.param(at(2026, 11, 23, 10), 1, at(2026, 11, 25, 10), id="over-culture-day"),
        pytest.param(at(2026, 3, 10, 10), 15, at(2026, 3, 31, 10), id="fifteen-days"),
        pytest.param(at(2026, 3, 10, 7), 1, at(2026, 3, 11, 7), id="from-07-00-due-next-morning"),
        pytest.param(at(2026, 3, 14, 10), 1, at(2026, 3, 17, 7), id="weekend-receipt"),
        pytest.param(at(2026, 3, 10, 7), Decimal("0.5"), at(2026, 3, 10, 11), id="half-a-day"),
    ],
)
def test_add_working_days(cal, start, days, expected):
    assert cal.add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "cutoff", "expected"),
    [
        pytest.param(at(2026, 3, 10, 9), DEFAULT_CUTOFF, at(2026, 3, 10, 17), id="morning"),
        pytest.param(at(2026, 3, 10, 15), DEFAULT_CUTOFF, at(2026, 3, 10, 17), id="at-cutoff"),
        pytest.param(
            at(2026, 3, 10, 15, 1), DEFAULT_CUTOFF, at(2026, 3, 11, 17), id="after-cutoff"
        ),
        pytest.param(
            at(2026, 3, 13, 15, 30), DEFAULT_CUTOFF, at(2026, 3, 16, 17), id="friday-after-cutoff"
        ),
        pytest.param(
            at(2026, 2, 13, 16), DEFAULT_CUTOFF, at(2026, 2, 23, 17), id="friday-before-tet"
        ),
        pytest.param(at(2026, 3, 14, 10), DEFAULT_CUTOFF, at(2026, 3, 16, 17), id="saturday"),
        pytest.param(at(2026, 3, 10, 12), DEFAULT_CUTOFF, at(2026, 3, 10, 17), id="lunch"),
        pytest.param(at(2026, 3, 10, 19), DEFAULT_CUTOFF, at(2026, 3, 11, 17), id="evening"),
        pytest.param(at(2026, 3, 10, 15, 30), time(16), at(2026, 3, 10, 17), id="custom-cutoff"),
    ],
)
def test_same_day_due(cal, start, cutoff, expected):
    assert cal.same_day_due(start, cutoff) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        pytest.param(at(2026, 3, 10, 10), 3, at(2026, 3, 13, 17), id="ends-friday"),
        pytest.param(at(2026, 3, 10, 10), 4, at(2026, 3, 16, 17), id="ends-saturday"),
        pytest.param(at(2026, 3, 10, 10), 5, at(2026, 3, 16, 17), id="ends-sunday"),
        pytest.param(at(2026, 2, 9, 10), 7, at(2026, 2, 23, 17), id="ends-in-tet"),
        pytest.param(at(2026, 4, 24, 10), 3, at(2026, 4, 28, 17), id="ends-hung-kings-observed"),
        pytest.param(at(2026, 11, 18, 10), 6, at(2026, 11, 25, 17), id="ends-culture-day"),
        pytest.param(at(2026, 3, 14, 10), 1, at(2026, 3, 17, 17), id="weekend-receipt"),
    ],
)
def test_add_calendar_days(cal, start, days, expected):
    assert cal.add_calendar_days(start, days) == expected


@pytest.mark.parametrize(
    ("unit", "amount", "expected"),
    [
        pytest.param(ProcessingUnit.WORKING_DAYS, 1, at(2026, 3, 16, 16, 55), id="working-days"),
        pytest.param("working_days", Decimal("1"), at(2026, 3, 16, 16, 55), id="db-string"),
        pytest.param(ProcessingUnit.WORKING_HOURS, 4, at(2026, 3, 16, 10, 55), id="hours"),
        pytest.param(ProcessingUnit.SAME_DAY, None, at(2026, 3, 16, 17), id="same-day"),
        pytest.param(ProcessingUnit.CALENDAR_DAYS, 2, at(2026, 3, 16, 17), id="calendar-days"),
        pytest.param(ProcessingUnit.WORKING_DAYS, 365, at(2027, 8, 27, 16, 55), id="max-days"),
        pytest.param(ProcessingUnit.WORKING_HOURS, 2920, at(2027, 8, 27, 16, 55), id="max-hours"),
    ],
)
def test_due_at_dispatches_on_unit(cal, unit, amount, expected):
    assert cal.due_at(at(2026, 3, 13, 16, 55), unit=unit, amount=amount) == expected


def test_due_at_same_day_uses_given_cutoff(cal):
    start = at(2026, 3, 10, 15, 30)
    assert cal.due_at(start, unit="same_day", amount=1) == at(2026, 3, 11, 17)
    assert cal.due_at(start, unit="same_day", amount=1, cutoff=time(16)) == at(2026, 3, 10, 17)


def test_calendar_days_up_to_ten_years_are_accepted(cal):
    assert cal.due_at(at(2026, 3, 10, 10), unit="calendar_days", amount=3650).year == 2036


@pytest.mark.parametrize(
    ("start", "method", "amount", "expected"),
    [
        pytest.param(at(2026, 3, 10, 7, 15), "normalise", None, at(2026, 3, 10, 7, 30), id="7-15"),
        pytest.param(at(2026, 3, 10, 12), "normalise", None, at(2026, 3, 10, 13), id="lunch"),
        pytest.param(at(2026, 3, 10, 11, 30), "normalise", None, at(2026, 3, 10, 13), id="11-30"),
        pytest.param(at(2026, 3, 10, 11), "hours", 1, at(2026, 3, 10, 13, 30), id="across-lunch"),
        pytest.param(at(2026, 3, 13, 16, 55), "days", 1, at(2026, 3, 16, 16, 55), id="friday"),
        pytest.param(at(2026, 3, 10, 9), "same_day", None, at(2026, 3, 10, 17), id="same-day"),
    ],
)
def test_custom_unit_periods(custom, start, method, amount, expected):
    assert custom.day_length == timedelta(hours=8)
    calls = {
        "normalise": lambda: custom.normalise(start),
        "hours": lambda: custom.add_working_hours(start, amount),
        "days": lambda: custom.add_working_days(start, amount),
        "same_day": lambda: custom.same_day_due(start),
    }
    assert calls[method]() == expected


def test_short_working_day_scales_working_days():
    cal = WorkingCalendar(periods=[(time(8), time(12))])
    assert cal.day_length == timedelta(hours=4)
    assert cal.add_working_days(at(2026, 3, 10, 10), 1) == at(2026, 3, 11, 10)
    assert cal.end_of_working_day(d("2026-03-10")) == at(2026, 3, 10, 12)


def test_defaults(cal):
    assert cal.periods == DEFAULT_PERIODS
    assert cal.day_length == timedelta(hours=8)
    assert cal.end_of_working_day(d("2026-03-10")) == at(2026, 3, 10, 17)
    assert [unit.value for unit in ProcessingUnit] == [
        "working_days",
        "working_hours",
        "same_day",
        "calendar_days",
    ]


# -- clocks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(at(2026, 3, 13, 16), at(2026, 3, 16, 8), 2, id="across-weekend"),
        pytest.param(at(2026, 3, 10, 10), at(2026, 3, 10, 14), 2, id="across-lunch"),
        pytest.param(at(2026, 3, 10, 12), at(2026, 3, 10, 13), 0, id="inside-lunch"),
        pytest.param(at(2026, 3, 14, 10), at(2026, 3, 15, 10), 0, id="inside-weekend"),
        pytest.param(at(2026, 2, 13, 10), at(2026, 2, 23, 10), 8, id="across-tet"),
        pytest.param(at(2026, 3, 9, 7), at(2026, 3, 13, 17), 40, id="whole-week"),
        pytest.param(at(2026, 3, 10, 10), at(2026, 3, 10, 10), 0, id="same-moment"),
        pytest.param(at(2026, 3, 10, 14), at(2026, 3, 10, 10), 0, id="end-before-start"),
    ],
)
def test_working_time_between(cal, start, end, expected):
    assert cal.working_time_between(start, end) == timedelta(hours=expected)


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        pytest.param(at(2026, 3, 13, 16, 55), 8, id="friday"),
        pytest.param(at(2026, 2, 12, 14), 37.25, id="over-tet"),
        pytest.param(at(2026, 8, 20, 18), 100, id="over-make-up-saturday"),
        pytest.param(at(2026, 1, 1, 9), 2920, id="a-year"),
    ],
)
def test_added_hours_are_measured_back_by_working_time_between(cal, start, hours):
    due = cal.add_working_hours(start, hours)
    assert cal.working_time_between(cal.normalise(start), due) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("old_due", "stopped_at", "resumed_at", "expected"),
    [
        pytest.param(
            at(2026, 3, 11, 17),
            at(2026, 3, 10, 15),
            at(2026, 3, 16, 10),
            at(2026, 3, 17, 14),
            id="ten-hours-left",
        ),
        pytest.param(
            at(2026, 3, 11, 17),
            at(2026, 3, 10, 15),
            at(2026, 3, 14, 10),
            at(2026, 3, 17, 9),
            id="resumed-on-saturday",
        ),
        pytest.param(
            at(2026, 3, 10, 17),
            at(2026, 3, 12, 10),
            at(2026, 3, 13, 9),
            at(2026, 3, 13, 9),
            id="already-overdue",
        ),
        pytest.param(
            at(2026, 2, 13, 17),
            at(2026, 2, 13, 16),
            at(2026, 2, 17, 9),
            at(2026, 2, 23, 8),
            id="resumed-during-tet",
        ),
    ],
)
def test_resume_due(cal, old_due, stopped_at, resumed_at, expected):
    new_due = cal.resume_due(old_due=old_due, stopped_at=stopped_at, resumed_at=resumed_at)
    assert new_due == expected


@pytest.mark.parametrize(
    ("unit", "amount", "expected"),
    [
        pytest.param("working_days", 2, at(2026, 3, 18, 10), id="working-days"),
        pytest.param("working_hours", 3, at(2026, 3, 16, 15), id="working-hours"),
        pytest.param("same_day", None, at(2026, 3, 16, 17), id="same-day"),
        pytest.param("calendar_days", 5, at(2026, 3, 23, 17), id="calendar-days"),
    ],
)
def test_restart_due_runs_the_full_time_again(cal, unit, amount, expected):
    assert cal.restart_due(at(2026, 3, 16, 10), unit, amount) == expected


# -- efficiency --------------------------------------------------------------------------


def test_a_year_of_working_days_is_computed_by_whole_days(cal):
    start = at(2026, 3, 10, 10)
    cal.add_working_days(start, 365)  # warm the holiday cache
    began = clock.perf_counter()
    for _ in range(20):
        cal.add_working_days(start, 365)
    assert (clock.perf_counter() - began) / 20 < 0.02
