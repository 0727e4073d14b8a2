"""Deadline policy (applications/deadlines.py) as a table: pure functions, no database."""

from datetime import UTC, datetime, timedelta

import pytest

from applications import deadlines
from applications.errors import InvalidDossier, InvalidTransition

HOUR = timedelta(hours=1)
DUE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("total", "lead"),
    [
        (timedelta(hours=2), timedelta(minutes=30)),  # same-day: a quarter of the time
        (timedelta(hours=16), 4 * HOUR),
        (timedelta(hours=32), 8 * HOUR),  # four working days: one working day
        (timedelta(hours=120), 8 * HOUR),
    ],
)
def test_the_reminder_comes_a_working_day_before_or_a_quarter_of_short_times(total, lead):
    assert deadlines.reminder_lead(total) == lead


@pytest.mark.parametrize(
    ("now", "apology_due_at", "new_due_at", "error"),
    [
        (DUE - HOUR, None, DUE + 24 * HOUR, None),
        (DUE - HOUR, DUE + HOUR, DUE + 24 * HOUR, InvalidTransition),  # set once
        (DUE, None, DUE + 24 * HOUR, InvalidTransition),  # not before the due moment
        (DUE - HOUR, None, DUE, InvalidDossier),  # not after the current one
        (DUE - HOUR, None, DUE + timedelta(days=367), InvalidDossier),  # beyond a year
        (DUE - HOUR, None, None, InvalidDossier),
    ],
)
def test_an_apology_is_before_the_due_moment_once_with_a_later_date_within_a_year(
    now, apology_due_at, new_due_at, error
):
    def check():
        deadlines.check_apology(
            due_at=DUE,
            apology_due_at=apology_due_at,
            new_due_at=new_due_at,
            now=now,
            state="in_review",
        )

    if error is None:
        check()
    else:
        with pytest.raises(error):
            check()
