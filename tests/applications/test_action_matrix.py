"""Every action, in every state, for every role, through the API: allowed exactly where the
graph and the role table say so; otherwise 403 (role) or 409 (state) and nothing changes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from applications.access import ACTION_ROLES
from applications.generation import generate_dossiers
from applications.models import ClockStop, Dossier, DossierEvent, State
from applications.services import signoff
from portal.accounts.models import User
from procedures.models import Unit

ROLES = {"clerk": "clerk.kimlong", "specialist": "specialist.kimlong", "leader": "leader.kimlong"}
BODY = {
    "reason": "Lý do thử nghiệm",
    "note": "Ghi chú",
    "amount": 50000,
    "method": "desk",
    "result_number": "1/QĐ",
    "assignee": "specialist.kimlong",
    "unit": "19789",
}
PROCESSING = {
    State.RECEIVED,
    State.IN_REVIEW,
    State.AWAITING_APPROVAL,
    State.AWAITING_SUPPLEMENT,
    State.AWAITING_PAYMENT,
}
SOURCES = {
    "receive": {State.SUBMITTED},
    "refuse": {State.SUBMITTED},
    "start_review": {State.RECEIVED},
    "request_supplement": {State.RECEIVED, State.IN_REVIEW},
    "supplement": {State.AWAITING_SUPPLEMENT},
    "request_payment": {State.IN_REVIEW},
    "confirm_payment": {State.AWAITING_PAYMENT},
    "propose": {State.IN_REVIEW},
    "approve": {State.AWAITING_APPROVAL},
    "send_back": {State.AWAITING_APPROVAL},
    "resolve": {State.IN_REVIEW},
    "reject": {State.IN_REVIEW},
    "stop": PROCESSING,
    "return_result": {State.RESOLVED, State.REJECTED},
    "withdraw": {State.SUBMITTED, *PROCESSING},
    "apologize": PROCESSING,
    "transfer": PROCESSING,
}


@pytest.fixture
def one_of_each_state(demo):
    """Kim Long dossiers in every state, with their due moment ahead (so an apology is in time)."""
    generate_dossiers(
        count=400, units=[Unit.objects.get(code="19774")], key_prefix="matrix", seed=3
    )
    # The generator makes no dossier awaiting a signature: one in review is proposed.
    proposed = Dossier.objects.filter(state=State.IN_REVIEW).last()
    signoff.dossier_propose(dossier=proposed, actor=User.objects.get(username="specialist.kimlong"))
    dossiers = {}
    for state in State.values:
        dossier = Dossier.objects.filter(state=state).first()
        assert dossier is not None, state
        dossiers[state] = dossier.pk
    Dossier.objects.filter(pk__in=dossiers.values(), due_at__isnull=False).update(
        due_at=timezone.now() + timedelta(days=10), clock_stopped_at=None
    )
    return dossiers


@pytest.mark.parametrize("action", sorted(SOURCES))
def test_each_action_is_allowed_exactly_for_its_states_and_roles(action, one_of_each_state):
    body = dict(BODY, new_due_at=(timezone.now() + timedelta(days=20)).isoformat())
    restore = [
        "state",
        "apology_due_at",
        "clock_stopped_at",
        "resolved_at",
        "closed_at",
        "due_at",
        "assignee",
        "handling_unit",
        "result_number",
    ]
    originals = {
        pk: Dossier.objects.filter(pk=pk).values(*restore).get()
        for pk in one_of_each_state.values()
    }
    for role, username in ROLES.items():
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        for state, pk in one_of_each_state.items():
            # An earlier role may have acted on it: put it back as it was for this check.
            Dossier.objects.filter(pk=pk).update(**originals[pk])
            ClockStop.objects.filter(dossier_id=pk, ended_at__isnull=True).delete()
            dossier = Dossier.objects.get(pk=pk)
            events = DossierEvent.objects.filter(dossier_id=pk).count()
            response = client.post(
                f"/api/v1/dossiers/{dossier.code}/{action}/", body, format="json"
            )
            role_ok = role in ACTION_ROLES[action]
            state_ok = state in SOURCES[action]
            where = (
                f"{action} by {role} in {state}: {response.status_code} {response.content[:200]!r}"
            )
            if not role_ok:
                assert response.status_code == 403, where
            elif not state_ok:
                assert response.status_code == 409, where
                assert response.json()["code"] == "invalid_transition", where
            else:
                assert response.status_code == 200, where
            if response.status_code != 200:
                assert DossierEvent.objects.filter(dossier_id=pk).count() == events, where
                assert Dossier.objects.get(pk=pk).state == state, where


def test_the_role_table_and_the_graph_cover_the_same_actions():
    assert set(SOURCES) == set(ACTION_ROLES)
    for action, states in SOURCES.items():
        dossier = Dossier(state=next(iter(states)))
        assert action in {t.name for t in dossier.get_available_state_transitions()}
