"""workflow.ACTIONS is the one table of dossier actions: every row is complete (a service, a
transition, a Vietnamese label, an input, its own operation in the API schema), and the desk
shows exactly the buttons the table and the graph allow."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.test import APIClient

from applications import access, workflow
from applications.generation import generate_dossiers
from applications.models import Dossier, DossierEvent, State
from applications.services import signoff
from applications.workflow import ACTIONS, EventType
from portal.accounts.models import User
from procedures.models import Unit

STAFF = {"clerk": "clerk.kimlong", "specialist": "specialist.kimlong", "leader": "leader.kimlong"}


def _in_vietnamese(text) -> str:
    with translation.override("vi"):
        return str(text)


def _in_english(text) -> str:
    with translation.override("en"):
        return str(text)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_has_a_service_a_transition_a_vietnamese_label_and_an_input(name):
    action = ACTIONS[name]
    assert action.name == name
    assert callable(action.service), name
    assert action.service.__name__ == f"dossier_{name}"
    transition = getattr(Dossier, name, None)
    assert hasattr(transition, "_django_fsm"), name
    assert action.roles
    assert action.roles <= {*STAFF, workflow.APPLICANT}
    for label in (action.label, action.event.label, action.text_label):
        if label:
            assert _in_vietnamese(label) != _in_english(label), f"no Vietnamese for {label!s}"
    assert issubclass(action.input, serializers.Serializer)
    assert "expected_version" in action.input._declared_fields
    if action.form:
        from applications.documents import FORMS

        assert action.form in FORMS["2025"], name


def test_every_event_type_has_a_vietnamese_label():
    for event in EventType:
        assert _in_vietnamese(event.label) != _in_english(event.label), event


def test_the_role_check_and_the_fuzzed_action_names_come_from_the_table():
    assert tuple(ACTIONS) == access.ACTIONS
    assert {name: a.roles for name, a in ACTIONS.items()} == access.ACTION_ROLES


def test_reason_actions_require_a_reason_withdrawal_included():
    required = {name for name, a in ACTIONS.items() if a.reason_required}
    assert required == {
        "refuse", "request_supplement", "send_back", "reject", "stop", "apologize", "withdraw"
    }  # fmt: skip


@pytest.fixture
def schema(demo):
    return APIClient().get("/api/schema/?format=json").json()


def _body(schema, operation) -> dict:
    content = operation["requestBody"]["content"]
    ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][ref]


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_is_its_own_operation_with_its_own_request_body(schema, name):
    action = ACTIONS[name]
    operation = schema["paths"][f"/api/v1/dossiers/{{code}}/{name}/"]["post"]
    assert operation["operationId"] == f"v1_dossiers_{name}"
    assert {"200", "403", "404", "409"} <= set(operation["responses"])
    body = _body(schema, operation)
    assert set(body["properties"]) == set(action.fields)
    required = set(body.get("required", []))
    assert ("reason" in required) == action.reason_required
    if name == "apologize":
        assert "new_due_at" in required


def test_the_generic_action_operation_keeps_its_name_and_takes_every_field(schema):
    operation = schema["paths"]["/api/v1/dossiers/{code}/{action}/"]["post"]
    assert operation["operationId"] == "v1_dossiers_action"
    body = _body(schema, operation)
    assert set(body["properties"]) == {f for a in ACTIONS.values() for f in a.fields}
    assert not body.get("required")


def test_resolve_documents_its_result_number_and_file(schema):
    operation = schema["paths"]["/api/v1/dossiers/{code}/resolve/"]["post"]
    body = _body(schema, operation)
    assert {"result_number", "result", "note", "expected_version"} == set(body["properties"])
    multipart = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][multipart.rsplit("/", 1)[-1]]["properties"]
    assert properties["result"]["format"] == "binary"


def test_note_is_still_read_as_the_reason_by_the_generic_operation(api, procedure):
    from tests.applications.conftest import desk_payload

    code = api("clerk.kimlong").post("/api/v1/dossiers/", desk_payload(procedure)).json()["code"]
    response = api("leader.kimlong").post(
        f"/api/v1/dossiers/{code}/stop/", {"note": "Theo đề nghị"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Dossier.objects.get(code=code).reason == "Theo đề nghị"


def test_a_missing_reason_is_refused_and_changes_nothing(api, procedure):
    from tests.applications.conftest import desk_payload

    code = api("clerk.kimlong").post("/api/v1/dossiers/", desk_payload(procedure)).json()["code"]
    events = DossierEvent.objects.filter(dossier__code=code).count()
    response = api("leader.kimlong").post(f"/api/v1/dossiers/{code}/stop/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "reason" in response.json()["errors"]
    assert DossierEvent.objects.filter(dossier__code=code).count() == events
    assert Dossier.objects.get(code=code).state == State.RECEIVED


@pytest.fixture
def one_of_each_state(demo):
    generate_dossiers(count=400, units=[Unit.objects.get(code="19774")], key_prefix="wf", seed=3)
    # The generator makes no dossier awaiting a signature: one in review is proposed.
    proposed = Dossier.objects.filter(state=State.IN_REVIEW).last()
    signoff.dossier_propose(dossier=proposed, actor=User.objects.get(username="specialist.kimlong"))
    dossiers = {}
    for state in State.values:
        dossier = Dossier.objects.filter(state=state).first()
        assert dossier is not None, state
        dossiers[state] = dossier
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers.values()]).update(
        due_at=timezone.now() + timedelta(days=10)
    )
    return dossiers


def test_the_desk_shows_exactly_the_buttons_the_table_allows_for_a_role_and_state(
    client, one_of_each_state
):
    for role, username in STAFF.items():
        client.force_login(User.objects.get(username=username))
        for state, dossier in one_of_each_state.items():
            page = client.get(f"/desk/ho-so/{dossier.code}/").content.decode()
            shown = set(re.findall(r'id="action-([a-z_]+)"', page))
            graph = {t.name for t in Dossier(state=state).get_available_state_transitions()}
            # No unit of the demo delegates a signature: only `roles`, never `delegable_to`.
            expected = {n for n, a in ACTIONS.items() if role in a.roles and n in graph}
            assert shown == expected, (role, state)
            with translation.override("vi"):
                for name in expected:
                    assert str(ACTIONS[name].label) in page or _escaped(ACTIONS[name].label) in page


def _escaped(label) -> str:
    from django.utils.html import escape

    with translation.override("vi"):
        return escape(str(label))


def test_each_action_sends_the_notices_its_row_declares(api, procedure):
    """Walk one online dossier through the actions that tell the applicant something (and a few
    that do not): the notices each step queues are exactly the row's `notices`."""
    from portal.notifications.models import Notification
    from tests.applications.conftest import online_payload

    citizen = api("citizen")
    code = citizen.post("/api/v1/dossiers/", online_payload(procedure), format="multipart").json()[
        "code"
    ]
    dossier = Dossier.objects.get(code=code)
    steps = [
        ("clerk.kimlong", "receive", {}),
        ("clerk.kimlong", "start_review", {"assignee": "specialist.kimlong"}),
        ("specialist.kimlong", "apologize", {"reason": "Chờ xác minh", "new_due_at": None}),
        ("specialist.kimlong", "request_supplement", {"reason": "Thiếu bản sao"}),
        ("clerk.kimlong", "supplement", {"note": "Đã nộp bổ sung"}),
        ("leader.kimlong", "resolve", {"result_number": "12/QĐ"}),
        ("clerk.kimlong", "return_result", {"method": "desk"}),
    ]
    for username, name, body in steps:
        before = set(Notification.objects.filter(dossier=dossier).values_list("pk", flat=True))
        if "new_due_at" in body:
            body = {**body, "new_due_at": (dossier_due(code) + timedelta(days=3)).isoformat()}
        response = api(username).post(f"/api/v1/dossiers/{code}/{name}/", body, format="json")
        assert response.status_code == 200, (name, response.content)
        sent = set(
            Notification.objects.filter(dossier=dossier)
            .exclude(pk__in=before)
            .values_list("template", flat=True)
        )
        assert sent == set(ACTIONS[name].notices), name


def dossier_due(code):
    return Dossier.objects.get(code=code).due_at
