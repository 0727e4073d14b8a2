"""Issue 10: a unit's working calendar is made once per set of working hours and kept (a new one
computed the year's holidays again for each dossier); units with other hours get their own."""

from datetime import time

from procedures.models import Unit
from procedures.services import working_calendar
from procedures.workingtime import DEFAULT_PERIODS


def test_units_with_the_same_hours_share_one_calendar_and_other_hours_get_their_own():
    first, second = Unit(code="a"), Unit(code="b")
    assert working_calendar(first) is working_calendar(second)
    assert working_calendar(first).periods == working_calendar(None).periods == DEFAULT_PERIODS
    early = Unit(code="c", morning_start=time(6, 30))
    assert working_calendar(early) is not working_calendar(first)
    assert working_calendar(early).periods[0][0] == time(6, 30)
