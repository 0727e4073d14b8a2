"""Officials' statistics: `GET /api/v1/stats/` and the `/dashboard/` page.

The March 2026 cohort below is built through the services under frozen time, so every outcome is
known: Kim Long (19774) receives six dossiers in March (one early, one on time, one late, one on
track, one overdue, one withdrawn), Thuận Hóa (19789) one finished early; one Kim Long dossier
received in February and one online submission never received stay out of the figures.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from applications import services, timeliness
from applications.generation import generate_dossiers
from applications.models import Dossier
from portal.models import Role, StaffRole, User
from procedures.models import Procedure, Unit
from tests.applications.conftest import pdf, required_docs

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=VN)
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
KIM_LONG, THUAN_HOA = "19774", "19789"


def at(day, hour, minute=0, month=3):
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def user(name):
    return User.objects.get(username=name)


def desk(procedure, unit_code, clerk, when):
    with freeze_time(when):
        return services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code=unit_code),
            applicant=services.Applicant(name="Nguyễn Văn An", phone="0905111222"),
            channel="desk",
            actor=user(clerk),
            checked_documents=required_docs(procedure),
        )


def online(procedure, submitted, received=None):
    with freeze_time(submitted):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code=KIM_LONG),
            applicant=services.Applicant(name="Nguyễn Thị Lan", phone="0905123456"),
            channel="online",
            actor=user("citizen"),
            files={doc: pdf(f"doc{doc}.pdf") for doc in required_docs(procedure)},
        )
    if received:
        with freeze_time(received):
            dossier = services.dossier_receive(dossier=dossier, actor=user("clerk.kimlong"))
    return dossier


def review(dossier, specialist, when):
    with freeze_time(when):
        return services.dossier_start_review(dossier=dossier, actor=user(specialist))


def resolve(dossier, specialist, when):
    with freeze_time(when):
        return services.dossier_resolve(dossier=dossier, actor=user(specialist))


@pytest.fixture
def civil(demo):
    """A civil-status procedure of 5 working days (due the same hour a week later in March)."""
    procedure = Procedure.objects.get(code="1.000419")
    version = procedure.current_version
    assert (version.processing_unit, version.processing_amount) == ("working_days", 5)
    return procedure


@pytest.fixture
def business(demo):
    procedure = (
        Procedure.objects.filter(
            current_version__processing_unit="working_days",
            current_version__processing_amount=5,
            field__code="household-business-registration",
        )
        .order_by("code")
        .first()
    )
    assert procedure is not None
    return procedure


@pytest.fixture
def march(civil, business):
    thuanhoa_specialist = User.objects.create_user("specialist.thuanhoa", password="x")
    StaffRole.objects.create(
        user=thuanhoa_specialist, unit=Unit.objects.get(code=THUAN_HOA), role=Role.SPECIALIST
    )
    made = {}
    # Early: due Mon 9/3 09:00, resolved Tue 3/3, then returned.
    early = review(
        desk(civil, KIM_LONG, "clerk.kimlong", at(2, 9)), "specialist.kimlong", at(2, 10)
    )
    early = resolve(early, "specialist.kimlong", at(3, 10))
    with freeze_time(at(4, 9)):
        made["early"] = services.dossier_return_result(dossier=early, actor=user("clerk.kimlong"))
    # On time: online, received Mon 2/3 09:00, resolved on its due day before the due moment.
    on_time = online(civil, at(2, 8), received=at(2, 9))
    assert on_time.due_at == at(9, 9)
    on_time = review(on_time, "specialist.kimlong", at(2, 10))
    made["on_time"] = resolve(on_time, "specialist.kimlong", at(9, 8, 30))
    # Late: a business-household dossier due Tue 10/3 09:00, rejected on Wed 11/3.
    late = review(
        desk(business, KIM_LONG, "clerk.kimlong", at(3, 9)), "specialist.kimlong", at(3, 10)
    )
    with freeze_time(at(11, 10)):
        made["late"] = services.dossier_reject(
            dossier=late, actor=user("specialist.kimlong"), reason="Không đủ điều kiện"
        )
    # On track: received this morning, being processed.
    made["on_track"] = review(
        desk(civil, KIM_LONG, "clerk.kimlong", at(20, 7, 30)), "specialist.kimlong", at(20, 8)
    )
    # Overdue: online, received 2/3, never picked up (due 9/3).
    made["overdue"] = online(civil, at(2, 8, 15), received=at(2, 9))
    # Withdrawn: received, then withdrawn; counted as received only.
    withdrawn = desk(civil, KIM_LONG, "clerk.kimlong", at(4, 9))
    with freeze_time(at(5, 9)):
        made["withdrawn"] = services.dossier_withdraw(
            dossier=withdrawn, actor=user("clerk.kimlong"), reason="Công dân rút hồ sơ"
        )
    # Thuận Hóa: finished early.
    other = review(
        desk(civil, THUAN_HOA, "clerk.thuanhoa", at(5, 9)), "specialist.thuanhoa", at(5, 9, 30)
    )
    made["thuanhoa"] = resolve(other, "specialist.thuanhoa", at(6, 9))
    # Outside the cohort: received in February; submitted online and never received.
    made["february"] = desk(civil, KIM_LONG, "clerk.kimlong", at(27, 9, month=2))
    made["unreceived"] = online(civil, at(10, 8))
    for key, word in [
        ("early", "early"),
        ("on_time", "on_time"),
        ("late", "late"),
        ("on_track", "on_track"),
        ("overdue", "overdue"),
    ]:
        assert timeliness.of(made[key], NOW) == word, key
    return made


def get_stats(api, username, **params):
    with freeze_time(NOW):
        return api(username).get("/api/v1/stats/", params)


KIM_LONG_MARCH = {
    "received": 6,
    "online": 2,
    "online_rate": 33.3,
    "resolved": 3,
    "resolved_early": 1,
    "resolved_on_time": 1,
    "resolved_late": 1,
    "on_time_rate": 66.7,
    "in_progress": 2,
    "on_track": 1,
    "overdue": 1,
    "satisfaction": None,
    "progress_score": 10.0,
}
CITY_MARCH = {
    "received": 7,
    "online": 2,
    "online_rate": 28.6,
    "resolved": 4,
    "resolved_early": 2,
    "resolved_on_time": 1,
    "resolved_late": 1,
    "on_time_rate": 75.0,
    "in_progress": 2,
    "on_track": 1,
    "overdue": 1,
    "satisfaction": None,
    "progress_score": 11.43,
}
ZERO = {
    "received": 0,
    "online": 0,
    "online_rate": None,
    "resolved": 0,
    "resolved_early": 0,
    "resolved_on_time": 0,
    "resolved_late": 0,
    "on_time_rate": None,
    "in_progress": 0,
    "on_track": 0,
    "overdue": 0,
    "satisfaction": None,
    "progress_score": None,
}


# --- Figures ----------------------------------------------------------------------------------


def test_an_official_gets_the_citys_figures_for_the_dossiers_received_in_the_period(api, march):
    response = get_stats(api, "official.hue", **MARCH)
    assert response.status_code == 200, response.json()
    assert response.json() == CITY_MARCH


def test_a_unit_filter_counts_the_dossiers_its_unit_handles(api, march):
    response = get_stats(api, "official.hue", unit=KIM_LONG, **MARCH)
    assert response.json() == KIM_LONG_MARCH
    thuan_hoa = get_stats(api, "official.hue", unit=THUAN_HOA, **MARCH).json()
    assert thuan_hoa["received"] == 1
    assert thuan_hoa["resolved_early"] == 1
    assert thuan_hoa["on_time_rate"] == 100.0
    assert thuan_hoa["progress_score"] == 20.0


def test_without_dates_the_period_is_the_current_month_up_to_today(api, march):
    assert get_stats(api, "official.hue").json() == CITY_MARCH
    with freeze_time(at(2, 12, month=4)):
        april = api("official.hue").get("/api/v1/stats/").json()
    assert april == ZERO


def test_the_period_is_counted_by_receipt_date_in_vietnam_both_ends_included(api, march):
    second = get_stats(api, "official.hue", **{"from": "2026-03-02", "to": "2026-03-02"}).json()
    # Received on 2/3: the early, the on-time and the overdue dossier.
    assert (second["received"], second["resolved"], second["overdue"]) == (3, 2, 1)
    february = get_stats(api, "official.hue", **{"from": "2026-02-01", "to": "2026-02-28"}).json()
    assert february["received"] == 1
    assert february["overdue"] == 1


def test_field_and_procedure_filters_narrow_the_cohort(api, march, business):
    civil = get_stats(api, "official.hue", field="civil-status-registration", **MARCH).json()
    assert (civil["received"], civil["resolved"], civil["resolved_late"]) == (6, 3, 0)
    assert civil["on_time_rate"] == 100.0
    one = get_stats(api, "official.hue", procedure=business.code, **MARCH).json()
    assert one == {
        **ZERO,
        "received": 1,
        "online_rate": 0.0,
        "resolved": 1,
        "resolved_late": 1,
        "on_time_rate": 0.0,
        "progress_score": 0.0,
    }


def test_grouped_by_unit_every_ward_has_a_row_and_the_rows_add_up(api, march):
    rows = get_stats(api, "official.hue", group_by="unit", **MARCH).json()
    by_code = {row["code"]: row for row in rows}
    assert len(rows) == Unit.objects.filter(kind__in=["ward", "commune", "special_zone"]).count()
    kim_long = by_code[KIM_LONG]
    assert kim_long.pop("name") == "Phường Kim Long"
    assert kim_long.pop("code") == KIM_LONG
    assert kim_long == KIM_LONG_MARCH
    assert by_code[THUAN_HOA]["received"] == 1
    assert {k: v for k, v in by_code["19777"].items() if k not in ("code", "name")} == ZERO
    assert sum(row["received"] for row in rows) == CITY_MARCH["received"]


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


def test_the_figures_are_one_aggregate_query(api, march):
    for params in ({}, {"group_by": "unit"}, {"group_by": "field"}):
        with CaptureQueriesContext(connection) as queries:
            assert get_stats(api, "official.hue", **MARCH, **params).status_code == 200
        counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        assert len(counting) == 1, params


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
    assert get_stats(api, "admin", **MARCH).json() == CITY_MARCH


def test_a_leader_reads_their_own_unit_only(api, march):
    assert get_stats(api, "leader.kimlong", **MARCH).json() == KIM_LONG_MARCH
    assert get_stats(api, "leader.kimlong", unit=KIM_LONG, **MARCH).json() == KIM_LONG_MARCH
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
    assert response.json() == ZERO


# --- Dashboard --------------------------------------------------------------------------------


def dashboard(client, username, **params):
    if username:
        client.force_login(user(username))
    with freeze_time(NOW):
        return client.get("/dashboard/", params)


def row(html, code):
    match = re.search(rf'<tr data-unit="{code}">(.*?)</tr>', html, re.S)
    assert match, code
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    ]


def test_the_dashboard_shows_kim_longs_row_with_vietnamese_numbers(client, march):
    response = dashboard(client, "official.hue", **MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert row(html, KIM_LONG) == ["Phường Kim Long", "6", "33,3%", "3", "66,7%", "2", "1", "10,0"]
    none = "\u2013"  # the dash shown where there is no figure
    assert row(html, "19777")[1:] == ["0", none, "0", none, "0", "0", none]
    # Headline figures for the whole city: online 28,6 %, on time 75,0 %, progress 11,4 / 20.
    assert "28,6%" in html
    assert "75,0%" in html
    assert "11,4<small>/20</small>" in html
    assert "civil-status-registration" in html
    assert march["overdue"].code in html
    assert march["on_track"].code not in html


def test_the_ward_table_sorts_by_the_column_links(client, march):
    html = dashboard(client, "official.hue", sort="received", dir="desc", **MARCH).content.decode()
    codes = re.findall(r'<tr data-unit="(\d+)">', html)
    assert codes[:2] == [KIM_LONG, THUAN_HOA]
    assert "sort=received&amp;dir=asc" in html
    html = dashboard(client, "official.hue", sort="received", dir="asc", **MARCH).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)">', html)[-1] == KIM_LONG


def test_the_dashboard_follows_the_same_access_rules(client, march):
    response = dashboard(client, None)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]
    for username in ("citizen", "clerk.kimlong"):
        assert dashboard(client, username).status_code == 403
    html = dashboard(client, "leader.kimlong", **MARCH).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)">', html) == [KIM_LONG]
    assert dashboard(client, "leader.kimlong", unit=THUAN_HOA, **MARCH).status_code == 404


def test_the_dashboard_explains_bad_input_and_shows_the_current_month(client, march):
    response = dashboard(client, "official.hue", **{"from": "2026-04-01", "to": "2026-03-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert row(html, KIM_LONG)[1] == "6"


def test_the_dashboard_unit_filter_narrows_everything(client, march):
    html = dashboard(client, "official.hue", unit=THUAN_HOA, **MARCH).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)">', html) == [THUAN_HOA]
    assert march["overdue"].code not in html
    assert date(2026, 3, 1).strftime("%d/%m/%Y") in html
