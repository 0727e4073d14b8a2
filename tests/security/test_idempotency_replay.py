"""Issue 8, item 1: a submission key returns what it made to its sender only.

An outside attacker replayed the demo's keys from a fresh account and received 299 of 300
dossiers of 40 wards (ID numbers, phones, history), and anonymous callers received other
people's neighbourhood reports with their rating keys. Now another citizen, another ward's clerk
or an anonymous caller replaying a key gets a new submission of their own or a 409 without data;
the sender replaying (double click, retried request) gets the same dossier or report, once.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from applications.demo import seed_dossiers
from applications.models import Dossier
from feedback.demo import seed_feedback
from feedback.models import Report
from portal.accounts.models import User
from tests.applications.conftest import desk_payload, online_payload

SECRETS = ("046190005678", "0905123456", "Nguyễn Thị Lan")


@pytest.fixture
def procedure(demo):
    from procedures.models import Procedure

    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def as_user(username=None):
    client = APIClient()
    if username:
        client.force_authenticate(User.objects.get(username=username))
    return client


def post_dossier(client, procedure, **extra):
    return client.post("/api/v1/dossiers/", online_payload(procedure, **extra), format="multipart")


def shows_nothing_of(response, dossier) -> bool:
    text = response.content.decode()
    return dossier.code not in text and not any(s in text for s in SECRETS)


# --- Dossiers ---------------------------------------------------------------------------------


def test_the_sender_replaying_a_dossier_key_gets_the_same_dossier_once(procedure):
    first = post_dossier(as_user("citizen"), procedure, submission_key="k-1")
    again = post_dossier(as_user("citizen"), procedure, submission_key="k-1")
    header = as_user("citizen").post(
        "/api/v1/dossiers/",
        online_payload(procedure),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert first.status_code == 201
    assert first.json()["code"] == again.json()["code"] == header.json()["code"]
    assert Dossier.objects.count() == 1


def test_another_citizen_replaying_a_dossier_key_gets_a_new_dossier_of_their_own(procedure):
    owner = post_dossier(as_user("citizen"), procedure, submission_key="k-1").json()
    other = post_dossier(
        as_user("citizen2"),
        procedure,
        submission_key="k-1",
        applicant_name="Trần Văn Minh",
        applicant_id_number="046090009999",
        applicant_phone="0914654321",
    )
    assert other.status_code == 201
    assert other.json()["code"] != owner["code"]
    assert shows_nothing_of(other, Dossier.objects.get(code=owner["code"]))
    assert Dossier.objects.get(code=other.json()["code"]).applicant_user.username == "citizen2"


def test_another_wards_clerk_replaying_a_desk_key_gets_no_data(procedure):
    kim_long = as_user("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure, submission_key="walk-in-1"), format="json"
    )
    assert kim_long.status_code == 201
    dossier = Dossier.objects.get(code=kim_long.json()["code"])
    replay = as_user("clerk.thuanhoa").post(
        "/api/v1/dossiers/",
        desk_payload(
            procedure,
            unit="19789",
            submission_key="walk-in-1",
            applicant_name="Hồ Văn Bình",
            applicant_id_number="046090007777",
            applicant_phone="0905333444",
        ),
        format="json",
    )
    assert replay.status_code == 201
    text = replay.content.decode()
    assert dossier.code not in text
    assert "046090001234" not in text
    assert "0905111222" not in text
    assert "Nguyễn Văn An" not in text


def test_another_wards_clerk_replaying_a_desk_key_on_the_desk_page_lands_on_their_own(
    client, procedure
):
    docs = [str(d.pk) for d in procedure.current_version.documents.all() if d.required]
    walk_in = {
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "046090001234",
        "applicant_phone": "0905111222",
        "channel": "desk",
        "submission_key": "walk-in-1",
        "checked": docs,
    }
    client.force_login(User.objects.get(username="clerk.kimlong"))
    first = client.post(f"/desk/tiep-nhan/{procedure.code}/", {**walk_in, "unit": "19774"})
    client.force_login(User.objects.get(username="clerk.thuanhoa"))
    other = {**walk_in, "applicant_name": "Hồ Văn Bình", "applicant_id_number": "046090007777"}
    replay = client.post(f"/desk/tiep-nhan/{procedure.code}/", {**other, "unit": "19789"})
    assert first.status_code == replay.status_code == 302
    assert replay["Location"] != first["Location"]
    page = client.get(replay["Location"]).content.decode()
    assert "046090001234" not in page
    assert client.get(first["Location"]).status_code == 404


def test_anonymous_replaying_a_dossier_key_gets_no_data(procedure):
    post_dossier(as_user("citizen"), procedure, submission_key="k-1")
    replay = post_dossier(as_user(), procedure, submission_key="k-1")
    assert replay.status_code in (401, 403)
    assert shows_nothing_of(replay, Dossier.objects.get())
    assert Dossier.objects.count() == 1


def test_replaying_the_demo_dossier_keys_from_a_fresh_account_returns_none_of_them(procedure):
    seed_dossiers()
    demo = {d.submission_key: d for d in Dossier.objects.filter(submission_key__startswith="demo-")}
    assert len(demo) == 300
    fresh = User.objects.create_user("fresh.attacker", password="x" * 12)
    client = as_user(fresh.username)
    for n in range(1, 11):
        response = post_dossier(client, procedure, submission_key=f"demo-{n}")
        assert response.status_code == 201
        stolen = demo[f"demo-{n}"]
        text = response.content.decode()
        assert stolen.code not in text
        assert stolen.applicant_id_number not in text
        assert stolen.applicant_phone not in text
    assert Dossier.objects.filter(applicant_user=fresh).count() == 10


def test_a_sender_who_can_no_longer_see_the_dossier_gets_a_conflict_without_data(procedure):
    kim_long = as_user("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure, submission_key="walk-in-1"), format="json"
    )
    clerk = User.objects.get(username="clerk.kimlong")
    clerk.staff_roles.all().delete()  # moved to another post
    replay = as_user("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure, submission_key="walk-in-1"), format="json"
    )
    assert replay.status_code == 409
    assert replay.json()["code"] == "duplicate_submission"
    assert "đã được tiếp nhận" in replay.json()["detail"]
    assert kim_long.json()["code"] not in replay.content.decode()
    assert "046090001234" not in replay.content.decode()


def _at_once(calls):
    """Run the calls in threads released together; each closes its own connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
def test_a_double_clicked_submit_sent_at_once_makes_one_dossier_without_a_gap(
    demo_transactional,
):
    from procedures.models import Procedure

    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    responses = _at_once(
        [lambda: post_dossier(as_user("citizen"), procedure, submission_key="k-1")] * 2
    )
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["code"] == responses[1].json()["code"]
    assert Dossier.objects.count() == 1
    # The second click took no number: the next dossier is 0002.
    after = post_dossier(as_user("citizen"), procedure, submission_key="k-2").json()["code"]
    assert after.endswith("-0002")


# --- Neighbourhood reports --------------------------------------------------------------------


def report_payload(**extra):
    return {
        "category": "rubbish",
        "description": "Rác tồn đọng trước cổng chợ",
        "unit": "19774",
        "address": "Kiệt 65 Kim Long",
        "contact_name": "Nguyễn Văn Tư",
        "contact_phone": "0905777888",
        "contact_email": "reporter@example.vn",
        **extra,
    }


def post_report(client, **extra):
    return client.post("/api/v1/feedback/reports/", report_payload(**extra), format="json")


def report_data_in(response, report) -> list[str]:
    text = response.content.decode()
    return [
        v
        for v in (report.code, report.rating_key, "0905777888", "reporter@example.vn")
        if v in text
    ]


def test_anonymous_replaying_a_report_key_gets_409_without_data(demo):
    first = post_report(as_user(), submission_key="r-1")
    report = Report.objects.get(code=first.json()["code"])
    replay = post_report(as_user(), submission_key="r-1", description="Ai đó khác")
    assert replay.status_code == 409
    assert replay.json()["code"] == "duplicate_submission"
    assert "mã đánh giá" in replay.json()["detail"]  # Vietnamese first
    assert set(replay.json()) == {"code", "detail"}
    assert report_data_in(replay, report) == []
    assert Report.objects.count() == 1


def test_an_anonymous_sender_replaying_with_the_rating_key_gets_the_same_report(demo):
    first = post_report(as_user(), submission_key="r-1").json()
    again = post_report(as_user(), submission_key="r-1", rating_key=first["rating_key"].lower())
    assert again.status_code == 201
    assert again.json()["code"] == first["code"]
    wrong = post_report(as_user(), submission_key="r-1", rating_key="WRONGKEY22")
    assert wrong.status_code == 409
    assert Report.objects.count() == 1


def test_a_signed_in_reporter_replaying_gets_the_same_report_and_others_get_their_own(demo):
    first = post_report(as_user("citizen"), submission_key="r-1").json()
    again = post_report(as_user("citizen"), submission_key="r-1")
    assert again.json()["code"] == first["code"]
    report = Report.objects.get(code=first["code"])
    for other in (as_user("citizen2"), as_user("clerk.thuanhoa")):
        response = post_report(other, submission_key="r-1", contact_phone="", contact_email="")
        assert response.status_code == 201
        assert report_data_in(response, report) == []
    anonymous = post_report(as_user(), submission_key="r-1")
    assert anonymous.status_code == 201  # the anonymous namespace had no such key yet
    assert report_data_in(anonymous, report) == []
    assert Report.objects.count() == 4


def test_replaying_the_demo_report_keys_hands_out_no_report_and_no_rating_key(demo):
    seed_feedback()
    demo = {r.submission_key: r for r in Report.objects.filter(submission_key__startswith="demo")}
    assert len(demo) == 30
    for key, report in demo.items():
        anonymous = post_report(as_user(), submission_key=key)
        assert anonymous.status_code == 409
        assert report.code not in anonymous.content.decode()
        assert report.rating_key not in anonymous.content.decode()
    signed_in = post_report(as_user("citizen2"), submission_key="demo-feedback-00")
    assert signed_in.status_code == 201
    assert signed_in.json()["code"] != demo["demo-feedback-00"].code
    assert Report.objects.count() == 31


def _form(unit_pk, **extra):
    return {
        "category": "roads",
        "unit": unit_pk,
        "description": "Ổ gà lớn giữa đường",
        "address": "Đường Lý Nam Đế",
        "contact_phone": "0905777888",
        "is_public": "on",
        "submission_key": "form-1",
        **extra,
    }


def _browser(csrf_secret):
    from django.conf import settings
    from django.test import Client

    browser = Client()
    browser.cookies[settings.CSRF_COOKIE_NAME] = csrf_secret
    return browser


def test_an_anonymous_double_click_on_the_form_makes_one_report_for_that_browser_only(demo):
    from procedures.models import Unit

    unit_pk = str(Unit.objects.get(code="19774").pk)
    mine = _browser("a" * 32)
    first = mine.post("/phan-anh/", _form(unit_pk))
    again = mine.post("/phan-anh/", _form(unit_pk))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Report.objects.count() == 1
    report = Report.objects.get()
    theirs = _browser("b" * 32)
    replay = theirs.post("/phan-anh/", _form(unit_pk, contact_phone=""))
    assert replay.status_code == 302
    assert replay["Location"] != first["Location"]
    done = theirs.get(replay["Location"]).content.decode()
    assert report.rating_key not in done
    assert report.code not in done
    assert Report.objects.count() == 2
