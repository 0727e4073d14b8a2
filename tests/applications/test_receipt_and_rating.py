"""Issue 11, items 1 and 2, through the API: an online dossier's clock runs from its submission
(normalised to working time) whenever the desk accepts it, the desk's own check is timed, and
the applicant rates a finished dossier on the national satisfaction scheme."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from applications import deadlines
from applications.models import Complaint, Dossier
from applications.models.satisfaction import CRITERIA, band_of
from applications.selectors import stats
from applications.services.ratings_national import satisfaction_national
from portal.accounts.models import User
from portal.notifications.models import Notification
from procedures.models import Unit
from procedures.services import working_calendar
from tests.applications.conftest import online_payload

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KIM_LONG = "19774"


def act(api, user, code, action, **body):
    return api(user).post(f"/api/v1/dossiers/{code}/{action}/", body, format="json")


def submit_online(api, procedure, when: datetime, user="citizen") -> str:
    with freeze_time(when):
        response = api(user).post(
            "/api/v1/dossiers/", online_payload(procedure), format="multipart"
        )
    assert response.status_code == 201, response.json()
    return response.json()["code"]


# --- Receipt time ----------------------------------------------------------------------------


def test_an_online_dossier_is_due_from_its_submission_not_from_the_desks_check(api, procedure):
    # Sunday 8/3/2026 at 22:00, accepted on Monday 9/3 at 10:00.
    code = submit_online(api, procedure, datetime(2026, 3, 8, 22, 0, tzinfo=VN))
    with freeze_time(datetime(2026, 3, 9, 10, 0, tzinfo=VN)):
        received = act(api, "clerk.kimlong", code, "receive")
    assert received.status_code == 200, received.json()
    dossier = Dossier.objects.get(code=code)
    monday_morning = datetime(2026, 3, 9, 7, 0, tzinfo=VN)
    assert dossier.received_at == monday_morning
    version = dossier.procedure_version
    calendar = working_calendar(dossier.handling_unit)
    expected = calendar.due_at(
        monday_morning,
        unit=version.processing_unit,
        amount=version.processing_amount,
        cutoff=version.cutoff,
    )
    assert dossier.due_at == expected
    assert dossier.due_at.astimezone(VN).time() == monday_morning.time()  # not 10:00


def test_a_dossier_handed_in_at_the_desk_is_received_when_the_desk_takes_it(db):
    calendar = working_calendar()
    taken = datetime(2026, 3, 9, 10, 0, tzinfo=VN)
    assert deadlines.receipt_moment(calendar, channel="desk", submitted_at=None, now=taken) == taken
    # Sent online during the lunch break, checked the next morning: received at 13:30.
    online = deadlines.receipt_moment(
        calendar,
        channel="online",
        submitted_at=datetime(2026, 3, 9, 12, 0, tzinfo=VN),
        now=datetime(2026, 3, 10, 8, 0, tzinfo=VN),
    )
    assert online == datetime(2026, 3, 9, 13, 30, tzinfo=VN)


def test_dossiers_waiting_for_the_desk_longer_than_its_deadline_are_listed(api, procedure):
    assert deadlines.desk_check_hours() == 8
    late = submit_online(api, procedure, datetime(2026, 3, 9, 8, 0, tzinfo=VN))
    fresh = submit_online(api, procedure, datetime(2026, 3, 9, 16, 0, tzinfo=VN), "citizen2")
    checked = submit_online(api, procedure, datetime(2026, 3, 9, 7, 30, tzinfo=VN), "citizen2")
    with freeze_time(datetime(2026, 3, 9, 9, 0, tzinfo=VN)):
        assert act(api, "clerk.kimlong", checked, "receive").status_code == 200
    kim_long = Unit.objects.filter(code=KIM_LONG)
    # Monday 08:00 + 8 working hours = Tuesday 08:00.
    tuesday_nine = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    overdue = stats.waiting_for_desk_overdue(kim_long, tuesday_nine)
    assert [d.code for d in overdue] == [late]
    assert fresh not in [d.code for d in stats.waiting_for_desk_overdue(None, tuesday_nine)]
    monday_evening = datetime(2026, 3, 9, 18, 0, tzinfo=VN)
    assert not stats.waiting_for_desk_overdue(kim_long, monday_evening).exists()
    other = Unit.objects.exclude(code=KIM_LONG).filter(kind="ward")[:1]
    assert not stats.waiting_for_desk_overdue(other, tuesday_nine).exists()


# --- National satisfaction scheme -------------------------------------------------------------

ALL_TWO = dict.fromkeys(CRITERIA, 2)


def scores(total: int) -> dict:
    """Nine scores adding up to `total`."""
    values, left = {}, total
    for key in CRITERIA:
        values[key] = min(2, left)
        left -= values[key]
    return values


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (18, "excellent"),
        (16, "excellent"),
        (15, "good"),
        (12, "good"),
        (11, "fair"),
        (9, "fair"),
        (8, "average"),
        (6, "average"),
        (5, "poor"),
        (0, "poor"),
    ],
)
def test_the_bands_give_a_shared_end_to_the_higher_band(score, band):
    assert band_of(score) == band


@pytest.fixture
def finished(api, procedure):
    """An online dossier of `citizen`, received, processed and signed."""
    code = submit_online(api, procedure, datetime(2026, 3, 9, 8, 0, tzinfo=VN))
    with freeze_time(datetime(2026, 3, 9, 9, 0, tzinfo=VN)):
        assert act(api, "clerk.kimlong", code, "receive").status_code == 200
        assert (
            act(
                api, "clerk.kimlong", code, "start_review", assignee="specialist.kimlong"
            ).status_code
            == 200
        )
        assert act(api, "specialist.kimlong", code, "propose").status_code == 200
        assert act(api, "leader.kimlong", code, "approve").status_code == 200
    return code


def rate(api, user, code, criteria, comment=""):
    return api(user).post(
        f"/api/v1/dossiers/{code}/rating/", {"criteria": criteria, "comment": comment}, "json"
    )


def test_the_applicant_rates_once_and_gets_the_score_and_band(api, finished):
    response = rate(api, "citizen", finished, scores(13))
    assert response.status_code == 201, response.json()
    assert response.json() == {"score": 13, "band": "good"}
    again = rate(api, "citizen", finished, ALL_TWO)
    assert again.status_code == 400
    assert again.json()["code"] == "rating_not_allowed"
    assert not Complaint.objects.filter(dossier__code=finished).exists()


def test_a_poor_rating_opens_a_complaint_and_tells_the_handler(api, finished):
    response = rate(api, "citizen", finished, scores(4), comment="Phải đi lại nhiều lần")
    assert response.json() == {"score": 4, "band": "poor"}
    complaint = Complaint.objects.get(dossier__code=finished)
    assert complaint.text == "Phải đi lại nhiều lần"
    told = set(
        Notification.objects.filter(
            dossier__code=finished, template="national_rating_poor"
        ).values_list("recipient__username", flat=True)
    )
    assert {"specialist.kimlong", "leader.kimlong"} <= told
    leader_page = api("leader.kimlong").get("/api/v1/dossiers/")  # the leader still reads it
    assert leader_page.status_code == 200


def test_only_the_applicant_rates_and_only_after_the_result(api, procedure, finished):
    assert rate(api, "citizen2", finished, ALL_TWO).status_code == 404
    assert rate(api, "clerk.kimlong", finished, ALL_TWO).status_code == 404
    assert rate(api, "clerk.thuanhoa", finished, ALL_TWO).status_code == 404
    assert rate(api, None, finished, ALL_TWO).status_code in (401, 403)
    waiting = submit_online(api, procedure, datetime(2026, 3, 9, 8, 0, tzinfo=VN))
    early = rate(api, "citizen", waiting, ALL_TWO)
    assert early.status_code == 400
    assert early.json()["code"] == "rating_not_allowed"


@pytest.mark.parametrize(
    "criteria",
    [
        None,
        "all good",
        {},
        {**ALL_TWO, "total_time": 3},
        {**ALL_TWO, "total_time": -1},
        {**ALL_TWO, "total_time": "2"},
        {**ALL_TWO, "total_time": True},
        {**ALL_TWO, "extra": 2},
        {k: v for k, v in ALL_TWO.items() if k != "online"},
    ],
)
def test_scores_outside_the_scheme_are_refused_with_a_clear_message(api, finished, criteria):
    response = rate(api, "citizen", finished, criteria)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid_rating"
    assert "0, 1" in response.json()["detail"]
    assert rate(api, "citizen", finished, ALL_TWO).json() == {"score": 18, "band": "excellent"}


def test_the_stats_figure_counts_the_ratings_and_their_average_band(api, finished):
    dossiers = Dossier.objects.filter(code=finished)
    assert satisfaction_national(dossiers) == {"rated": 0, "average": None, "band": None}
    rate(api, "citizen", finished, scores(11))
    assert satisfaction_national(dossiers) == {"rated": 1, "average": 11.0, "band": "fair"}


def test_the_citizens_page_offers_the_national_survey_once_after_the_result(client, finished):
    client.force_login(User.objects.get(username="citizen"))
    page = client.get(f"/ho-so-cua-toi/{finished}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    url = f"/ho-so-cua-toi/{finished}/danh-gia-quoc-gia/"
    assert url in page
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert form.status_code == 200
    assert form.content.decode().count('type="radio"') == 27
    incomplete = client.post(url, {"total_time": "2"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert incomplete.status_code == 400
    answered = client.post(url, {**dict.fromkeys(CRITERIA, "1"), "comment": ""})
    assert answered.status_code == 302
    rating = Dossier.objects.get(code=finished).national_rating
    assert (rating.score, rating.band) == (9, "fair")
    assert client.get(url).status_code == 302  # once
    assert url not in client.get(f"/ho-so-cua-toi/{finished}/").content.decode()


def test_another_citizen_gets_no_survey_page(client, finished):
    client.force_login(User.objects.get(username="citizen2"))
    url = f"/ho-so-cua-toi/{finished}/danh-gia-quoc-gia/"
    assert client.get(url).status_code == 404
    assert client.post(url, dict.fromkeys(CRITERIA, "0")).status_code == 404
    assert not Complaint.objects.filter(dossier__code=finished).exists()
