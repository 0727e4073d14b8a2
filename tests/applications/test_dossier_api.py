import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from applications import timeliness
from applications.models import Dossier, DossierEvent
from portal.accounts.models import User
from tests.applications.conftest import desk_payload, online_payload, pdf

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def create_at_desk(api, procedure, **extra):
    response = api("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure, **extra), format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def act(api, user, code, action, **body):
    return api(user).post(f"/api/v1/dossiers/{code}/{action}/", body, format="json")


def test_a_clerks_desk_dossier_starts_received_with_a_code_and_a_due_moment(api, procedure):
    with freeze_time(datetime(2026, 3, 10, 9, 0, tzinfo=VN)):
        body = create_at_desk(api, procedure)
    assert body["state"] == "received"
    assert body["code"].startswith("19774-260310-")
    assert body["due_at"] is not None
    assert body["timeliness"] in ("on_track", "overdue")
    assert [e["action"] for e in body["history"]] == ["submit", "receive"]


def test_a_citizens_online_dossier_starts_submitted_and_the_desk_receives_it(api, procedure):
    response = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure), format="multipart"
    )
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert response.json()["state"] == "submitted"
    received = act(api, "clerk.kimlong", code, "receive")
    assert received.status_code == 200
    assert received.json()["state"] == "received"


def test_missing_required_documents_block_reception_with_the_list(api, procedure):
    response = api("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure, checked_documents=[]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "missing_documents"
    assert response.json()["missing"]
    assert not Dossier.objects.exists()


def test_an_attachment_is_checked_by_content_not_name(api, procedure):
    payload = online_payload(procedure)
    first = next(k for k in payload if k.startswith("document_"))
    payload[first] = SimpleUploadedFile(
        "looks.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    response = api("citizen").post("/api/v1/dossiers/", payload, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_attachment"
    assert not Dossier.objects.exists()


def test_a_file_over_the_size_limit_is_refused(api, procedure, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 10
    response = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure), format="multipart"
    )
    assert response.status_code == 400
    assert "limit" in response.json()["detail"] or "giới hạn" in response.json()["detail"]


def test_a_double_clicked_submit_makes_one_dossier(api, procedure):
    first = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure, submission_key="k-1"), format="multipart"
    )
    second = api("citizen").post(
        "/api/v1/dossiers/", online_payload(procedure, submission_key="k-1"), format="multipart"
    )
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1


def test_the_whole_desk_flow_to_returned_result(api, procedure):
    code = create_at_desk(api, procedure)["code"]
    assert (
        act(api, "clerk.kimlong", code, "start_review", assignee="specialist.kimlong").status_code
        == 200
    )
    assert (
        act(api, "leader.kimlong", code, "resolve", result_number="123/QĐ-UBND").status_code == 200
    )
    returned = act(api, "clerk.kimlong", code, "return_result", method="desk")
    assert returned.status_code == 200
    body = returned.json()
    assert body["state"] == "returned"
    assert body["timeliness"] in ("early", "on_time")
    assert [e["action"] for e in body["history"]] == [
        "submit",
        "receive",
        "start_review",
        "resolve",
        "return_result",
    ]


def test_an_action_not_allowed_in_the_state_is_409_naming_the_state(api, procedure):
    code = create_at_desk(api, procedure)["code"]
    response = act(api, "leader.kimlong", code, "resolve")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["state"] == "received"
    assert Dossier.objects.get(code=code).state == "received"


def test_a_role_that_may_not_act_gets_403(api, procedure):
    code = create_at_desk(api, procedure)["code"]
    assert act(api, "clerk.kimlong", code, "stop", reason="x").status_code == 403
    assert act(api, "citizen", code, "withdraw").status_code == 404


def test_another_wards_staff_get_404_on_every_dossier_url(api, procedure):
    code = create_at_desk(api, procedure)["code"]
    other = api("clerk.thuanhoa")
    assert other.get(f"/api/v1/dossiers/{code}/").status_code == 404
    assert (
        other.post(f"/api/v1/dossiers/{code}/start_review/", {}, format="json").status_code == 404
    )
    assert other.get("/api/v1/dossiers/").json()["count"] == 0
    assert api("official.hue").get(f"/api/v1/dossiers/{code}/").status_code == 200


def test_lists_mask_citizen_ids_and_phones(api, procedure):
    create_at_desk(api, procedure)
    row = api("clerk.kimlong").get("/api/v1/dossiers/").json()["results"][0]
    assert row["applicant_id_number"].endswith("234")
    assert "046090" not in row["applicant_id_number"]
    assert row["applicant_phone"].endswith("222")
    assert "0905" not in row["applicant_phone"]


def test_two_clerks_on_one_dossier_one_wins_the_other_is_told_who_changed_it(api, procedure):
    body = create_at_desk(api, procedure)
    code, version = body["code"], body["version"]
    first = act(
        api,
        "clerk.kimlong",
        code,
        "request_supplement",
        reason="Thiếu bản sao",
        expected_version=version,
    )
    assert first.status_code == 200
    second = act(api, "leader.kimlong", code, "start_review", expected_version=version)
    assert second.status_code == 409
    assert "Hoa" in second.json()["detail"]  # the clerk's name
    assert Dossier.objects.get(code=code).state == "awaiting_supplement"


def test_supplement_request_pauses_the_deadline(api, procedure):
    with freeze_time(datetime(2026, 3, 9, 8, 0, tzinfo=VN)):  # Monday
        body = create_at_desk(api, procedure)
    code = body["code"]
    due = Dossier.objects.get(code=code).due_at
    with freeze_time(datetime(2026, 3, 9, 10, 0, tzinfo=VN)):
        act(api, "clerk.kimlong", code, "request_supplement", reason="Thiếu giấy tờ")
    with freeze_time(datetime(2026, 3, 11, 10, 0, tzinfo=VN)):  # two working days later
        response = act(api, "clerk.kimlong", code, "supplement", note="Đã nộp bổ sung tại quầy")
    assert response.status_code == 200
    new_due = Dossier.objects.get(code=code).due_at
    assert new_due - due == timedelta(days=2)
    stop = Dossier.objects.get(code=code).clock_stops.get()
    assert stop.policy == "resume"
    assert stop.due_before == due
    assert stop.due_after == new_due


def test_restart_policy_runs_the_full_time_again(api, procedure):
    version = procedure.current_version
    version.clock_policy = "restart"
    version.save(update_fields=["clock_policy"])
    with freeze_time(datetime(2026, 3, 9, 8, 0, tzinfo=VN)):
        code = create_at_desk(api, procedure)["code"]
        act(api, "clerk.kimlong", code, "request_supplement", reason="Thiếu giấy tờ")
    with freeze_time(datetime(2026, 3, 16, 9, 0, tzinfo=VN)):
        act(api, "clerk.kimlong", code, "supplement", note="Đủ hồ sơ")
        dossier = Dossier.objects.get(code=code)
        from procedures.services import working_calendar

        expected = working_calendar(dossier.handling_unit).due_at(
            timezone.now(), unit=version.processing_unit, amount=version.processing_amount
        )
    assert dossier.due_at == expected


def test_apology_sets_a_new_date_once_and_the_dossier_still_counts_late(api, procedure):
    with freeze_time(datetime(2026, 3, 9, 8, 0, tzinfo=VN)):
        code = create_at_desk(api, procedure)["code"]
        act(api, "clerk.kimlong", code, "start_review", assignee="specialist.kimlong")
        due = Dossier.objects.get(code=code).due_at
        new = (due + timedelta(days=3)).isoformat()
        assert (
            act(
                api, "specialist.kimlong", code, "apologize", reason="Chờ xác minh", new_due_at=new
            ).status_code
            == 200
        )
        again = act(api, "specialist.kimlong", code, "apologize", reason="Lần hai", new_due_at=new)
        assert again.status_code == 409
    with freeze_time(due + timedelta(days=1)):
        body = act(api, "leader.kimlong", code, "resolve").json()
    assert body["timeliness"] == "late"


def test_unauthenticated_calls_are_refused_with_the_error_format(api, procedure):
    response = api().get("/api/v1/dossiers/")
    assert response.status_code in (401, 403)
    assert set(response.json()) >= {"code", "detail"}


def test_token_auth(api, demo):
    response = api().post(
        "/api/v1/auth/token/", {"username": "clerk.kimlong", "password": "demo12345"}, format="json"
    )
    token = response.json()["token"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/dossiers/").status_code == 200
    bad = api().post(
        "/api/v1/auth/token/", {"username": "clerk.kimlong", "password": "nope"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"]


def test_public_lookup_needs_the_phone_digits_and_shows_no_personal_data(api, procedure):
    code = create_at_desk(api, procedure)["code"]
    ok = api().get(f"/api/v1/lookup/{code}/", {"phone": "1222"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["state"] == "received"
    assert "Nguyễn" not in str(body)
    assert "0905" not in str(body)
    wrong_digits = api().get(f"/api/v1/lookup/{code}/", {"phone": "9999"})
    wrong_code = api().get("/api/v1/lookup/19774-000000-9999/", {"phone": "1222"})
    assert wrong_digits.status_code == wrong_code.status_code == 404
    assert wrong_digits.json() == wrong_code.json()


def test_history_is_append_only(api, procedure):
    create_at_desk(api, procedure)
    event = DossierEvent.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_timeliness_in_the_database_agrees_with_python(api, procedure):
    for _ in range(3):
        create_at_desk(api, procedure)
    codes = list(Dossier.objects.values_list("code", flat=True))
    act(api, "clerk.kimlong", codes[0], "start_review", assignee="specialist.kimlong")
    act(api, "leader.kimlong", codes[0], "resolve")
    act(api, "clerk.kimlong", codes[1], "request_supplement", reason="x")
    for now in (timezone.now(), timezone.now() + timedelta(days=60)):
        annotated = timeliness.with_timeliness(Dossier.objects.all(), now)
        for dossier in annotated:
            assert dossier.timeliness == timeliness.of(dossier, now), dossier.code
        overdue = set(
            Dossier.objects.filter(timeliness.overdue_q(now)).values_list("code", flat=True)
        )
        assert overdue == {d.code for d in annotated if d.timeliness == timeliness.OVERDUE}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_get_fifty_distinct_gapless_codes(
    demo_transactional, procedure
):
    from applications.services import Applicant, dossier_create

    clerk = User.objects.get(username="clerk.kimlong")
    from procedures.models import Unit

    unit = Unit.objects.get(code="19774")
    docs = [d.pk for d in procedure.current_version.documents.all() if d.required]
    codes, errors = [], []
    barrier = threading.Barrier(50)

    def submit(i):
        try:
            barrier.wait()
            dossier = dossier_create(
                procedure=procedure,
                unit=unit,
                applicant=Applicant(name=f"Người {i}"),
                channel="desk",
                actor=User.objects.get(pk=clerk.pk),
                checked_documents=docs,
            )
            codes.append(dossier.code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(codes)) == 50
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, 51))


__all__ = ["pdf"]


def test_manage_py_draws_the_dossier_state_graph(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("graph_transitions", "applications.Dossier", stdout=out)
    dot = out.getvalue()
    assert dot.startswith("digraph")
    for state in (
        "submitted",
        "received",
        "in_review",
        "awaiting_supplement",
        "returned",
        "withdrawn",
    ):
        assert state in dot


def test_an_online_submission_is_confirmed_to_the_citizen_once(api, procedure):
    from portal.notifications.models import Notification

    payload = online_payload(procedure, submission_key="confirm-1")
    api("citizen").post("/api/v1/dossiers/", payload, format="multipart")
    api("citizen").post(
        "/api/v1/dossiers/",
        online_payload(procedure, submission_key="confirm-1"),
        format="multipart",
    )
    notices = Notification.objects.filter(template="dossier_submitted")
    assert sorted(notices.values_list("channel", flat=True)) == ["email", "sms"]
