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

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from applications import services, timeliness
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
