"""The look-up API's plain GET is answered by a plain Django view (applications/api/lookup.py,
issue 10): the same status, headers and bytes as DRF's `Lookup` gives for the same request, found
or not, cooling or throttled, in each language, signed in or not; whatever the plain view does not
answer itself still reaches DRF. Every answer says `Cache-Control: private, no-store`."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from freezegun import freeze_time

from applications.api import lookup as api_lookup
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 9, 0, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def dossier():
    return DossierFactory(state="in_review", applicant_phone="0905111222")


def _throttle(settings, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"lookup": rate},
    }


# name: (digits, headers, client's cookies, wrong tries first, address rate)
CASES = {
    "found": ("1222", {}, {}, 0, None),
    "found, any type": ("1222", {"HTTP_ACCEPT": "*/*"}, {}, 0, None),
    "found, JSON asked": ("1222", {"HTTP_ACCEPT": "application/json"}, {}, 0, None),
    "found, in English": ("1222", {}, {"motcua_language": "en"}, 0, None),
    "found, Accept-Language": ("1222", {"HTTP_ACCEPT_LANGUAGE": "en"}, {}, 0, None),
    "wrong digits": ("0000", {}, {}, 0, None),
    "malformed digits": ("12", {}, {}, 0, None),
    "no digits": ("", {}, {}, 0, None),
    "cooling": ("1222", {}, {}, 5, None),
    "throttled": ("1222", {}, {}, 0, "1/min"),
    "a bad token": ("1222", {"HTTP_AUTHORIZATION": "Token nope"}, {}, 0, None),
    "JSON with an indent": ("1222", {"HTTP_ACCEPT": "application/json; indent=4"}, {}, 0, None),
}

STATUS = {
    **dict.fromkeys(CASES, 200),
    **dict.fromkeys(["wrong digits", "malformed digits", "no digits"], 404),
    **dict.fromkeys(["cooling", "throttled"], 429),
    "a bad token": 401,
}


def _answer(dossier, case, settings, *, signed_in=False):
    digits, headers, cookies, wrong, rate = CASES[case]
    cache.clear()
    if rate:
        _throttle(settings, rate)
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    if signed_in:
        client.force_login(UserFactory(username="nguoi.dan"))
    path = f"/api/v1/lookup/{dossier.code}/"
    with freeze_time(MORNING):
        for _ in range(wrong):
            client.get(path, {"phone": "0000"})
        if rate:
            client.get(path, {"phone": digits})
        response = client.get(path, {"phone": digits} if digits else {}, **headers)
    if rate:
        _throttle(settings, "1000/min")
    return response


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("case", list(CASES))
def test_the_plain_view_answers_as_drf_does(dossier, case, signed_in, settings, monkeypatch):
    plain = _answer(dossier, case, settings, signed_in=signed_in)
    monkeypatch.setattr(api_lookup, "_plain", lambda request: False)
    drf = _answer(dossier, case, settings, signed_in=signed_in)
    assert (plain.status_code, plain.content) == (drf.status_code, drf.content)
    assert dict(plain.headers) == dict(drf.headers)
    assert plain["Cache-Control"] == "private, no-store"
    assert plain.status_code == STATUS[case]


def test_the_plain_get_is_not_answered_by_drf(dossier, monkeypatch):
    def refused(request, **kwargs):
        raise AssertionError("the plain GET went through DRF")

    monkeypatch.setattr(api_lookup, "_drf_lookup", refused)
    response = Client().get(f"/api/v1/lookup/{dossier.code}/", {"phone": "1222"})
    assert response.status_code == 200
    assert response.json()["code"] == dossier.code


@pytest.mark.parametrize(
    ("headers", "query", "method"),
    [
        ({"HTTP_ACCEPT": "text/html"}, {"phone": "1222"}, "get"),
        ({}, {"phone": "1222", "format": "api"}, "get"),
        ({}, {"phone": "1222"}, "options"),
        ({}, {"phone": "1222"}, "post"),
    ],
)
def test_what_the_plain_view_does_not_answer_reaches_drf(dossier, headers, query, method):
    client = Client()
    path = f"/api/v1/lookup/{dossier.code}/"
    if method == "get":
        response = client.get(path, query, **headers)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")  # DRF's browsable API
    elif method == "options":
        response = client.options(path)
        assert response.status_code == 200
        assert response.json()["name"]  # DRF's metadata
    else:
        response = client.post(path, query)
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("digits", ["1222", "0000", ""])
def test_the_look_up_page_is_kept_by_no_cache(dossier, digits):
    response = Client().get("/tra-cuu/", {"code": dossier.code, "phone": digits})
    assert response.status_code in (200, 404)
    assert response["Cache-Control"] == "private, no-store"


RESULT = re.compile(r'<section aria-labelledby="result" class="lookup-result">.*?</section>', re.S)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_look_up_pages_kept_labels_carry_each_dossiers_own_values(language):
    """The result's labels are kept per language for anonymous visitors (`{% shell %}`): each
    visitor's section is the one rendered in full for a signed-in user, with their dossier's own
    values, never the previous visitor's."""
    first = DossierFactory(state="in_review", applicant_phone="0905111222")
    second = DossierFactory(resolved=True, applicant_phone="0905333444")
    signed_in = Client()
    signed_in.force_login(UserFactory(username="nguoi.dan"))
    signed_in.cookies["motcua_language"] = language
    sections = []
    for dossier, digits in ((first, "1222"), (second, "3444")):
        anonymous = Client()
        anonymous.cookies["motcua_language"] = language
        query = {"code": dossier.code, "phone": digits}
        kept = RESULT.findall(anonymous.get("/tra-cuu/", query).content.decode())
        rendered = RESULT.findall(signed_in.get("/tra-cuu/", query).content.decode())
        assert kept == rendered
        assert len(kept) == 1
        assert dossier.code in kept[0]
        assert dossier.handling_unit.name in kept[0]
        sections.append(kept[0])
    assert first.code not in sections[1]
