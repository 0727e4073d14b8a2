"""Insecure direct object references (issue 8, item 9): every address that takes an object's
identifier, tried by people who must not reach the object.

The objects are Kim Long's and the demo citizen's (`conftest.victims`). The attackers are an
anonymous visitor, another ward's clerk (`clerk.thuanhoa`), a citizen who is not the applicant
(`citizen2`) and, for leader-only pages, another ward's leader. For each attempt:

- the answer is 404, or a refusal that does not depend on the object (403 for a role the user
  lacks, a redirect to the login for an anonymous visitor, 401 from the API);
- it is the same answer as for an identifier that does not exist: never a hint that it does;
- no personal data of the applicant or the reporter is anywhere in it.

`test_every_url_with_an_identifier_is_in_this_suite` walks the URL resolver and fails when a
route with a parameter is added without a row in `idor_routes.py`.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications.models import Dossier, Payment
from portal.accounts.models import Role, StaffRole, User
from procedures.models import Unit
from tests.security.conftest import SECRETS
from tests.security.idor_routes import (
    ATTACKERS,
    ATTEMPTS,
    NOT_AN_OBJECT,
    PASSWORD_RESET,
    PUBLIC,
    RATING,
    THUAN_HOA,
    Attempt,
)


@pytest.fixture
def other_leader(demo):
    user, created = User.objects.get_or_create(
        username="leader.thuanhoa", defaults={"first_name": "Lãnh đạo", "last_name": "Thuận Hóa"}
    )
    if created:
        user.set_password("demo12345")
        user.save()
        StaffRole.objects.create(user=user, unit=Unit.objects.get(code=THUAN_HOA), role=Role.LEADER)
    return user


def client_for(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    if username != "anonymous":
        client.force_login(User.objects.get(username=username))
    return client


def call(client: Client, attempt_name: str, kwargs: dict, method: str, data: dict):
    url = reverse(attempt_name, kwargs=kwargs)
    if attempt_name.startswith("api-") and method == "post":
        return client.post(url, data, content_type="application/json")
    return getattr(client, method)(url, data)


def assert_no_personal_data(response, where: str):
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    body += " ".join(f"{k}: {v}" for k, v in response.items())
    for secret in SECRETS:
        assert secret not in body, f"{where}: {secret!r} in the answer"


def assert_refused(response, attacker: str, where: str, also: tuple = ()):
    status = response.status_code
    if status in also:
        return
    if attacker == "anonymous":
        login = status == 302 and response["Location"].startswith("/accounts/login/")
        assert login or status in (400, 401, 403, 404), f"{where}: {status}"
    else:
        assert status in (400, 403, 404), f"{where}: {status}"


def _id(attempt: Attempt) -> str:
    return f"{attempt.method.upper()} {attempt.name}"


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[_id(a) for a in ATTEMPTS])
def test_another_persons_object_is_not_found_and_shows_no_personal_data(
    victims, other_leader, attempt, attacker
):
    before = {d.pk: d.state for d in Dossier.objects.all()}
    payments_before = list(Payment.objects.values_list("pk", "status"))
    where = f"{attacker} {_id(attempt)}"
    real = call(
        client_for(attacker), attempt.name, attempt.real(victims), attempt.method, attempt.data
    )
    assert_refused(real, attacker, where, attempt.also)
    assert_no_personal_data(real, where)
    if attempt.same_answer:
        missing = call(
            client_for(attacker), attempt.name, attempt.missing, attempt.method, attempt.data
        )
        assert real.status_code == missing.status_code, f"{where}: existence shows"
    # Nothing changed hands.
    assert {d.pk: d.state for d in Dossier.objects.all()} == before
    assert list(Payment.objects.values_list("pk", "status")) == payments_before


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_public_page_about_an_object_shows_no_personal_data(
    victims, other_leader, attacker, name
):
    response = client_for(attacker).get(reverse(name, kwargs=PUBLIC[name](victims)))
    assert response.status_code < 500
    assert_no_personal_data(response, f"{attacker} {name}")


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_rating_a_report_without_its_key_is_refused(victims, other_leader, attacker):
    url = reverse(RATING, kwargs={"code": victims.report.code})
    response = client_for(attacker).post(url, {"score": 5}, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert_no_personal_data(response, f"{attacker} {RATING}")
    assert victims.report.__class__.objects.get(pk=victims.report.pk).rated_at is None


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_a_password_reset_link_with_a_wrong_token_sets_nothing(victims, other_leader, attacker):
    uid = urlsafe_base64_encode(force_bytes(User.objects.get(username="citizen").pk))
    url = reverse(PASSWORD_RESET, kwargs={"uidb64": uid, "token": "set-password"})
    response = client_for(attacker).get(url, follow=True)
    assert b"new_password1" not in response.content
    assert_no_personal_data(response, f"{attacker} {PASSWORD_RESET}")


@pytest.mark.parametrize("attacker", ["anonymous", "clerk.thuanhoa", "citizen2"])
def test_admin_object_pages_need_a_staff_login(victims, attacker):
    for url in (
        reverse("admin:applications_dossier_change", args=[victims.dossier.pk]),
        reverse("admin:feedback_report_change", args=[victims.report.pk]),
        reverse("admin:portal_user_change", args=[User.objects.get(username="citizen").pk]),
    ):
        response = client_for(attacker).get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("attacker", "url"),
    [
        ("clerk.thuanhoa", "/api/v1/dossiers/?unit=19774"),
        ("clerk.thuanhoa", "/api/v1/dossiers/?state=resolved"),
        ("citizen2", "/api/v1/dossiers/?unit=19774"),
        ("clerk.thuanhoa", "/desk/?unit=19774"),
        ("clerk.thuanhoa", "/phan-anh/quan-ly/?unit=19774"),
        ("clerk.thuanhoa", "/api/v1/stats/?unit=19774"),
        ("leader.thuanhoa", "/api/v1/stats/?unit=19774"),
        ("leader.thuanhoa", "/dashboard/?unit=19774"),
        ("leader.thuanhoa", "/desk/phan-anh/?status="),
        ("citizen2", "/ho-so-cua-toi/"),
        ("citizen2", "/ho-so-cua-toi/nhap/"),
        ("anonymous", "/tra-cuu/?code={code}&phone=0000"),
        ("anonymous", "/api/v1/lookup/{code}/?phone=7654"),
        ("anonymous", "/phan-anh/ban-do/"),
        ("anonymous", "/open311/v2/requests.json"),
    ],
)
def test_identifiers_in_the_query_reach_nothing_of_another_unit_or_person(
    victims, other_leader, attacker, url
):
    url = url.format(code=victims.dossier.code)
    response = client_for(attacker).get(url)
    assert response.status_code < 500
    assert_no_personal_data(response, f"{attacker} {url}")
    if url.startswith("/api/v1/dossiers/"):
        assert response.json()["count"] == 0


def test_a_dossier_cannot_be_assigned_to_another_wards_staff(victims):
    client = client_for("leader.kimlong")
    dossier = victims.paying
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/transfer/",
        {"unit": "not-a-unit"},
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern)


def test_every_url_with_an_identifier_is_in_this_suite():
    listed = {a.name for a in ATTEMPTS} | set(PUBLIC) | {RATING, PASSWORD_RESET} | NOT_AN_OBJECT
    missing = []
    for name, route in _walk(get_resolver()):
        if "<" not in route and "(?P<" not in route:
            continue
        if route.startswith("admin/"):
            continue  # test_admin_object_pages_need_a_staff_login: staff login for all of it
        if name is None:
            missing.append(f"(unnamed) {route}")
        elif name not in listed:
            missing.append(f"{name} {route}")
    assert not missing, "Add these routes to tests/security/idor_routes.py:\n" + "\n".join(missing)
