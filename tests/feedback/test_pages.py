"""Resident pages (report, follow, rate, map), the staff pages, and the portal's JSON API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback import services
from feedback.models import Report, State
from tests.feedback.conftest import EMAIL, JPEG, PDF, PHONE, new_report, user

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def en(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.cookies["motcua_language"] = "en"
    return client


def form_data(**extra):
    return {
        "category": "roads",
        "unit": "",
        "description": "Ổ gà lớn giữa đường",
        "address": "Đường Lý Nam Đế",
        "latitude": "16.4585",
        "longitude": "107.5520",
        "contact_name": "Nguyễn Văn Tư",
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        "is_public": "on",
        "submission_key": "form-1",
        **extra,
    }


def _unit_pk(code="19774"):
    from procedures.models import Unit

    return str(Unit.objects.get(code=code).pk)


def test_a_resident_reports_with_a_photo_and_gets_the_code_and_key(en, demo):
    assert en.get("/phan-anh/").status_code == 200
    response = en.post(
        "/phan-anh/",
        {**form_data(unit=_unit_pk()), "photo_1": SimpleUploadedFile("a.jpg", JPEG)},
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == f"/phan-anh/{report.code}/da-gui/"
    assert report.unit.code == "19774"
    assert report.photos.count() == 1
    done = en.get(response.url).content.decode()
    assert report.code in done
    assert report.rating_key in done
    # Shown once: the follow page does not print the key.
    follow = en.get(f"/phan-anh/{report.code}/").content.decode()
    assert report.rating_key not in follow


def test_a_refused_photo_keeps_the_other_answers(en, demo):
    response = en.post(
        "/phan-anh/",
        {
            **form_data(unit=_unit_pk()),
            "photo_1": SimpleUploadedFile("ok.jpg", JPEG),
            "photo_2": SimpleUploadedFile("scan.jpg", PDF),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "scan.jpg" in html
    assert "JPEG or PNG" in html
    assert "Ổ gà lớn giữa đường" in html
    assert "Đường Lý Nam Đế" in html
    assert PHONE in html
    assert "choose your photos again" in html
    assert not Report.objects.exists()


def test_a_report_naming_no_ward_is_routed_by_its_point_or_else_to_the_triage_desk(en, demo):
    # 16.4585, 107.5520 lies in Kim Long's boundary (feedback/data/ward_areas.geojson).
    response = en.post("/phan-anh/", form_data())
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.unit.code, report.routed_by) == ("19774", "location")
    # An address without a point: no area can hold it, a person at the desk decides.
    response = en.post("/phan-anh/", form_data(latitude="", longitude="", submission_key="form-2"))
    assert response.status_code == 302
    report = Report.objects.latest("id")
    assert (report.unit.kind, report.routed_by) == ("province", "triage")


def test_the_follow_page_and_the_map_show_no_personal_data(en, demo):
    report = new_report(description="Gọi tôi 0905 777 888 hoặc reporter@example.vn")
    for url in (f"/phan-anh/{report.code}/", "/phan-anh/ban-do/", "/phan-anh/ban-do/?status=open"):
        html = en.get(url).content.decode()
        assert report.code in html
        assert PHONE not in html
        assert "0905 777 888" not in html
        assert EMAIL not in html
        assert "Nguyễn Văn Tư" not in html
    assert 'id="fb-map"' in en.get("/phan-anh/ban-do/").content.decode()


def test_the_map_lists_public_reports_by_ward_only(en, demo):
    shown = new_report()
    hidden = new_report(is_public=False)
    other = new_report(unit="19789")
    html = en.get("/phan-anh/ban-do/").content.decode()
    assert shown.code in html
    assert other.code in html
    assert hidden.code not in html
    filtered = en.get("/phan-anh/ban-do/", {"unit": "19789"}).content.decode()
    assert other.code in filtered
    assert shown.code not in filtered
    # Kept off the map: its sequential code alone opens nothing; the reporter opens it with the
    # rating key they were given (issue 8).
    assert en.get(f"/phan-anh/{hidden.code}/").status_code == 404
    opened = en.post("/phan-anh/theo-doi/", {"code": hidden.code, "key": hidden.rating_key})
    assert en.get(opened.url).status_code == 200


def test_an_unknown_code_is_404(en, demo):
    assert en.get("/phan-anh/PA-19774-000000-0001/").status_code == 404
    assert en.get("/phan-anh/theo-doi/", {"code": "pa-1"}).url == "/phan-anh/PA-1/"


def test_the_reporter_rates_once_on_the_follow_page(en, demo):
    en.post("/phan-anh/", {**form_data(unit=_unit_pk())})
    report = Report.objects.get()
    leader = user("leader.kimlong")
    services.report_assign(report=report, actor=leader, assignee=leader)
    services.report_start(report=report, actor=leader)
    services.report_resolve(report=report, actor=leader, answer="Đã vá ổ gà")
    page = en.get(f"/phan-anh/{report.code}/").content.decode()
    assert "Đã vá ổ gà" in page
    assert 'name="score"' in page
    # The key is in this browser's session: no need to type it.
    response = en.post(f"/phan-anh/{report.code}/", {"score": "5"})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).rating == 5
    assert 'name="score"' not in en.get(f"/phan-anh/{report.code}/").content.decode()


def test_someone_else_needs_the_key_to_rate(client, demo):
    report = new_report()
    leader = user("leader.kimlong")
    services.report_reject(report=report, actor=leader, reason="Trùng")
    response = client.post(f"/phan-anh/{report.code}/", {"score": "1", "key": "NOPE"})
    assert response.status_code == 400
    assert Report.objects.get(pk=report.pk).rating is None
    client.post(f"/phan-anh/{report.code}/", {"score": "2", "key": report.rating_key})
    assert Report.objects.get(pk=report.pk).rating == 2


# --- Staff pages -----------------------------------------------------------------------------


def test_ward_staff_see_their_wards_reports_with_the_contact_masked_in_the_list(client, demo):
    mine = new_report()
    other = new_report(unit="19789")
    client.force_login(user("clerk.kimlong"))
    html = client.get("/phan-anh/quan-ly/").content.decode()
    assert mine.code in html
    assert other.code not in html
    assert PHONE not in html
    assert PHONE[-3:] in html
    detail = client.get(f"/phan-anh/quan-ly/{mine.code}/").content.decode()
    assert PHONE in detail
    assert EMAIL in detail


def test_officials_see_every_ward_and_citizens_none(client, demo):
    mine, other = new_report(), new_report(unit="19789")
    client.force_login(user("official.hue"))
    html = client.get("/phan-anh/quan-ly/").content.decode()
    assert mine.code in html
    assert other.code in html
    assert (
        'action="/phan-anh/quan-ly/'
        not in client.get(f"/phan-anh/quan-ly/{mine.code}/").content.decode()
    )
    client.force_login(user("citizen"))
    assert client.get("/phan-anh/quan-ly/").status_code == 403
    client.logout()
    assert client.get("/phan-anh/quan-ly/").status_code == 302


def test_staff_take_a_report_through_its_states_on_the_page(client, demo):
    report = new_report(photos=[SimpleUploadedFile("p.png", bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001"
    ))])  # fmt: skip
    base = f"/phan-anh/quan-ly/{report.code}/"
    client.force_login(user("clerk.kimlong"))
    photo = report.photos.get()
    assert client.get(f"{base}anh/{photo.pk}/")["Content-Type"] == "image/png"
    client.post(f"{base}assign/", {"assignee": "specialist.kimlong"})
    client.force_login(user("specialist.kimlong"))
    client.post(f"{base}start/")
    client.post(f"{base}resolve/", {"answer": "Đã xử lý trong ngày"})
    report = Report.objects.get(pk=report.pk)
    assert report.state == State.RESOLVED
    assert report.answer == "Đã xử lý trong ngày"


def test_a_wrong_transition_on_the_page_changes_nothing(en, demo):
    report = new_report()
    en.force_login(user("leader.kimlong"))
    response = en.post(f"/phan-anh/quan-ly/{report.code}/resolve/", {"answer": "x"}, follow=True)
    assert "not allowed" in response.content.decode()
    assert Report.objects.get(pk=report.pk).state == State.NEW


def test_another_wards_staff_cannot_see_or_act(client, demo):
    report = new_report()
    photo_report = new_report(photos=[SimpleUploadedFile("a.jpg", JPEG)])
    client.force_login(user("clerk.thuanhoa"))
    base = f"/phan-anh/quan-ly/{report.code}/"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}assign/", {"assignee": "clerk.thuanhoa"}).status_code == 404
    assert client.post(f"{base}reject/", {"reason": "Không"}).status_code == 404
    photo = photo_report.photos.get()
    assert client.get(f"/phan-anh/quan-ly/{photo_report.code}/anh/{photo.pk}/").status_code == 404
    assert Report.objects.get(pk=report.pk).state == State.NEW


# --- The portal's JSON API -------------------------------------------------------------------


def test_the_api_takes_a_report_with_photos_and_shows_it_without_personal_data(api):
    response = api().post(
        "/api/v1/feedback/reports/",
        {
            "category": "flooding",
            "description": "Ngập sâu",
            "unit": "19789",
            "address": "Đường Lê Lợi",
            "contact_phone": PHONE,
            "contact_email": EMAIL,
            "photos": [SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.jpg", JPEG)],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"].startswith("PA-19789-")
    assert body["state"] == "new"
    assert body["rating_key"]
    assert body["follow_url"].endswith(f"/phan-anh/{body['code']}/")
    assert Report.objects.get(code=body["code"]).photos.count() == 2
    read = api().get(f"/api/v1/feedback/reports/{body['code']}/")
    assert read.status_code == 200
    text = read.content.decode()
    assert PHONE not in text
    assert EMAIL not in text
    assert "rating_key" not in text
    assert read.json()["history"][0]["action"] == "submit"


def test_the_api_refuses_a_bad_photo_and_an_unknown_unit(api):
    bad = api().post(
        "/api/v1/feedback/reports/",
        {"category": "other", "description": "x", "unit": "19774", "address": "a",
         "photos": [SimpleUploadedFile("a.jpg", PDF)]},
        format="multipart",
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_attachment"
    unknown = api().post(
        "/api/v1/feedback/reports/",
        {"category": "other", "description": "x", "unit": "99999", "address": "a"},
        format="json",
    )
    assert unknown.status_code == 404
    assert not Report.objects.exists()
    assert api().get("/api/v1/feedback/reports/PA-1/").status_code == 404


def test_the_api_rates_once_after_the_answer(api):
    report = new_report()
    rate = {"score": 5, "key": report.rating_key}
    early = api().post(f"/api/v1/feedback/reports/{report.code}/rating/", rate, format="json")
    assert early.status_code == 409
    services.report_reject(report=report, actor=user("leader.kimlong"), reason="Trùng")
    ok = api().post(f"/api/v1/feedback/reports/{report.code}/rating/", rate, format="json")
    assert ok.status_code == 200
    assert ok.json()["rated"] is True
    again = api().post(f"/api/v1/feedback/reports/{report.code}/rating/", rate, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"


def test_the_api_lists_the_categories(api):
    body = api().get("/api/v1/feedback/categories/").json()
    assert {c["code"] for c in body if c["emergency"]} == {"fire"}


def test_the_demo_reports_show_on_the_map_and_in_the_staff_list(client, demo):
    from feedback.demo import seed_feedback

    seed_feedback()
    assert client.get("/phan-anh/").status_code == 200
    response = client.get("/phan-anh/ban-do/")
    html = response.content.decode()
    public = Report.objects.filter(is_public=True)
    assert len(json.loads(response.context["points"])) == public.exclude(latitude=None).count()
    assert all(code in html for code in public.values_list("code", flat=True))
    client.force_login(user("leader.kimlong"))
    staff = client.get("/phan-anh/quan-ly/", {"state": "open"}).content.decode()
    kim_long_open = Report.objects.filter(
        unit__code="19774", state__in=["new", "assigned", "in_progress"]
    )
    assert all(code in staff for code in kim_long_open.values_list("code", flat=True))
