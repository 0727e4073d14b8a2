"""The national calendar: which days are off, which Saturdays are worked, which years are provisional.

Table-driven from LEGAL.md, "Holidays" (lines 55-64 of /work/shared/LEGAL.md); each case names
the line it checks. Pure Python: run with `-p no:django`.
"""

from datetime import UTC, date, datetime

import pytest

from procedures.workingtime import VN_TZ, WorkingCalendar, is_provisional, national_calendar
from procedures.workingtime.national import load_national_calendar


def d(iso):
    return date.fromisoformat(iso)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


def _calendar_file(tmp_path, body):
    path = tmp_path / "calendar.toml"
    path.write_text("version = 1\nlast_decided_year = 2026\n" + body, encoding="utf-8")
    return load_national_calendar(path)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # LEGAL.md:59 "2026: Tết 16-20/2 (off Sat 14/2 - Sun 22/2)"
        pytest.param("2026-02-13", True, id="L59-friday-before-tet"),
        pytest.param("2026-02-14", False, id="L59-saturday-before-tet"),
        pytest.param("2026-02-16", False, id="L59-tet-16"),
        pytest.param("2026-02-17", False, id="L59-tet-17"),
        pytest.param("2026-02-18", False, id="L59-tet-18"),
        pytest.param("2026-02-19", False, id="L59-tet-19"),
        pytest.param("2026-02-20", False, id="L59-tet-20"),
        pytest.param("2026-02-22", False, id="L59-sunday-after-tet"),
        pytest.param("2026-02-23", True, id="L59-monday-after-tet"),
        # LEGAL.md:59 "Hùng Kings Sun 26/4, made up Mon 27/4"
        pytest.param("2026-04-26", False, id="L59-hung-kings-sunday"),
        pytest.param("2026-04-27", False, id="L59-hung-kings-made-up-monday"),
        pytest.param("2026-04-28", True, id="L59-tuesday-after-hung-kings"),
        # LEGAL.md:59-60 "30/4 and 1/5 (no swap)"
        pytest.param("2026-04-30", False, id="L60-reunification-day"),
        pytest.param("2026-05-01", False, id="L60-labour-day"),
        pytest.param("2026-05-02", False, id="L60-no-swap-saturday-stays-off"),
        pytest.param("2026-05-04", True, id="L60-no-swap-monday-worked"),
        # LEGAL.md:60 "1-2/9 with Mon 31/8 swapped for Saturday 22/8 worked"
        pytest.param("2026-08-22", True, id="L60-make-up-saturday-22-8"),
        pytest.param("2026-08-29", False, id="L60-ordinary-saturday"),
        pytest.param("2026-08-31", False, id="L60-swapped-monday-off"),
        pytest.param("2026-09-01", False, id="L60-national-day-adjacent"),
        pytest.param("2026-09-02", False, id="L60-national-day"),
        pytest.param("2026-09-03", True, id="L60-thursday-after"),
        # LEGAL.md:60-61 "24/11 Vietnam Culture Day, a paid day off from 2026"
        pytest.param("2026-11-24", False, id="L61-culture-day-2026"),
        pytest.param("2025-11-24", True, id="L61-culture-day-not-before-2026"),
        # LEGAL.md:61-62 "A swap of Fri 2/1 for Sat 10/1/2026 ... one source only: verify"
        pytest.param("2026-01-01", False, id="L56-new-year"),
        pytest.param("2026-01-02", True, id="L62-unverified-swap-not-encoded-friday"),
        pytest.param("2026-01-10", False, id="L62-unverified-swap-not-encoded-saturday"),
        # LEGAL.md:63 "2025: Tết 27-31/1; Hùng Kings 7/4; 30/4, 1/5, and Fri 2/5 swapped for
        # Saturday 26/4 worked"
        pytest.param("2025-01-27", False, id="L63-tet-2025-27"),
        pytest.param("2025-01-31", False, id="L63-tet-2025-31"),
        pytest.param("2025-02-03", True, id="L63-monday-after-tet-2025"),
        pytest.param("2025-04-07", False, id="L63-hung-kings-2025"),
        pytest.param("2025-04-26", True, id="L63-make-up-saturday-26-4"),
        pytest.param("2025-05-02", False, id="L63-swapped-friday-off"),
        # LEGAL.md:64 "1-2/9"
        pytest.param("2025-09-01", False, id="L64-national-day-2025-adjacent"),
        pytest.param("2025-09-02", False, id="L64-national-day-2025"),
        pytest.param("2026-03-10", True, id="ordinary-tuesday"),
    ],
)
def test_legal_md_days_off_and_days_worked(cal, day, expected):
    assert cal.is_working_day(d(day)) is expected


@pytest.mark.parametrize(
    ("culture_day", "monday"),
    [
        pytest.param("2029-11-24", "2029-11-26", id="L61-saturday-2029"),
        pytest.param("2030-11-24", "2030-11-25", id="L61-sunday-2030"),
        pytest.param("2035-11-24", "2035-11-26", id="L61-saturday-2035"),
    ],
)
def test_culture_day_on_a_weekend_is_not_made_up_on_monday(cal, culture_day, monday):
    """LEGAL.md:60-61: Vietnam Culture Day is "not made up on weekends" (unlike art. 112's
    holidays, LEGAL.md:57), although the `holidays` package makes it up."""
    assert cal.holiday_name(d(culture_day)) == "Ngày Văn hóa Việt Nam"
    assert cal.is_working_day(d(monday)) is True
    assert cal.holiday_name(d(monday)) is None


def test_other_holidays_on_a_weekend_are_still_made_up(cal):
    """LEGAL.md:57: "a holiday on a weekend is made up on the next working day" (2/9/2029 is a
    Sunday: 2/9 and its adjacent day 3/9, then Tuesday 4/9 made up)."""
    assert cal.is_working_day(d("2029-09-04")) is False
    assert cal.is_working_day(d("2029-09-05")) is True


def test_swaps_come_from_the_file_only_not_the_package(tmp_path):
    """LEGAL.md:57-58: the government's swap is one decision, so both of its days come from one
    place: with no swap in the file, the package's 2/5/2025 off-day is ignored."""
    calendar = WorkingCalendar(national=_calendar_file(tmp_path, ""))
    assert calendar.is_working_day(d("2025-05-02")) is True
    assert calendar.is_working_day(d("2025-04-26")) is False
    assert calendar.is_working_day(d("2026-08-31")) is True


def test_a_swap_in_the_file_gives_the_weekday_off_and_the_saturday_worked(tmp_path):
    national = _calendar_file(
        tmp_path,
        '[[swap]]\nday_off = 2027-04-29\nworking_day = 2027-04-24\nsource = "Thông báo X"\n',
    )
    calendar = WorkingCalendar(national=national)
    assert calendar.is_working_day(d("2027-04-29")) is False
    assert calendar.holiday_name(d("2027-04-29")).startswith("Ngày nghỉ (hoán đổi")
    assert calendar.is_working_day(d("2027-04-24")) is True
    assert national.source_of(d("2027-04-24")) == "Thông báo X"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            '[[swap]]\nday_off = 2027-04-29\nworking_day = 2027-04-24\nsource = ""\n',
            "needs its source",
            id="no-source",
        ),
        pytest.param(
            '[[swap]]\nday_off = 2027-04-29\nworking_day = 2027-04-28\nsource = "X"\n',
            "weekend day worked",
            id="working-day-on-a-weekday",
        ),
        pytest.param(
            '[[swap]]\nday_off = "soon"\nworking_day = 2027-04-24\nsource = "X"\n',
            "must be a date",
            id="not-a-date",
        ),
    ],
)
def test_a_malformed_calendar_file_is_refused_with_a_clear_message(tmp_path, body, message):
    with pytest.raises(ValueError, match=message):
        _calendar_file(tmp_path, body)


def test_every_swap_in_the_repository_file_cites_its_source():
    national = national_calendar()
    assert national.swaps
    for swap in national.swaps:
        assert swap.source.strip()
        assert swap.working_day.weekday() >= 5
        assert swap.day_off.weekday() < 5
    # LEGAL.md:59-64 give 2025 and 2026: both are decided years.
    assert national.last_decided_year >= 2026


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(date(2026, 12, 31), False, id="2026-decided"),
        pytest.param(date(2027, 1, 4), True, id="2027-no-decision-yet"),
        pytest.param(datetime(2026, 12, 31, 16, 59, tzinfo=VN_TZ), False, id="last-moment-2026"),
        # 31/12/2026 17:30 UTC is 1/1/2027 00:30 in Vietnam.
        pytest.param(datetime(2026, 12, 31, 17, 30, tzinfo=UTC), True, id="2027-in-vietnam"),
        pytest.param(date(2019, 5, 6), False, id="past-year"),
        pytest.param(None, False, id="no-due-moment"),
    ],
)
def test_a_year_without_a_government_decision_is_provisional(moment, expected):
    assert is_provisional(moment) is expected


def test_provisional_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="Naive"):
        is_provisional(datetime(2027, 1, 4, 8, 0))


def test_extra_day_off_closes_a_weekday_and_extra_working_day_overrides_a_holiday():
    cal = WorkingCalendar(days_off=[d("2026-03-10")], working_days=[d("2026-02-17")])
    assert cal.is_working_day(d("2026-03-10")) is False
    assert cal.is_working_day(d("2026-02-17")) is True


def test_public_holidays_can_be_switched_off():
    cal = WorkingCalendar(public_holidays=False)
    assert cal.is_working_day(d("2026-02-17")) is True
    assert cal.is_working_day(d("2026-02-14")) is False
    assert cal.is_working_day(d("2026-08-22")) is False
    assert cal.holiday_name(d("2026-02-17")) is None
    assert cal.is_provisional(d("2027-01-04")) is False


def test_holiday_sets_are_cached_per_year_lazily():
    cal = WorkingCalendar()
    assert cal._holidays_by_year == {}
    cal.is_working_day(d("2026-02-17"))
    cal.is_working_day(d("2026-05-01"))
    assert set(cal._holidays_by_year) == {2026}


@pytest.mark.parametrize(
    ("day", "days_off", "working_days", "expected"),
    [
        pytest.param("2026-02-17", (), (), "named", id="tet-has-package-name"),
        pytest.param("2026-03-10", ("2026-03-10",), (), "", id="extra-day-off-empty-name"),
        pytest.param("2026-02-14", (), (), None, id="weekend-is-not-a-holiday"),
        pytest.param("2026-03-11", (), (), None, id="working-day"),
        pytest.param("2026-08-22", (), (), None, id="make-up-saturday"),
        pytest.param("2026-08-31", (), (), "named", id="swapped-day-off-is-named"),
        pytest.param("2026-02-17", (), ("2026-02-17",), None, id="holiday-overridden"),
    ],
)
def test_holiday_name(day, days_off, working_days, expected):
    cal = WorkingCalendar(
        days_off=[d(x) for x in days_off], working_days=[d(x) for x in working_days]
    )
    name = cal.holiday_name(d(day))
    if expected == "named":
        assert isinstance(name, str)
        assert name
    else:
        assert name == expected
