from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Dossier
from portal.accounts.models import User


def test_the_desk_work_queue_shows_the_units_open_dossiers_due_first(client, demo):
    from applications.demo import seed_dossiers

    seed_dossiers()
    client.force_login(User.objects.get(username="clerk.kimlong"))
    html = client.get("/desk/").content.decode()
    open_kim_long = Dossier.objects.filter(
        handling_unit__code="19774",
        state__in=["submitted", "received", "in_review", "awaiting_supplement", "awaiting_payment"],
    )
    assert f">{open_kim_long.count()} hồ sơ<" in html or f"{open_kim_long.count()} hồ sơ" in html
    other = Dossier.objects.exclude(handling_unit__code="19774").first()
    assert other.code not in html
    overdue = client.get("/desk/", {"overdue": "true"}).content.decode()
    late = open_kim_long.filter(
        state__in=["received", "in_review"], due_at__lt=timezone.now() - timedelta(seconds=1)
    )
    for dossier in late[:3]:
        assert dossier.code in overdue


def test_the_desk_needs_a_staff_login(client, demo):
    assert client.get("/desk/").status_code == 302
    client.force_login(User.objects.get(username="citizen"))
    assert client.get("/desk/").status_code == 403


@pytest.fixture
def procedure(demo):
    from procedures.models import Procedure

    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def _walk_in(client, procedure, **extra):
    docs = [d.pk for d in procedure.current_version.documents.all() if d.required]
    data = {
        "unit": "19774",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "046090001234",
        "applicant_phone": "0905111222",
        "channel": "desk",
        "submission_key": "walk-in-1",
        "checked": [str(d) for d in docs],
        **extra,
    }
    return client.post(f"/desk/tiep-nhan/{procedure.code}/", data)


def test_a_clerk_receives_a_walk_in_from_the_checklist_and_lands_on_the_dossier(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    assert client.get(f"/desk/tiep-nhan/{procedure.code}/").status_code == 200
    response = _walk_in(client, procedure)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/ho-so/{dossier.code}/"
    assert dossier.state == "received"
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page
    assert 'id="action-start_review"' in page
    assert 'id="action-resolve"' not in page


def test_a_double_clicked_reception_makes_one_dossier(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    _walk_in(client, procedure)
    _walk_in(client, procedure)
    assert Dossier.objects.count() == 1


def test_missing_documents_keep_the_form_and_say_what_is_missing(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    response = _walk_in(client, procedure, checked=[], applicant_address="12 Kim Long")
    assert response.status_code == 400
    html = response.content.decode()
    assert "12 Kim Long" in html
    assert "Nguyễn Văn An" in html
    assert not Dossier.objects.exists()


def test_the_desk_takes_a_dossier_to_returned_through_its_page(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    code = _walk_in(client, procedure)["Location"].rstrip("/").rsplit("/", 1)[1]

    def act(user, action, **data):
        client.force_login(User.objects.get(username=user))
        version = Dossier.objects.get(code=code).version
        return client.post(f"/desk/ho-so/{code}/{action}/", {"expected_version": version, **data})

    act("clerk.kimlong", "start_review", assignee="specialist.kimlong")
    act("leader.kimlong", "resolve", result_number="15/QĐ-UBND")
    act("clerk.kimlong", "return_result", method="desk")
    dossier = Dossier.objects.get(code=code)
    assert dossier.state == "returned"
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submit",
        "receive",
        "start_review",
        "resolve",
        "return_result",
    ]


def test_a_stale_page_cannot_act_twice(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    code = _walk_in(client, procedure)["Location"].rstrip("/").rsplit("/", 1)[1]
    version = Dossier.objects.get(code=code).version
    client.post(
        f"/desk/ho-so/{code}/request_supplement/", {"expected_version": version, "reason": "Thiếu"}
    )
    client.force_login(User.objects.get(username="leader.kimlong"))
    response = client.post(
        f"/desk/ho-so/{code}/start_review/", {"expected_version": version}, follow=True
    )
    assert Dossier.objects.get(code=code).state == "awaiting_supplement"
    assert "Hoa" in response.content.decode()


def test_another_wards_clerk_gets_404_on_the_dossier_page(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    code = _walk_in(client, procedure)["Location"].rstrip("/").rsplit("/", 1)[1]
    client.force_login(User.objects.get(username="clerk.thuanhoa"))
    assert client.get(f"/desk/ho-so/{code}/").status_code == 404
    assert client.post(f"/desk/ho-so/{code}/start_review/", {}).status_code == 404


def test_the_public_lookup_page_shows_the_state_without_personal_data(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    code = _walk_in(client, procedure)["Location"].rstrip("/").rsplit("/", 1)[1]
    client.logout()
    html = client.get("/tra-cuu/", {"code": code, "phone": "1222"}).content.decode()
    assert code in html
    assert "Nguyễn Văn An" not in html
    assert "046090001234" not in html
    wrong_digits = client.get("/tra-cuu/", {"code": code, "phone": "0000"})
    wrong_code = client.get("/tra-cuu/", {"code": "19774-000000-0000", "phone": "1222"})
    assert wrong_digits.status_code == wrong_code.status_code == 404


def test_the_public_lookup_page_is_throttled(client, demo, settings):
    from freezegun import freeze_time

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"lookup": "30/min"},
    }
    with freeze_time("2026-03-10T10:00:30+07:00"):  # one throttle window for the whole loop
        statuses = [
            client.get("/tra-cuu/", {"code": f"x{i}", "phone": "1234"}).status_code
            for i in range(31)
        ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {404}


def test_staff_see_their_in_app_notices_and_mark_them_read(client, procedure):
    from portal.notifications import services as notifications
    from portal.notifications.models import Notification

    leader = User.objects.get(username="leader.kimlong")
    client.force_login(User.objects.get(username="clerk.kimlong"))
    code = _walk_in(client, procedure)["Location"].rstrip("/").rsplit("/", 1)[1]
    dossier = Dossier.objects.get(code=code)
    Notification.objects.create(
        recipient=leader,
        channel=Notification.Channel.INAPP,
        template="dossier_overdue",
        context={"code": code, "procedure": "x", "due_at": "01/01/2026 07:00", "unit": "Kim Long"},
        language="vi",
        dedupe_key=f"test-{code}",
        dossier=dossier,
    )
    client.force_login(leader)
    html = client.get("/desk/thong-bao/").content.decode()
    assert code in html
    client.post("/desk/thong-bao/", {})
    assert not notifications.unread_for(leader).exists()


def test_the_desk_refuses_a_walk_in_with_the_reason_and_form_03_prints(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    response = _walk_in(
        client, procedure, checked=[], refuse="1", refuse_reason="Không thuộc thẩm quyền"
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.state == "refused"
    assert dossier.reason == "Không thuộc thẩm quyền"
    pdf = client.get(f"/desk/dossiers/{dossier.code}/forms/refusal.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_a_refusal_needs_its_reason(client, procedure):
    client.force_login(User.objects.get(username="clerk.kimlong"))
    response = _walk_in(client, procedure, checked=[], refuse="1", refuse_reason=" ")
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_the_work_queue_filters_by_field_channel_and_procedure(client, demo):
    from applications.demo import seed_dossiers

    seed_dossiers()
    client.force_login(User.objects.get(username="clerk.kimlong"))
    open_states = ["submitted", "received", "in_review", "awaiting_supplement", "awaiting_payment"]
    mine = Dossier.objects.filter(handling_unit__code="19774", state__in=open_states)
    sample = mine.select_related("procedure__field").first()
    field = sample.procedure.field.code
    html = client.get("/desk/", {"field": field, "channel": sample.channel}).content.decode()
    expected = mine.filter(procedure__field__code=field, channel=sample.channel).count()
    assert f"{expected} hồ sơ" in html
    assert sample.code in html
    by_code = client.get("/desk/", {"procedure": sample.procedure.code}).content.decode()
    assert f"{mine.filter(procedure=sample.procedure).count()} hồ sơ" in by_code
