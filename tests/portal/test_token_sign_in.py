"""The API's token sign-in (portal/accounts/tokens.py, issue 10: its read written once) answers as
DRF's TokenAuthentication did: a known token signs its user in, an unknown one and an inactive
user's are refused, whichever came first in the process."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications.generation import generate_dossiers
from applications.models import Dossier
from portal.accounts.models import User
from procedures.models import Unit

pytestmark = pytest.mark.django_db


def _get(key: str):
    return APIClient().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_signs_its_user_in_and_a_wrong_or_inactive_one_is_refused(demo):
    clerk = User.objects.get(username="clerk.kimlong")
    citizen = User.objects.get(username="citizen")
    clerk_key = Token.objects.get_or_create(user=clerk)[0].key
    citizen_key = Token.objects.get_or_create(user=citizen)[0].key
    for _ in range(2):  # the second time through the SQL written the first time
        assert _get(clerk_key).status_code == 200
        wrong = _get("0" * 40)
        assert wrong.status_code == 401
        assert wrong.json()["detail"]
        assert _get("").status_code == 401
    # Each token is its own user's: a Kim Long dossier is the clerk's to read, not the citizen's.
    generate_dossiers(count=1, seed=5, days=5, units=[Unit.objects.get(code="19774")])
    code = Dossier.objects.values_list("code", flat=True).latest("pk")
    client = APIClient()
    for key, status in ((clerk_key, 200), (citizen_key, 404), (clerk_key, 200)):
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get(f"/api/v1/dossiers/{code}/").status_code == status
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert _get(citizen_key).status_code == 401
