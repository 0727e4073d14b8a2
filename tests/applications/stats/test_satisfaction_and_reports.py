"""Officials' statistics: satisfaction with dossiers and the neighbourhood reports' figures."""

import pytest
from freezegun import freeze_time

from applications.models import Complaint
from portal.accounts.models import Role, StaffRole, User
from portal.dashboard import stats
from portal.dashboard.figures import FIGURES, _average, compute
from portal.dashboard.filters import parse_filters
from procedures.models import Unit
from tests.applications.stats.conftest import (
    CITY_FEEDBACK,
    KIM_LONG,
    KIM_LONG_FEEDBACK,
    MARCH,
    NOT_RATED,
    THUAN_HOA,
    THUAN_HOA_FEEDBACK,
    at,
    get_stats,
    handle,
    online,
    pick_up,
    rate,
    report,
    resolve,
    review,
)

# --- Satisfaction -----------------------------------------------------------------------------

JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}


@pytest.fixture
def january(civil):
    """Online dossiers of Mon 5/1/2026, received at 09:00, resolved Wed 7/1 (early) and rated
    on Thu 8/1 by their applicants: three in Kim Long (one rated 2, which opens a complaint),
    a fourth never rated, one in Thuận Hóa."""
    specialist, _ = User.objects.get_or_create(username="specialist.thuanhoa")
    StaffRole.objects.get_or_create(
        user=specialist, unit=Unit.objects.get(code=THUAN_HOA), role=Role.SPECIALIST
    )
    rated = {}
    for name, by, unit, scores in [
        ("best", "citizen", KIM_LONG, (5, 5, 5, 5, 5)),
        ("good", "citizen", KIM_LONG, (4, 3, 4, 4, 5)),
        ("poor", "citizen2", KIM_LONG, (2, 1, 2, 3, 2)),
        ("silent", "citizen2", KIM_LONG, None),
        ("thuanhoa", "citizen", THUAN_HOA, (3, 3, 3, 3, 3)),
    ]:
        dossier = online(civil, at(5, 8, month=1), at(5, 9, month=1), unit=unit, by=by)
        specialist = "specialist.kimlong" if unit == KIM_LONG else "specialist.thuanhoa"
        dossier = review(dossier, specialist, at(5, 10, month=1))
        dossier = resolve(dossier, specialist, at(7, 10, month=1))
        if scores:
            rate(dossier, at(8, 9, month=1), *scores, comment="Chờ lâu" if scores[0] < 3 else "")
        rated[name] = dossier
    return rated


def test_satisfaction_sums_up_the_ratings_of_the_dossiers_received_in_the_period(api, january):
    kim_long = get_stats(api, "official.hue", unit=KIM_LONG, **JANUARY).json()
    assert kim_long["received"] == 4
    assert kim_long["satisfaction"] == {
        "rated": 3,
        "average": 3.67,  # (5 + 4 + 2) ÷ 3
        "satisfied_rate": 66.7,  # 5 and 4, not 2
        "by_criterion": {"time": 3.0, "attitude": 3.67, "guidance": 4.0, "transparency": 4.0},
        "complaints": 1,
    }
    # 766: 1 - (0 late + 0 overdue + 1 complained about) ÷ 4 = 75 %: 6 * 0.75 ÷ 0.9 = 5.
    assert kim_long["satisfaction_score"] == 5.0
    city = get_stats(api, "official.hue", **JANUARY).json()
    assert city["satisfaction"] == {
        "rated": 4,
        "average": 3.5,
        "satisfied_rate": 50.0,  # a 3 is neither satisfied nor a complaint
        "by_criterion": {"time": 3.0, "attitude": 3.5, "guidance": 3.75, "transparency": 3.75},
        "complaints": 1,
    }
    assert city["satisfaction_score"] == 5.33
    thuan_hoa = get_stats(api, "official.hue", unit=THUAN_HOA, **JANUARY).json()
    assert thuan_hoa["satisfaction"]["average"] == 3.0
    assert thuan_hoa["satisfaction"]["satisfied_rate"] == 0.0
    # At or above 90 %, the full 6 points.
    assert thuan_hoa["satisfaction_score"] == 6.0
    assert Complaint.objects.get().dossier == january["poor"]


def test_satisfaction_by_unit_adds_up_and_follows_the_leaders_scope(api, january):
    rows = get_stats(api, "official.hue", group_by="unit", **JANUARY).json()
    by_code = {row["code"]: row["satisfaction"] for row in rows}
    assert (by_code[KIM_LONG]["rated"], by_code[KIM_LONG]["average"]) == (3, 3.67)
    assert (by_code[THUAN_HOA]["rated"], by_code[THUAN_HOA]["average"]) == (1, 3.0)
    assert sum(s["rated"] for s in by_code.values()) == 4
    mine = get_stats(api, "leader.kimlong", **JANUARY).json()
    assert mine["satisfaction"]["rated"] == 3
    assert get_stats(api, "leader.kimlong", unit=THUAN_HOA, **JANUARY).status_code == 404


def test_a_rating_given_after_the_period_counts_for_the_dossier_received_in_it(api, january):
    # The cohort is by receipt: a dossier of January rated in February still counts in January.
    rate(january["silent"], at(2, 9, month=2), 5, 5, 5, 5, 5)
    kim_long = get_stats(api, "official.hue", unit=KIM_LONG, **JANUARY).json()
    assert (kim_long["satisfaction"]["rated"], kim_long["satisfaction"]["average"]) == (4, 4.0)
    february = {"from": "2026-02-01", "to": "2026-02-28"}
    assert get_stats(api, "official.hue", **february).json()["satisfaction"] == NOT_RATED


# --- Neighbourhood reports --------------------------------------------------------------------


def test_the_feedback_figures_of_the_period_for_the_city_and_each_ward(api, march_reports):
    assert get_stats(api, "official.hue", **MARCH).json()["feedback"] == CITY_FEEDBACK
    kim_long = get_stats(api, "official.hue", unit=KIM_LONG, **MARCH).json()
    assert kim_long["feedback"] == KIM_LONG_FEEDBACK
    assert get_stats(api, "leader.kimlong", **MARCH).json()["feedback"] == KIM_LONG_FEEDBACK
    thuan_hoa = get_stats(api, "official.hue", unit=THUAN_HOA, **MARCH).json()
    assert thuan_hoa["feedback"] == THUAN_HOA_FEEDBACK


def test_a_report_not_yet_due_is_judged_once_its_pick_up_target_passes(api, march_reports):
    # 11:31: the report of 09:30 is still new, past its 11:30 target.
    with freeze_time(at(20, 11, 31)):
        body = api("official.hue").get("/api/v1/stats/", {"unit": KIM_LONG, **MARCH}).json()
    assert body["feedback"]["picked_up_on_time_rate"] == 50.0  # 3 of 6


def test_a_report_made_on_a_day_off_is_resolved_the_same_day_on_the_next_working_day(api, demo):
    # Hùng Kings' day falls on Sunday 26/4/2026 and is made up on Monday 27/4: a report of the
    # Sunday belongs to Tuesday 28/4. One of Tuesday afternoon resolved on Wednesday does not.
    holiday = report(KIM_LONG, "rubbish", at(26, 10, month=4))
    handle(pick_up(holiday, at(28, 7, 30, month=4)), at(28, 8, month=4), at(28, 16, month=4))
    tuesday = report(KIM_LONG, "rubbish", at(28, 15, month=4))
    handle(pick_up(tuesday, at(28, 15, 30, month=4)), at(28, 16, month=4), at(29, 8, month=4))
    with freeze_time(at(29, 12, month=4)):
        body = (
            api("official.hue")
            .get("/api/v1/stats/", {"from": "2026-04-01", "to": "2026-04-30"})
            .json()
        )
    assert body["feedback"]["resolved"] == 2
    assert body["feedback"]["resolved_same_day_rate"] == 50.0
    assert body["feedback"]["picked_up_on_time_rate"] == 100.0


def test_the_figures_counted_together_equal_each_figure_counted_alone(march):
    """`figures.compute` counts the report figures (and the national scheme's) in one aggregate
    each: the same numbers as each figure's own builder, whose rows its link lists."""
    filters = parse_filters({"period": "custom", "from": "01/03/2026", "to": "31/03/2026"})
    frame = stats.frame_for(user=User.objects.get(username="official.hue"), filters=filters)
    values = compute(frame)
    batched = [k for k, f in FIGURES.items() if k.startswith(("reports_", "national_"))]
    assert values["reports_received"], "the march has reports"
    for key in batched:
        figure = FIGURES[key]
        if figure.kind == "count":
            assert values[key] == figure.build(frame).count(), key
        elif figure.kind == "average":
            assert values[key] == _average(frame, figure), key
