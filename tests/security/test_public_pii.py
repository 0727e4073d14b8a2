"""Issue 8, item 5: personal data stays out of public output, URLs and logs.

A 12-digit ID number or a "(+84) 912 345 678" phone typed into a report showed on the public map
and in Open311; a report kept off the map was readable by its sequential code; whole e-mails
landed in the worker log by default; the look-up's phone digits sat in query strings.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from applications.models import Dossier
from feedback import services
from feedback.models import Report
from portal.accounts.models import User
from tests.applications.conftest import desk_payload

ID_NUMBER = "046090001234"
PHONE = "(+84) 912 345 678"
PHONE_DIGITS = ("912 345 678", "912345678")
EMAIL = "an.nguyen@gmail.com"
TYPED = f"Ổ gà lớn. Gọi tôi {PHONE} hoặc {EMAIL}, CCCD {ID_NUMBER}."
ANSWER_WITH_PHONE = "Đã vá ổ gà. Đội thi công: anh Bình 0905.333.444."


def as_user(username=None):
    client = APIClient()
    if username:
        client.force_authenticate(User.objects.get(username=username))
    return client


def leaks(text: str) -> list[str]:
    found = [s for s in (ID_NUMBER, EMAIL, "0905.333.444", *PHONE_DIGITS) if s in text]
    return found


@pytest.fixture
def typed_report(demo):
    """A public report whose resident typed their phone, e-mail and ID into it, answered by a
    staff member whose answer names a phone too."""
    response = as_user().post(
        "/api/v1/feedback/reports/",
        {
            "category": "roads",
            "description": TYPED,
            "unit": "19774",
            "address": f"Kiệt 65 Kim Long, liên hệ {PHONE}",
            "latitude": "16.458500",
            "longitude": "107.552000",
        },
        format="json",
    )
    assert response.status_code == 201
    assert leaks(response.content.decode()) == []
    report = Report.objects.get(code=response.json()["code"])
    leader = User.objects.get(username="leader.kimlong")
    handler = User.objects.get(username="specialist.kimlong")
    report = services.report_assign(report=report, actor=leader, assignee=handler)
    report = services.report_start(report=report, actor=handler)
    return services.report_resolve(report=report, actor=handler, answer=ANSWER_WITH_PHONE)


# --- PII typed into a report -------------------------------------------------------------------


def test_pii_typed_into_a_report_is_not_on_the_public_map(typed_report):
    html = Client().get("/phan-anh/ban-do/").content.decode()
    assert typed_report.code in html
    assert leaks(html) == []


def test_pii_typed_into_a_report_is_not_on_its_follow_page(typed_report):
    citizen2 = Client()
    citizen2.force_login(User.objects.get(username="citizen2"))
    for client in (Client(), citizen2):
        html = client.get(f"/phan-anh/{typed_report.code}/").content.decode()
        assert "Ổ gà lớn" in html
        assert leaks(html) == []


def test_pii_typed_into_a_report_is_not_in_open311(typed_report):
    listing = Client().get("/open311/v2/requests.json")
    one = Client().get(f"/open311/v2/requests/{typed_report.code}.json")
    assert typed_report.code in listing.content.decode()
    assert one.status_code == 200
    for response in (listing, one):
        assert leaks(response.content.decode()) == []


def test_pii_typed_into_a_report_is_not_in_the_feedback_api(typed_report):
    response = as_user().get(f"/api/v1/feedback/reports/{typed_report.code}/")
    assert response.status_code == 200
    body = response.json()
    assert "[…]" in body["description"]
    assert leaks(response.content.decode()) == []
    assert [e["note"] for e in body["history"] if e["action"] == "resolve"] == [
        "Đã vá ổ gà. Đội thi công: anh Bình […]."
    ]


def test_the_wards_staff_still_read_what_the_resident_typed(typed_report):
    staff = Client()
    staff.force_login(User.objects.get(username="clerk.kimlong"))
    html = staff.get(f"/phan-anh/quan-ly/{typed_report.code}/").content.decode()
    assert ID_NUMBER in html
    assert EMAIL in html


# --- A report kept off the map -----------------------------------------------------------------


@pytest.fixture
def private_report(demo):
    response = as_user().post(
        "/api/v1/feedback/reports/",
        {
            "category": "security",
            "description": "Hàng xóm tụ tập đánh bạc",
            "unit": "19774",
            "address": "Kiệt 12 Kim Long",
            "is_public": False,
        },
        format="json",
    )
    assert response.status_code == 201
    return Report.objects.get(code=response.json()["code"]), response.json()["rating_key"]


def test_a_report_kept_off_the_map_does_not_open_by_its_code(private_report):
    report, _ = private_report
    citizen2 = Client()
    citizen2.force_login(User.objects.get(username="citizen2"))
    other_ward = Client()
    other_ward.force_login(User.objects.get(username="clerk.thuanhoa"))
    for client in (Client(), citizen2, other_ward):
        page = client.get(f"/phan-anh/{report.code}/")
        assert page.status_code == 404
        assert "đánh bạc" not in page.content.decode()
    for api in (as_user(), as_user("citizen2"), as_user("clerk.thuanhoa")):
        response = api.get(f"/api/v1/feedback/reports/{report.code}/")
        assert response.status_code == 404
        assert "đánh bạc" not in response.content.decode()
        rating = api.post(f"/api/v1/feedback/reports/{report.code}/rating/", {"score": 5})
        assert rating.status_code == 404
    assert Client().get(f"/open311/v2/requests/{report.code}.json").status_code == 404
    listing = Client().get("/open311/v2/requests.json", {"service_request_id": report.code})
    assert listing.json() == []
    assert report.code not in Client().get("/phan-anh/ban-do/").content.decode()


def test_a_report_kept_off_the_map_an_unknown_code_and_a_wrong_key_look_alike(private_report):
    report, _ = private_report
    unknown = as_user().get("/api/v1/feedback/reports/PA-19774-000000-9999/")
    wrong = as_user().get(f"/api/v1/feedback/reports/{report.code}/", HTTP_X_RATING_KEY="NOPE")
    assert unknown.status_code == wrong.status_code == 404
    assert unknown.json() == wrong.json()


def test_the_reporter_opens_a_report_kept_off_the_map_with_its_rating_key(private_report):
    report, key = private_report
    api = as_user().get(f"/api/v1/feedback/reports/{report.code}/", HTTP_X_RATING_KEY=key)
    assert api.status_code == 200
    browser = Client()
    lookup = browser.post("/phan-anh/theo-doi/", {"code": report.code, "key": key.lower()})
    assert lookup.status_code == 302
    assert key not in lookup["Location"]
    page = browser.get(lookup["Location"])
    assert page.status_code == 200
    assert "đánh bạc" in page.content.decode()
    wrong = Client().post("/phan-anh/theo-doi/", {"code": report.code, "key": "WRONGKEY22"})
    assert wrong.status_code == 404


def test_the_reporter_who_sent_it_from_the_form_follows_it_in_the_same_browser(demo):
    from procedures.models import Unit

    browser = Client()
    sent = browser.post(
        "/phan-anh/",
        {
            "category": "security",
            "unit": str(Unit.objects.get(code="19774").pk),
            "description": "Hàng xóm tụ tập đánh bạc",
            "address": "Kiệt 12 Kim Long",
            "submission_key": "form-private",
        },
    )
    report = Report.objects.get()
    assert sent.status_code == 302
    assert not report.is_public
    assert browser.get(f"/phan-anh/{report.code}/").status_code == 200
    assert Client().get(f"/phan-anh/{report.code}/").status_code == 404


def test_a_report_kept_off_the_map_opens_for_its_signed_in_reporter_and_the_wards_staff(demo):
    created = as_user("citizen").post(
        "/api/v1/feedback/reports/",
        {"category": "other", "description": "Riêng tư", "unit": "19774", "address": "Kiệt 3"},
        format="json",
    )
    code = created.json()["code"]
    Report.objects.filter(code=code).update(is_public=False)
    for username in ("citizen", "clerk.kimlong", "official.hue"):
        assert as_user(username).get(f"/api/v1/feedback/reports/{code}/").status_code == 200
    assert as_user("citizen2").get(f"/api/v1/feedback/reports/{code}/").status_code == 404


# --- Staff lists below leader level ------------------------------------------------------------


def test_citizen_ids_and_phones_are_masked_in_staff_lists_below_leader_level(demo):
    from procedures.models import Procedure

    procedure = (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )
    created = as_user("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure), format="json"
    )
    assert created.status_code == 201
    services.report_create(
        category="rubbish",
        description="Rác",
        unit=Dossier.objects.get().receiving_unit,
        address="Kiệt 1",
        contact=services.Contact(phone="0905777888"),
    )
    for username in ("clerk.kimlong", "specialist.kimlong"):
        rows = as_user(username).get("/api/v1/dossiers/").json()["results"]
        assert [r["applicant_id_number"] for r in rows] == ["•••••••••234"]
        assert [r["applicant_phone"] for r in rows] == ["•••••••222"]
        page = Client()
        page.force_login(User.objects.get(username=username))
        queue = page.get("/desk/").content.decode()
        reports = page.get("/phan-anh/quan-ly/").content.decode()
        for html in (queue, reports):
            assert "046090001234" not in html
            assert "0905111222" not in html
            assert "0905777888" not in html
        assert "888" in reports


def test_the_follow_up_form_opens_a_private_report_for_nobody_without_its_key(private_report):
    report, _ = private_report
    citizen2 = Client()
    citizen2.force_login(User.objects.get(username="citizen2"))
    other_ward = Client()
    other_ward.force_login(User.objects.get(username="clerk.thuanhoa"))
    for client in (Client(), citizen2, other_ward):
        for data in ({"code": report.code}, {"code": report.code, "key": "WRONGKEY22"}):
            response = client.post("/phan-anh/theo-doi/", data, follow=True)
            assert response.status_code == 404
            assert "đánh bạc" not in response.content.decode()
