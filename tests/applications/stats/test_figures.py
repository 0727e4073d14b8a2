"""Officials' statistics: the figures of the API, who may read them, and bad input (the March 2026 cohort: see conftest.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from applications import timeliness
from applications.generation import generate_dossiers
from applications.models import Dossier
from portal.accounts.models import User
from procedures.models import Unit
from tests.applications.stats.conftest import (
    CITY_FEEDBACK,
    CITY_MARCH,
    KIM_LONG,
    KIM_LONG_MARCH,
    MARCH,
    NO_FEEDBACK,
    NOT_RATED,
    ONE_RATING,
    THUAN_HOA,
    THUAN_HOA_FEEDBACK,
    ZERO,
    at,
    get_stats,
)
from tests.dashboard.conftest import make_dossier

# --- Figures ----------------------------------------------------------------------------------


def without_index(body: dict) -> dict:
    """The figures without the 766 index (its own tests: tests/dashboard/test_pages.py) and the
    national scheme's satisfaction (tests/dashboard/test_satisfaction_national.py): these
    dossiers have no national rating."""
    assert body.pop("index_766")["max"] == 100
    assert body.pop("satisfaction_national")["rated"] == 0
    return body


def test_an_official_gets_the_citys_figures_for_the_dossiers_received_in_the_period(api, march):
    response = get_stats(api, "official.hue", **MARCH)
    assert response.status_code == 200, response.json()
    assert without_index(response.json()) == CITY_MARCH


def test_a_unit_filter_counts_the_dossiers_its_unit_handles(api, march):
    response = get_stats(api, "official.hue", unit=KIM_LONG, **MARCH)
    assert without_index(response.json()) == KIM_LONG_MARCH
    thuan_hoa = get_stats(api, "official.hue", unit=THUAN_HOA, **MARCH).json()
    assert thuan_hoa["received"] == 1
    assert thuan_hoa["resolved_early"] == 1
    assert thuan_hoa["on_time_rate"] == 100.0
    assert thuan_hoa["progress_score"] == 20.0
    assert thuan_hoa["satisfaction"] == NOT_RATED
    assert thuan_hoa["satisfaction_score"] == 6.0
    assert thuan_hoa["feedback"] == THUAN_HOA_FEEDBACK


def test_without_dates_the_period_is_the_current_month_up_to_today(api, march):
    assert without_index(get_stats(api, "official.hue").json()) == CITY_MARCH
    with freeze_time(at(2, 12, month=4)):
        april = api("official.hue").get("/api/v1/stats/").json()
    assert without_index(april) == ZERO


def test_the_period_is_counted_by_receipt_date_in_vietnam_both_ends_included(api, march):
    second = get_stats(api, "official.hue", **{"from": "2026-03-02", "to": "2026-03-02"}).json()
    # Received on 2/3: the early, the on-time and the overdue dossier.
    assert (second["received"], second["resolved"], second["overdue"]) == (3, 2, 1)
    assert second["feedback"] == NO_FEEDBACK
    february = get_stats(api, "official.hue", **{"from": "2026-02-01", "to": "2026-02-28"}).json()
    assert february["received"] == 1
    assert february["overdue"] == 1
    # The February report, never picked up: late, and the leader was told.
    assert february["feedback"] == {
        **NO_FEEDBACK,
        "received": 1,
        "open": 1,
        "picked_up_on_time_rate": 0.0,
        "escalated": 1,
    }


def test_field_and_procedure_filters_narrow_the_cohort(api, march, business):
    civil = get_stats(api, "official.hue", field="civil-status-registration", **MARCH).json()
    assert (civil["received"], civil["resolved"], civil["resolved_late"]) == (6, 3, 0)
    assert civil["on_time_rate"] == 100.0
    assert civil["satisfaction"] == ONE_RATING
    # Reports have no field or procedure: no feedback figure rather than the whole ward's.
    assert civil["feedback"] is None
    one = without_index(get_stats(api, "official.hue", procedure=business.code, **MARCH).json())
    assert one == {
        **ZERO,
        "received": 1,
        "online_rate": 0.0,
        "resolved": 1,
        "resolved_late": 1,
        "on_time_rate": 0.0,
        "progress_score": 0.0,
        "satisfaction_score": 0.0,
        "feedback": None,
    }


def test_grouped_by_unit_every_ward_has_a_row_and_the_rows_add_up(api, march):
    rows = get_stats(api, "official.hue", group_by="unit", **MARCH).json()
    by_code = {row["code"]: row for row in rows}
    assert len(rows) == Unit.objects.filter(kind__in=["ward", "commune", "special_zone"]).count()
    kim_long = by_code[KIM_LONG]
    assert kim_long.pop("name") == "Phường Kim Long"
    assert kim_long.pop("code") == KIM_LONG
    assert kim_long.pop("satisfaction_national")["rated"] == 0  # no national rating here
    assert kim_long == KIM_LONG_MARCH
    assert by_code[THUAN_HOA]["received"] == 1
    assert by_code[THUAN_HOA]["feedback"] == THUAN_HOA_FEEDBACK
    assert {
        k: v
        for k, v in by_code["19777"].items()
        if k not in ("code", "name", "satisfaction_national")
    } == ZERO
    assert sum(row["received"] for row in rows) == CITY_MARCH["received"]
    assert sum(row["feedback"]["received"] for row in rows) == CITY_FEEDBACK["received"]


def test_grouped_by_field_and_by_procedure(api, march, civil, business):
    fields = get_stats(api, "official.hue", group_by="field", **MARCH).json()
    assert {row["code"]: row["received"] for row in fields} == {
        "civil-status-registration": 6,
        "household-business-registration": 1,
    }
    procedures = get_stats(api, "official.hue", group_by="procedure", **MARCH).json()
    by_code = {row["code"]: row for row in procedures}
    assert by_code[civil.code]["received"] == 6
    assert by_code[civil.code]["name"] == civil.current_version.name_vi
    assert by_code[business.code]["resolved_late"] == 1
    assert by_code[civil.code]["satisfaction"] == ONE_RATING
    # Rows by field or procedure leave feedback out.
    assert all(row["feedback"] is None for row in fields + procedures)


def test_the_figures_are_one_aggregate_query_per_part(api, march, django_assert_max_num_queries):
    # Dossiers: one read of the cohort's rollup (ADR 0015) and one narrow count of the running
    # clocks not yet due; reports: one more (rows by field have no feedback). The rest is the
    # user's roles, the unit looked up, the groups' names and the calendar.
    plain = {"index_766": "false"}
    for params, reports in ((plain, 1), ({"group_by": "unit"}, 1), ({"group_by": "field"}, 0)):
        with (
            django_assert_max_num_queries(8),
            CaptureQueriesContext(connection) as queries,
        ):
            assert get_stats(api, "official.hue", **MARCH, **params).status_code == 200
        sqls = [q["sql"] for q in queries.captured_queries]
        rolled = [sql for sql in sqls if "applications_dossiercohort" in sql]
        counting = [sql for sql in sqls if "COUNT(" in sql]
        on_dossiers = [sql for sql in counting if 'FROM "applications_dossier"' in sql]
        on_reports = [sql for sql in counting if 'FROM "feedback_report"' in sql]
        # The national scheme's satisfaction is one aggregate of its own over the same dossiers.
        national = [sql for sql in on_dossiers if "applications_nationalrating" in sql]
        on_dossiers = [sql for sql in on_dossiers if sql not in national]
        assert len(rolled) == 1, params
        assert len(national) == 1, params
        assert len(on_dossiers) == 1, params
        assert "due_at" in on_dossiers[0]
        assert "applications_rating" not in on_dossiers[0]
        assert len(on_reports) == reports, params
        assert len(counting) == 2 + reports, params


def _queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert "index_766" in get_stats(api, "official.hue", **MARCH).json()
    return len(queries.captured_queries)


def test_the_default_answer_with_the_766_index_costs_the_same_queries_for_more_dossiers(
    api, march, django_assert_max_num_queries
):
    # The index's figures and the cohort's come from the rollups (ADR 0015; the cohort's with
    # one narrow count of the running clocks not yet due), the rest from one aggregate query per
    # table (dossiers, procedures, reports): a number of queries that rows do not change.
    with django_assert_max_num_queries(12):
        before = _queries(api)
    unit = Unit.objects.get(code=KIM_LONG)
    procedure = Dossier.objects.filter(handling_unit=unit).first().procedure
    for day in range(2, 20):
        make_dossier(
            unit=unit, procedure=procedure, state="in_review", channel="online",
            received_at=at(day, 9), due_at=at(day + 5, 9),
        )  # fmt: skip
    assert _queries(api) == before


def test_the_figures_match_the_timeliness_rule_on_generated_dossiers(api, demo):
    generate_dossiers(count=400, seed=766, days=45)
    now = timezone.now()
    today = timezone.localdate(now)
    start = today - timedelta(days=30)
    cohort = [
        d
        for d in Dossier.objects.filter(received_at__isnull=False)
        if start <= timezone.localdate(d.received_at) <= today
    ]
    with freeze_time(now):
        body = (
            api("official.hue")
            .get("/api/v1/stats/", {"from": start.isoformat(), "to": today.isoformat()})
            .json()
        )
    words = [timeliness.of(d, now) for d in cohort]
    finished = [
        w
        for d, w in zip(cohort, words, strict=True)
        if d.state in ("resolved", "rejected", "returned")
    ]
    open_ = [
        w
        for d, w in zip(cohort, words, strict=True)
        if d.state in ("received", "in_review", "awaiting_supplement", "awaiting_payment")
    ]
    assert body["received"] == len(cohort) > 100
    assert body["online"] == sum(d.channel == "online" for d in cohort)
    assert body["resolved"] == len(finished)
    assert body["resolved_early"] == finished.count("early")
    assert body["resolved_on_time"] == finished.count("on_time")
    assert body["resolved_late"] == finished.count("late")
    assert body["in_progress"] == len(open_)
    assert body["overdue"] == open_.count("overdue")
    good = finished.count("early") + finished.count("on_time") + open_.count("on_track")
    expected = (Decimal(20 * good) / len(cohort)).quantize(Decimal("0.01"))
    assert Decimal(str(body["progress_score"])) == expected


# --- Access -----------------------------------------------------------------------------------


def test_a_superuser_reads_the_whole_city(api, march):
    User.objects.create_superuser("admin", password="x")
    assert without_index(get_stats(api, "admin", **MARCH).json()) == CITY_MARCH


def test_a_leader_reads_their_own_unit_only(api, march):
    assert without_index(get_stats(api, "leader.kimlong", **MARCH).json()) == KIM_LONG_MARCH
    assert (
        without_index(get_stats(api, "leader.kimlong", unit=KIM_LONG, **MARCH).json())
        == KIM_LONG_MARCH
    )
    rows = get_stats(api, "leader.kimlong", group_by="unit", **MARCH).json()
    assert [row["code"] for row in rows] == [KIM_LONG]


def test_a_leader_asking_for_another_unit_gets_404(api, march):
    response = get_stats(api, "leader.kimlong", unit=THUAN_HOA, **MARCH)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("username", ["clerk.kimlong", "specialist.kimlong", "citizen"])
def test_clerks_specialists_and_citizens_may_not_read_statistics(api, demo, username):
    response = get_stats(api, username)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_statistics_need_a_login(api, demo):
    assert get_stats(api, None).status_code in (401, 403)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-02-30"}, "invalid_date"),
        ({"from": "01/03/2026"}, "invalid_date"),
        ({"to": "yesterday"}, "invalid_date"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "invalid_period"),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "period_too_long"),
        ({"unit": "99999"}, "unknown_unit"),
        ({"field": "astrology"}, "unknown_field"),
        ({"procedure": "9.999999"}, "unknown_procedure"),
        ({"group_by": "ward"}, "invalid_group_by"),
    ],
)
def test_bad_input_is_a_400_naming_the_problem(api, demo, params, code):
    response = get_stats(api, "official.hue", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def test_a_whole_leap_year_is_one_period(api, demo):
    response = get_stats(api, "official.hue", **{"from": "2024-01-01", "to": "2024-12-31"})
    assert response.status_code == 200
    assert without_index(response.json()) == ZERO
