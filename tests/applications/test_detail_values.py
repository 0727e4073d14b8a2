"""Issue 10: the new dossier's answer is written from plain values (applications/api/
detail_values.py). It must be, byte for byte, what DossierDetailOutput gives for the same
dossier, for every state, with and without an assignee, for staff and for the applicant."""

import json
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.translation import override
from rest_framework.renderers import JSONRenderer

from applications.api.detail_values import dossier_detail
from applications.api.views import DossierDetailOutput
from applications.generation import generate_dossiers
from applications.models import Dossier, State
from portal.accounts.models import User
from procedures.models import Unit
from tests.applications.conftest import desk_payload, online_payload

pytestmark = pytest.mark.django_db


def _both(user, dossier, now):
    serializer = DossierDetailOutput(
        dossier, context={"request": SimpleNamespace(user=user), "now": now}
    )
    render = JSONRenderer().render
    return render(dossier_detail(user, dossier, now)), render(serializer.data)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_plain_values_give_the_serializers_json_for_a_dossier_of_each_state(demo, language):
    clerk = User.objects.get(username="clerk.kimlong")
    official = User.objects.get(username="official.hue")
    kim_long = Unit.objects.get(code="19774")
    generate_dossiers(count=80, seed=73, days=60, units=[kim_long], key_prefix="dv")
    some = Dossier.objects.filter(state=State.IN_REVIEW).values_list("pk", flat=True)[:3]
    specialist = User.objects.get(username="specialist.kimlong")
    Dossier.objects.filter(pk__in=list(some)).update(assignee=specialist)
    now = timezone.now()
    compared = set()
    dossiers = Dossier.objects.select_related(
        "procedure", "procedure_version", "receiving_unit", "handling_unit", "assignee"
    ).prefetch_related("events")
    with override(language):
        for dossier in dossiers.order_by("state", "-assignee_id", "pk"):
            key = (dossier.state, dossier.assignee_id is None)
            if key in compared:
                continue
            compared.add(key)
            for user in (clerk, official, dossier.applicant_user or clerk):
                mine, theirs = _both(user, dossier, now)
                assert mine == theirs, dossier.code
    assert {state for state, _ in compared} >= {State.SUBMITTED, State.IN_REVIEW}
    assert any(not unassigned for _, unassigned in compared)


@pytest.mark.parametrize("kind", ["desk", "online"])
def test_the_new_dossiers_answer_is_what_the_detail_serializer_gives(api, procedure, kind):
    username = "clerk.kimlong" if kind == "desk" else "citizen"
    body = desk_payload(procedure) if kind == "desk" else online_payload(procedure)
    response = api(username).post(
        "/api/v1/dossiers/", body, format="json" if kind == "desk" else "multipart"
    )
    assert response.status_code == 201, response.json()
    user = User.objects.get(username=username)
    dossier = Dossier.objects.prefetch_related("events").get(code=response.json()["code"])
    _mine, theirs = _both(user, dossier, timezone.now())
    assert response.json() == json.loads(theirs)
