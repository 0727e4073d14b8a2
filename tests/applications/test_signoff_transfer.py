"""Issue 11, items 3 and 4, through the API: the leader signs the result (propose, approve,
send_back; resolve by a leader, or by a specialist where the unit delegated the signature), and
a dossier is transferred to the competent unit with its code and history."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from freezegun import freeze_time

from applications import access, timeliness
from applications.models import Dossier
from applications.models.delegations import SignatureDelegation
from applications.workflow import CLOCK_RUNNING, OPEN_STATES, PROCESSING, State
from portal.accounts.models import Role, StaffRole, User
from portal.notifications.models import Notification
from procedures.models import Unit
from tests.applications.conftest import desk_payload

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KIM_LONG, THUAN_HOA = "19774", "19789"


def act(api, user, code, action, **body):
    return api(user).post(f"/api/v1/dossiers/{code}/{action}/", body, format="json")


def staff_of(code: str, role: str, username: str) -> User:
    user, _ = User.objects.get_or_create(username=username)
    StaffRole.objects.get_or_create(user=user, unit=Unit.objects.get(code=code), role=role)
    return user


@pytest.fixture
def in_review(api, procedure):
    """A Kim Long desk dossier handed to its specialist."""
    response = api("clerk.kimlong").post(
        "/api/v1/dossiers/", desk_payload(procedure), format="json"
    )
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert (
        act(api, "clerk.kimlong", code, "start_review", assignee="specialist.kimlong").status_code
        == 200
    )
    return code


def history(code: str) -> list[str]:
    return list(Dossier.objects.get(code=code).events.values_list("action", flat=True))


# --- Sign-off --------------------------------------------------------------------------------


def test_the_specialist_proposes_and_the_leader_signs_the_result(api, in_review):
    proposed = act(api, "specialist.kimlong", in_review, "propose", result_number="7/QĐ-UBND")
    assert proposed.status_code == 200, proposed.json()
    assert proposed.json()["state"] == "awaiting_approval"
    assert proposed.json()["timeliness"] == "on_track"

    approved = act(api, "leader.kimlong", in_review, "approve", note="Đồng ý")
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert (body["state"], body["result_number"]) == ("resolved", "7/QĐ-UBND")
    assert body["timeliness"] in ("early", "on_time")
    assert history(in_review)[-2:] == ["propose", "approve"]
    # The same effects as resolve: the applicant is told the result is ready.
    assert Notification.objects.filter(dossier__code=in_review, template="result_ready").exists()


def test_the_leader_sends_a_proposal_back_only_with_a_reason(api, in_review):
    act(api, "specialist.kimlong", in_review, "propose")
    refused = act(api, "leader.kimlong", in_review, "send_back")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert Dossier.objects.get(code=in_review).state == State.AWAITING_APPROVAL

    sent_back = act(api, "leader.kimlong", in_review, "send_back", reason="Sai họ tên")
    assert sent_back.status_code == 200, sent_back.json()
    assert sent_back.json()["state"] == "in_review"
    event = Dossier.objects.get(code=in_review).events.last()
    assert (event.action, event.note) == ("send_back", "Sai họ tên")
    # Proposed again after the correction.
    assert act(api, "specialist.kimlong", in_review, "propose").status_code == 200


def test_a_specialist_cannot_sign(api, in_review):
    act(api, "specialist.kimlong", in_review, "propose")
    assert act(api, "specialist.kimlong", in_review, "approve").status_code == 403
    assert act(api, "specialist.kimlong", in_review, "send_back", reason="x").status_code == 403
    assert act(api, "clerk.kimlong", in_review, "approve").status_code == 403
    assert Dossier.objects.get(code=in_review).state == State.AWAITING_APPROVAL


def test_a_specialist_resolves_directly_only_where_the_signature_is_delegated(api, in_review):
    refused = act(api, "specialist.kimlong", in_review, "resolve", result_number="1/QĐ")
    assert refused.status_code == 403
    assert Dossier.objects.get(code=in_review).state == State.IN_REVIEW

    dossier = Dossier.objects.get(code=in_review)
    SignatureDelegation.objects.create(unit=dossier.handling_unit, procedure=dossier.procedure)
    allowed = act(api, "specialist.kimlong", in_review, "resolve", result_number="1/QĐ")
    assert allowed.status_code == 200, allowed.json()
    assert allowed.json()["state"] == "resolved"


def test_a_delegation_of_another_unit_or_procedure_does_not_count(api, in_review, procedure):
    other_procedure = procedure.__class__.objects.exclude(pk=procedure.pk).first()
    SignatureDelegation.objects.create(unit=Unit.objects.get(code=THUAN_HOA), procedure=procedure)
    SignatureDelegation.objects.create(
        unit=Unit.objects.get(code=KIM_LONG), procedure=other_procedure
    )
    assert act(api, "specialist.kimlong", in_review, "resolve").status_code == 403


def test_a_leader_resolves_directly(api, in_review):
    response = act(api, "leader.kimlong", in_review, "resolve", result_number="2/QĐ")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "resolved"


def test_another_wards_leader_finds_no_such_dossier(api, in_review):
    staff_of(THUAN_HOA, Role.LEADER, "leader.thuanhoa")
    act(api, "specialist.kimlong", in_review, "propose")
    for action in ("approve", "send_back", "resolve"):
        response = act(api, "leader.thuanhoa", in_review, action, reason="x")
        assert response.status_code == 404, action
    assert act(api, None, in_review, "approve").status_code in (401, 403)
    assert act(api, "citizen", in_review, "approve").status_code == 404
    assert Dossier.objects.get(code=in_review).state == State.AWAITING_APPROVAL


def test_the_clock_runs_while_the_result_waits_for_a_signature(api, in_review):
    assert State.AWAITING_APPROVAL in CLOCK_RUNNING
    assert State.AWAITING_APPROVAL in PROCESSING
    assert State.AWAITING_APPROVAL in OPEN_STATES
    act(api, "specialist.kimlong", in_review, "propose")
    dossier = Dossier.objects.get(code=in_review)
    after_due = dossier.due_at + timedelta(minutes=1)
    assert timeliness.of(dossier, after_due) == "overdue"
    annotated = timeliness.with_timeliness(Dossier.objects.filter(pk=dossier.pk), after_due)
    assert annotated.get().timeliness == "overdue"


def test_the_desk_shows_the_leader_the_signature_buttons_in_vietnamese(client, api, in_review):
    act(api, "specialist.kimlong", in_review, "propose")
    client.force_login(User.objects.get(username="leader.kimlong"))
    page = client.get(f"/desk/ho-so/{in_review}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="action-approve"' in page
    assert 'id="action-send_back"' in page
    with translation.override("vi"):
        assert "Chờ lãnh đạo ký duyệt" in page
    client.force_login(User.objects.get(username="specialist.kimlong"))
    page = client.get(f"/desk/ho-so/{in_review}/").content.decode()
    assert 'id="action-approve"' not in page


# --- Transfer --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk.kimlong", "leader.kimlong"])
def test_the_desk_transfers_a_dossier_to_the_competent_unit_with_its_history(api, in_review, who):
    before = history(in_review)
    response = act(api, who, in_review, "transfer", unit=THUAN_HOA, note="Đúng thẩm quyền")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["code"] == in_review
    assert body["state"] == "in_review"
    dossier = Dossier.objects.get(code=in_review)
    assert (dossier.handling_unit.code, dossier.receiving_unit.code) == (THUAN_HOA, KIM_LONG)
    assert dossier.assignee is None
    assert history(in_review) == [*before, "transfer"]
    event = dossier.events.last()
    assert (event.extra["from_unit"], event.extra["to_unit"]) == (KIM_LONG, THUAN_HOA)
    assert event.extra["handover_by"]


def test_the_new_unit_finds_it_in_its_queue_and_acts_on_it(api, in_review):
    specialist = staff_of(THUAN_HOA, Role.SPECIALIST, "specialist.thuanhoa")
    act(api, "clerk.kimlong", in_review, "transfer", unit=THUAN_HOA)
    queue = api("clerk.thuanhoa").get("/api/v1/dossiers/").json()
    assert in_review in [d["code"] for d in queue["results"]]
    assert access.handled_dossiers(specialist).filter(code=in_review).exists()
    proposed = act(api, "specialist.thuanhoa", in_review, "propose")
    assert proposed.status_code == 200, proposed.json()


def test_the_unit_it_left_reads_it_but_no_longer_acts(api, in_review):
    act(api, "clerk.kimlong", in_review, "transfer", unit=THUAN_HOA)
    # Kim Long received it: its one-stop desk still answers the applicant about it.
    assert api("specialist.kimlong").get(f"/api/v1/dossiers/{in_review}/").status_code == 200
    for user, action in [
        ("specialist.kimlong", "propose"),
        ("specialist.kimlong", "request_supplement"),
        ("leader.kimlong", "resolve"),
        ("clerk.kimlong", "transfer"),
    ]:
        response = act(api, user, in_review, action, reason="x", unit=KIM_LONG)
        assert response.status_code == 403, (user, action, response.json())
    assert (
        not access.handled_dossiers(User.objects.get(username="specialist.kimlong"))
        .filter(code=in_review)
        .exists()
    )


def test_a_unit_that_only_handled_it_no_longer_sees_it(api, in_review, procedure):
    """Thuận Hóa passes it on to a third ward: it neither received nor handles it any more."""
    third = Unit.objects.filter(kind="ward").exclude(code__in=[KIM_LONG, THUAN_HOA]).first()
    act(api, "clerk.kimlong", in_review, "transfer", unit=THUAN_HOA)
    assert act(api, "clerk.thuanhoa", in_review, "transfer", unit=third.code).status_code == 200
    assert api("clerk.thuanhoa").get(f"/api/v1/dossiers/{in_review}/").status_code == 404


def test_an_unknown_or_wrong_unit_is_refused_with_a_clear_message(api, in_review):
    unknown = act(api, "clerk.kimlong", in_review, "transfer", unit="99999")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Không có mã đơn vị này."  # Unknown unit code.
    missing = act(api, "clerk.kimlong", in_review, "transfer")
    assert missing.status_code == 400
    assert "unit" in missing.json()["errors"]
    same = act(api, "clerk.kimlong", in_review, "transfer", unit=KIM_LONG)
    assert same.status_code == 400
    province = Unit.objects.get(code=KIM_LONG).parent
    if province is not None:
        upward = act(api, "clerk.kimlong", in_review, "transfer", unit=province.code)
        assert upward.status_code == 400
    dossier = Dossier.objects.get(code=in_review)
    assert dossier.handling_unit.code == KIM_LONG
    assert history(in_review)[-1] == "start_review"


def test_a_citizen_a_specialist_and_another_ward_cannot_transfer(api, in_review):
    assert act(api, "specialist.kimlong", in_review, "transfer", unit=THUAN_HOA).status_code == 403
    assert act(api, "clerk.thuanhoa", in_review, "transfer", unit=THUAN_HOA).status_code == 404
    assert act(api, "citizen", in_review, "transfer", unit=THUAN_HOA).status_code == 404
    assert act(api, None, in_review, "transfer", unit=THUAN_HOA).status_code in (401, 403)
    assert Dossier.objects.get(code=in_review).handling_unit.code == KIM_LONG


def test_a_transfer_after_15_00_is_handed_over_at_the_next_working_morning(api, in_review):
    # Friday 13/3/2026 at 16:00: handed over by Monday 16/3 at 07:00 (LEGAL.md).
    with freeze_time(datetime(2026, 3, 13, 16, 0, tzinfo=VN)):
        response = act(api, "clerk.kimlong", in_review, "transfer", unit=THUAN_HOA)
    assert response.status_code == 200, response.json()
    event = Dossier.objects.get(code=in_review).events.get(action="transfer")
    handover = datetime.fromisoformat(event.extra["handover_by"]).astimezone(VN)
    assert handover == datetime(2026, 3, 16, 7, 0, tzinfo=VN)


def test_a_transfer_before_15_00_is_handed_over_the_same_day(api, in_review):
    with freeze_time(datetime(2026, 3, 13, 14, 0, tzinfo=VN)):
        response = act(api, "clerk.kimlong", in_review, "transfer", unit=THUAN_HOA)
    assert response.status_code == 200, response.json()
    event = Dossier.objects.get(code=in_review).events.get(action="transfer")
    handover = datetime.fromisoformat(event.extra["handover_by"]).astimezone(VN)
    assert handover == datetime(2026, 3, 13, 17, 0, tzinfo=VN)
    assert handover > timezone.now() - timedelta(days=3650)


# --- The working time the result took (the dashboard's average, issue 12) ---------------------


@pytest.mark.parametrize("action", ["resolve", "reject"])
def test_the_result_records_the_working_time_it_took(api, procedure, action):
    """Received Tuesday 10/03/2026 at 09:00, finished Thursday at 15:30: 6 + 8 + 6.5 working
    hours (07:00-11:30, 13:30-17:00), the nights and lunch breaks left out."""
    with freeze_time(datetime(2026, 3, 10, 9, 0, tzinfo=VN)):
        created = api("clerk.kimlong").post(
            "/api/v1/dossiers/", desk_payload(procedure), format="json"
        )
        assert created.status_code == 201, created.json()
        code = created.json()["code"]
        review = act(api, "clerk.kimlong", code, "start_review", assignee="specialist.kimlong")
        assert review.status_code == 200
    assert Dossier.objects.get(code=code).working_seconds is None
    body = {"result_number": "9/QĐ-UBND"} if action == "resolve" else {"reason": "Không đủ"}
    with freeze_time(datetime(2026, 3, 12, 15, 30, tzinfo=VN)):
        assert act(api, "leader.kimlong", code, action, **body).status_code == 200
    dossier = Dossier.objects.get(code=code)
    assert dossier.received_at == datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    assert dossier.working_seconds == int(20.5 * 3600)
