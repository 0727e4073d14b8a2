"""Officials' statistics: `GET /api/v1/stats/` and the `/dashboard/` page.

The March 2026 cohort below is built through the services under frozen time, so every outcome is
known: Kim Long (19774) receives six dossiers in March (one early, one on time, one late, one on
track, one overdue, one withdrawn), Thuận Hóa (19789) one finished early; one Kim Long dossier
received in February and one online submission never received stay out of the figures. The
on-time dossier's applicant rates it (4 overall).

Neighbourhood reports in March, through `feedback.services`: Kim Long gets six (picked up on
time and resolved the same day; picked up late after the leader was told and resolved the next
day; made on a Saturday evening and resolved on the Monday; a fire rejected before its 15
minutes ran out; one never picked up, the leader told; one made this morning, not yet due),
Thuận Hóa one picked up on time and still being handled; one Kim Long report of February stays
out.
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
from applications.models import Complaint, Dossier
from feedback import services as feedback
from portal.accounts.models import Role, StaffRole, User
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


def online(procedure, submitted, received=None, *, unit=KIM_LONG, by="citizen"):
    with freeze_time(submitted):
        dossier = services.dossier_create(
            procedure=procedure,
            unit=Unit.objects.get(code=unit),
            applicant=services.Applicant(name="Nguyễn Thị Lan", phone="0905123456"),
            channel="online",
            actor=user(by),
            files={doc: pdf(f"doc{doc}.pdf") for doc in required_docs(procedure)},
        )
    if received:
        clerk = "clerk.kimlong" if unit == KIM_LONG else "clerk.thuanhoa"
        with freeze_time(received):
            dossier = services.dossier_receive(dossier=dossier, actor=user(clerk))
    return dossier


def rate(dossier, when, overall, time, attitude, guidance, transparency, comment=""):
    scores = {
        "overall": overall,
        "time": time,
        "attitude": attitude,
        "guidance": guidance,
        "transparency": transparency,
    }
    with freeze_time(when):
        return services.rating_submit(
            dossier=dossier, user=dossier.applicant_user, scores=scores, comment=comment
        )


def report(unit, category, when):
    with freeze_time(when):
        return feedback.report_create(
            category=category,
            description="Rác tồn đọng trước cổng chợ",
            unit=Unit.objects.get(code=unit),
            address="Kiệt 65 Kim Long",
            contact=feedback.Contact(name="Nguyễn Văn Tư", phone="0905777888"),
        )


def pick_up(item, when, clerk="clerk.kimlong", assignee="specialist.kimlong"):
    with freeze_time(when):
        return feedback.report_assign(report=item, actor=user(clerk), assignee=user(assignee))


def handle(item, started, resolved, by="specialist.kimlong"):
    with freeze_time(started):
        item = feedback.report_start(report=item, actor=user(by))
    with freeze_time(resolved):
        return feedback.report_resolve(report=item, actor=user(by), answer="Đã thu gom")


def rate_report(item, when, score):
    with freeze_time(when):
        return feedback.report_rate(report=item, score=score, key=item.rating_key)


def sweep(when):
    with freeze_time(when):
        return feedback.escalate_unattended()


def review(dossier, specialist, when):
    with freeze_time(when):
        return services.dossier_start_review(dossier=dossier, actor=user(specialist))


def resolve(dossier, specialist, when):
    with freeze_time(when):
        return services.dossier_resolve(dossier=dossier, actor=user(specialist))


@pytest.fixture
def civil(demo, delegated_signatures):
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
def march(civil, business, march_reports):
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
    # On time: sent Mon 2/3 09:00 (checked 10:00), resolved on its due day before the due moment.
    on_time = online(civil, at(2, 9), received=at(2, 10))
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
    # The on-time dossier's applicant rates it once it is resolved.
    rate(made["on_time"], at(9, 10), overall=4, time=5, attitude=4, guidance=3, transparency=4)
    for key, word in [
        ("early", "early"),
        ("on_time", "on_time"),
        ("late", "late"),
        ("on_track", "on_track"),
        ("overdue", "overdue"),
    ]:
        assert timeliness.of(made[key], NOW) == word, key
    return made


@pytest.fixture
def march_reports(demo):
    made = {}
    made["february"] = report(KIM_LONG, "rubbish", at(27, 9, month=2))
    # Tue 10/3 09:00, due to be picked up at 11:00: picked up at 10:00, resolved at 15:00.
    made["same_day"] = handle(
        pick_up(report(KIM_LONG, "rubbish", at(10, 9)), at(10, 10)), at(10, 11), at(10, 15)
    )
    # Tue 10/3 16:30, due Wed 08:30: the sweep tells the leader 08:45; picked up 09:00, done 10:00.
    late = report(KIM_LONG, "pavement", at(10, 16, 30))
    assert sweep(at(11, 8, 45)) == 2  # this one and February's, never picked up
    made["next_day"] = handle(pick_up(late, at(11, 9)), at(11, 9, 30), at(11, 10))
    # Saturday 14/3 evening: due Monday 09:00, picked up at 08:00 and resolved Monday morning,
    # the working day it belongs to.
    weekend = report(KIM_LONG, "rubbish", at(14, 20))
    made["weekend"] = handle(pick_up(weekend, at(16, 8)), at(16, 8, 30), at(16, 11))
    # A fire on Wed 18/3 14:00 (15 minutes to pick up), rejected as a duplicate at 14:05.
    fire = report(KIM_LONG, "fire", at(18, 14))
    with freeze_time(at(18, 14, 5)):
        made["fire"] = feedback.report_reject(
            report=fire, actor=user("clerk.kimlong"), reason="Trùng phản ánh PA trước"
        )
    # Thu 19/3 09:00, never picked up: the leader is told at 11:30.
    made["unattended"] = report(KIM_LONG, "roads", at(19, 9))
    assert sweep(at(19, 11, 30)) == 1
    # This morning, 09:30: due at 11:30, not judged yet at 10:00.
    made["fresh"] = report(KIM_LONG, "rubbish", at(20, 9, 30))
    # Thuận Hóa: Mon 16/3 08:00, picked up at 08:30, still open.
    made["thuanhoa"] = pick_up(
        report(THUAN_HOA, "flooding", at(16, 8)),
        at(16, 8, 30),
        clerk="clerk.thuanhoa",
        assignee="clerk.thuanhoa",
    )
    rate_report(made["same_day"], at(10, 18), 5)
    rate_report(made["next_day"], at(11, 18), 3)
    rate_report(made["weekend"], at(16, 18), 4)
    rate_report(made["fire"], at(18, 18), 1)
    return made


def get_stats(api, username, **params):
    with freeze_time(NOW):
        return api(username).get("/api/v1/stats/", params)


NOT_RATED = {
    "rated": 0,
    "average": None,
    "satisfied_rate": None,
    "by_criterion": {"time": None, "attitude": None, "guidance": None, "transparency": None},
    "complaints": 0,
}
ONE_RATING = {
    "rated": 1,
    "average": 4.0,
    "satisfied_rate": 100.0,
    "by_criterion": {"time": 5.0, "attitude": 4.0, "guidance": 3.0, "transparency": 4.0},
    "complaints": 0,
}
NO_FEEDBACK = {
    "received": 0,
    "emergencies": 0,
    "resolved": 0,
    "rejected": 0,
    "open": 0,
    "picked_up_on_time_rate": None,
    "resolved_same_day_rate": None,
    "escalated": 0,
    "rated": 0,
    "satisfaction": None,
}
KIM_LONG_FEEDBACK = {
    "received": 6,
    "emergencies": 1,
    "resolved": 3,
    "rejected": 1,
    "open": 2,
    # On time: same day, weekend, fire; late: next day, unattended; the fresh one not judged.
    "picked_up_on_time_rate": 60.0,
    # Same day, and the weekend one on the Monday; not the next-day one.
    "resolved_same_day_rate": 66.7,
    "escalated": 2,
    "rated": 4,
    "satisfaction": 3.25,
}
CITY_FEEDBACK = {
    **KIM_LONG_FEEDBACK,
    "received": 7,
    "open": 3,
    "picked_up_on_time_rate": 66.7,
}
THUAN_HOA_FEEDBACK = {**NO_FEEDBACK, "received": 1, "open": 1, "picked_up_on_time_rate": 100.0}
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
    "satisfaction": ONE_RATING,
    "progress_score": 10.0,
    # 766: 1 - (late 1 + overdue 1) ÷ 6 = 66.7 %, below 90 %: 6 * 0.667 ÷ 0.9.
    "satisfaction_score": 4.44,
    "feedback": KIM_LONG_FEEDBACK,
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
    "satisfaction": ONE_RATING,
    "progress_score": 11.43,
    # 1 - 2 ÷ 7 = 71.4 %: 6 * 0.714 ÷ 0.9.
    "satisfaction_score": 4.76,
    "feedback": CITY_FEEDBACK,
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
    "satisfaction": NOT_RATED,
    "progress_score": None,
    "satisfaction_score": None,
    "feedback": NO_FEEDBACK,
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
    assert thuan_hoa["satisfaction"] == NOT_RATED
    assert thuan_hoa["satisfaction_score"] == 6.0
    assert thuan_hoa["feedback"] == THUAN_HOA_FEEDBACK


def test_without_dates_the_period_is_the_current_month_up_to_today(api, march):
    assert get_stats(api, "official.hue").json() == CITY_MARCH
    with freeze_time(at(2, 12, month=4)):
        april = api("official.hue").get("/api/v1/stats/").json()
    assert april == ZERO


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
    one = get_stats(api, "official.hue", procedure=business.code, **MARCH).json()
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
    assert kim_long == KIM_LONG_MARCH
    assert by_code[THUAN_HOA]["received"] == 1
    assert by_code[THUAN_HOA]["feedback"] == THUAN_HOA_FEEDBACK
    assert {k: v for k, v in by_code["19777"].items() if k not in ("code", "name")} == ZERO
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
    # Dossiers with their ratings and complaints: one query; reports: one more (rows by field
    # have no feedback). The rest is the user's roles, the unit looked up and the calendar.
    for params, reports in (({}, 1), ({"group_by": "unit"}, 1), ({"group_by": "field"}, 0)):
        with (
            django_assert_max_num_queries(6),
            CaptureQueriesContext(connection) as queries,
        ):
            assert get_stats(api, "official.hue", **MARCH, **params).status_code == 200
        counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        on_dossiers = [sql for sql in counting if 'FROM "applications_dossier"' in sql]
        on_reports = [sql for sql in counting if 'FROM "feedback_report"' in sql]
        assert len(on_dossiers) == 1, params
        assert "applications_rating" in on_dossiers[0]
        assert len(on_reports) == reports, params
        assert len(counting) == 1 + reports, params


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


def dashboard(client, username, lang="vi", **params):
    if username:
        client.force_login(user(username))
    with freeze_time(NOW):
        client.cookies["motcua_language"] = lang
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
    assert row(html, KIM_LONG) == [
        "Phường Kim Long", "6", "33,3%", "3", "66,7%", "2", "1", "10,0", "4,00"
    ]  # fmt: skip
    none = "\u2013"  # the dash shown where there is no figure
    assert row(html, "19777")[1:] == ["0", none, "0", none, "0", "0", none, none]
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
    html = dashboard(client, "official.hue", sort="avg_rating", **MARCH).content.decode()
    # Only Kim Long has a rating; wards without one go last.
    assert re.findall(r'<tr data-unit="(\d+)">', html)[0] == KIM_LONG
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


def block(html, section):
    """The headline figures of a dashboard block: {label: value}."""
    match = re.search(rf'<dl class="figures" aria-labelledby="{section}">(.*?)</dl>', html, re.S)
    assert match, section
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", match.group(1), re.S)
    return {label: re.sub(r"<[^>]+>", "", value).strip() for label, value in pairs}


def test_the_dashboard_shows_satisfaction_and_neighbourhood_reports(client, march):
    # In English: labels as written here, figures as 4.00 and 66.7%.
    html = dashboard(client, "official.hue", lang="en", **MARCH).content.decode()
    assert block(html, "satisfaction") == {
        "Dossiers rated": "1",
        "Average rating": "4.00",
        "Satisfied (4 or 5)": "100.0%",
        "Dossiers with a complaint": "0",
        "Satisfaction score (766 index)": "4.8/6",
    }
    assert re.search(r'data-criterion="guidance">.*?<td>3.00</td>', html, re.S)
    assert block(html, "feedback") == {
        "Received": "7",
        "Emergencies": "1",
        "Resolved": "3",
        "Rejected": "1",
        "Open": "3",
        "Picked up on time": "66.7%",
        "Resolved the same day": "66.7%",
        "Leader told (not picked up in time)": "2",
        "Average rating": "3.25",
    }


def test_a_leaders_dashboard_counts_only_their_wards_reports(client, march):
    html = dashboard(client, "leader.kimlong", lang="en", **MARCH).content.decode()
    assert block(html, "feedback")["Open"] == "2"
    html = dashboard(client, "official.hue", lang="en", unit=THUAN_HOA, **MARCH).content.decode()
    assert block(html, "feedback")["Received"] == "1"
    assert block(html, "satisfaction")["Average rating"] == "\u2013"


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
