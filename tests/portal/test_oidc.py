"""National e-ID sign-in through OpenID Connect, against a mocked provider."""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses

from portal.accounts.models import ExternalIdentity, User

OP = "https://id.example.vn"
CLIENT = "motcua-test"
SECRET = "shared-secret-for-hs256-tests-at-least-32-bytes"


@pytest.fixture
def oidc(settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{OP}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{OP}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{OP}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = None
    settings.OIDC_RP_SIGN_ALGO = "HS256"


def sign_in(client, claims):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    query = parse_qs(urlparse(start["Location"]).query)
    assert start["Location"].startswith(f"{OP}/authorize")
    id_token = jwt.encode(
        {
            "iss": OP, "aud": CLIENT, "sub": claims["sub"], "nonce": query["nonce"][0],
            "iat": int(time.time()), "exp": int(time.time()) + 300,
        },
        SECRET,
        algorithm="HS256",
    )  # fmt: skip
    with responses.RequestsMock() as provider:
        provider.post(
            f"{OP}/token", json={"id_token": id_token, "access_token": "at", "token_type": "Bearer"}
        )
        provider.get(f"{OP}/userinfo", json=claims)
        return client.get("/oidc/callback/", {"code": "abc", "state": query["state"][0]})


def test_e_id_sign_in_is_off_unless_configured(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "VNeID" not in client.get("/accounts/login/").content.decode()


def test_a_first_e_id_sign_in_creates_an_account_and_the_next_one_finds_it(client, demo, oidc):
    claims = {
        "sub": "vn-000123",
        "given_name": "Lan",
        "family_name": "Nguyễn Thị",
        "phone_number": "0912000111",
        "phone_number_verified": True,
    }
    response = sign_in(client, claims)
    assert response.status_code == 302
    user = User.objects.get(external_identities__subject="vn-000123")
    assert user.display_name == "Nguyễn Thị Lan"
    assert user.phone == "0912000111"
    client.logout()
    sign_in(client, claims)
    assert ExternalIdentity.objects.filter(subject="vn-000123").count() == 1
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_e_id_with_the_verified_phone_of_an_account_links_to_it(client, demo, oidc):
    citizen = User.objects.get(username="citizen")
    sign_in(client, {"sub": "vn-777", "phone_number": citizen.phone, "phone_number_verified": True})
    assert int(client.session["_auth_user_id"]) == citizen.pk
    assert ExternalIdentity.objects.get(subject="vn-777").user == citizen


def test_a_forged_id_token_signs_nobody_in(client, demo, oidc):
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    forged = jwt.encode(
        {"iss": OP, "aud": CLIENT, "sub": "x", "nonce": "n"}, "wrong-secret", algorithm="HS256"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as provider:
        provider.post(f"{OP}/token", json={"id_token": forged, "access_token": "at"})
        provider.get(f"{OP}/userinfo", json={"sub": "x"})
        client.get("/oidc/callback/", {"code": "abc", "state": state})
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
