"""Refusals of the working-time arithmetic: bad input is a clear ValueError (pure Python)."""

import math
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from procedures.workingtime import VN_TZ, WorkingCalendar


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


# -- invalid input -----------------------------------------------------------------------

NAIVE = datetime(2026, 3, 10, 10)  # deliberately naive


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.normalise(NAIVE), id="normalise"),
        pytest.param(lambda c: c.is_working_time(NAIVE), id="is-working-time"),
        pytest.param(lambda c: c.add_working_hours(NAIVE, 1), id="add-working-hours"),
        pytest.param(lambda c: c.add_working_days(NAIVE, 1), id="add-working-days"),
        pytest.param(lambda c: c.same_day_due(NAIVE), id="same-day-due"),
        pytest.param(lambda c: c.add_calendar_days(NAIVE, 1), id="add-calendar-days"),
        pytest.param(lambda c: c.due_at(NAIVE, unit="working_days", amount=1), id="due-at"),
        pytest.param(lambda c: c.working_time_between(NAIVE, at(2026, 3, 11)), id="between"),
        pytest.param(
            lambda c: c.resume_due(
                old_due=at(2026, 3, 11), stopped_at=NAIVE, resumed_at=at(2026, 3, 12)
            ),
            id="resume-due",
        ),
    ],
)
def test_naive_datetime_is_refused(cal, call):
    with pytest.raises(ValueError, match="Naive"):
        call(cal)


@pytest.mark.parametrize(
    ("unit", "amount", "message"),
    [
        pytest.param("working_days", 0, "positive", id="zero-days"),
        pytest.param("working_days", -1, "positive", id="negative-days"),
        pytest.param("working_hours", Decimal("-0.5"), "positive", id="negative-hours"),
        pytest.param("calendar_days", 0, "positive", id="zero-calendar-days"),
        pytest.param("working_days", 366, "maximum", id="absurd-days"),
        pytest.param("working_hours", 2921, "maximum", id="absurd-hours"),
        pytest.param("calendar_days", 3651, "maximum", id="absurd-calendar-days"),
        pytest.param("working_days", "5", "number", id="string-amount"),
        pytest.param("working_days", None, "number", id="missing-amount"),
        pytest.param("working_days", True, "number", id="bool-amount"),
        pytest.param("working_hours", math.nan, "finite", id="nan-hours"),
        pytest.param("working_days", Decimal("Infinity"), "finite", id="infinite-days"),
        pytest.param("calendar_days", 1.5, "whole", id="fractional-calendar-days"),
        pytest.param("fortnights", 1, "Unknown processing unit", id="unknown-unit"),
    ],
)
def test_due_at_refuses_invalid_amounts(cal, unit, amount, message):
    with pytest.raises(ValueError, match=message):
        cal.due_at(at(2026, 3, 10, 10), unit=unit, amount=amount)


def test_negative_working_time_is_refused(cal):
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_hours(at(2026, 3, 10, 10), timedelta(hours=-1))
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(at(2026, 3, 10, 10), -1)


def test_resume_before_stop_is_refused(cal):
    with pytest.raises(ValueError, match="resume"):
        cal.resume_due(
            old_due=at(2026, 3, 12, 17), stopped_at=at(2026, 3, 11, 9), resumed_at=at(2026, 3, 10)
        )


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        pytest.param((), "at least one", id="empty"),
        pytest.param([(time(8), time(8))], "end after", id="zero-length"),
        pytest.param([(time(12), time(8))], "end after", id="reversed"),
        pytest.param([(time(7), time(12)), (time(11), time(17))], "overlap", id="overlapping"),
        pytest.param([(time(13), time(17)), (time(7), time(11))], "order", id="unordered"),
        pytest.param([("07:00", "11:30")], "datetime.time", id="strings"),
        pytest.param([(time(7, tzinfo=UTC), time(11))], "tzinfo", id="aware-times"),
    ],
)
def test_bad_periods_are_refused(periods, message):
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(periods=periods)


def test_days_off_must_be_dates():
    with pytest.raises(ValueError, match="days_off"):
        WorkingCalendar(days_off=[at(2026, 3, 10)])
