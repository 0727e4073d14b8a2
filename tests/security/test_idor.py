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
route with a parameter is added without a row here.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications.models import Dossier, Payment
from applications.workflow import ACTIONS
from portal.accounts.models import Role, StaffRole, User
from procedures.models import Unit
from tests.security.conftest import SECRETS, Victims

ATTACKERS = ["anonymous", "clerk.thuanhoa", "citizen2", "leader.thuanhoa"]
MISSING_CODE = "19774-991231-9999"
MISSING_REPORT = "PA-19774-991231-9999"
MISSING_PK = 987_654_321
THUAN_HOA = "19789"


@dataclass(frozen=True)
class Attempt:
    """One route tried on a victim's object and on an object that does not exist."""

    name: str
    real: object  # victims -> kwargs for reverse()
    missing: dict
    method: str = "get"
    data: dict = field(default_factory=dict)
    # Counters are public (the wall display names them): another unit's counter is 403 and an
    # unknown one 404, by design (applications/tickets.py `counter_get`). No personal data.
    same_answer: bool = True
    # Statuses that refuse without looking at the object, besides 400/401/403/404/login.
    also: tuple = ()


def _code(v: Victims) -> dict:
    return {"code": v.dossier.code}


ATTEMPTS = [
    # Desk (staff login).
    Attempt("desk:dossier", _code, {"code": MISSING_CODE}),
    Attempt(
        "desk:dossier-action",
        lambda v: {"code": v.paying.code, "action": "confirm_payment"},
        {"code": MISSING_CODE, "action": "confirm_payment"},
        method="post",
    ),
    Attempt("desk:forms", _code, {"code": MISSING_CODE}),
    Attempt(
        "desk:form-pdf",
        lambda v: {"code": v.dossier.code, "form": "receipt"},
        {"code": MISSING_CODE, "form": "receipt"},
    ),
    Attempt("desk:tracking-log", lambda v: {"unit_code": "19774"}, {"unit_code": "99999"}),
    Attempt("desk:complaint-answer", lambda v: {"pk": v.complaint.pk}, {"pk": MISSING_PK}),
    Attempt(
        "desk:complaint-answer",
        lambda v: {"pk": v.complaint.pk},
        {"pk": MISSING_PK},
        method="post",
        data={"answer": "Đã xử lý"},
    ),
    Attempt(
        "desk:kiosk_ticket",
        lambda v: {"unit_code": THUAN_HOA, "pk": v.ticket.pk},
        {"unit_code": THUAN_HOA, "pk": MISSING_PK},
    ),
    Attempt("desk:counter", lambda v: {"pk": v.counter.pk}, {"pk": MISSING_PK}, same_answer=False),
    Attempt(
        "desk:counter_call",
        lambda v: {"pk": v.counter.pk},
        {"pk": MISSING_PK},
        method="post",
        same_answer=False,
    ),
    Attempt(
        "desk:counter_open",
        lambda v: {"pk": v.counter.pk},
        {"pk": MISSING_PK},
        method="post",
        same_answer=False,
    ),
    Attempt(
        "desk:counter_act",
        lambda v: {"pk": v.counter.pk, "ticket_pk": v.ticket.pk, "action": "serve"},
        {"pk": MISSING_PK, "ticket_pk": MISSING_PK, "action": "serve"},
        method="post",
        same_answer=False,
    ),
    # The citizen's pages.
    Attempt("citizen:draft", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}),
    Attempt("citizen:draft-documents", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}),
    Attempt("citizen:draft-review", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}),
    Attempt(
        "citizen:draft-discard", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}, method="post"
    ),
    Attempt("citizen:dossier", _code, {"code": MISSING_CODE}),
    Attempt("citizen:submitted", _code, {"code": MISSING_CODE}),
    Attempt(
        "citizen:supplement",
        _code,
        {"code": MISSING_CODE},
        method="post",
        data={"note": "bổ sung"},
    ),
    Attempt("citizen:withdraw", _code, {"code": MISSING_CODE}),
    Attempt("citizen:withdraw", _code, {"code": MISSING_CODE}, method="post"),
    *(
        Attempt(name, _code, {"code": MISSING_CODE})
        for name in ("citizen:receipt", "citizen:result", "citizen:rate", "citizen:rate-national")
    ),
    Attempt("citizen:rate", _code, {"code": MISSING_CODE}, method="post", data={"overall": "5"}),
    Attempt("citizen:rate-thanks", _code, {"code": MISSING_CODE}),
    Attempt("citizen:rate-national", _code, {"code": MISSING_CODE}, method="post"),
    Attempt("citizen:attachment", lambda v: {"pk": v.attachment.pk}, {"pk": MISSING_PK}),
    # Payments.
    Attempt("payments:pay", lambda v: {"code": v.paying.code}, {"code": MISSING_CODE}),
    Attempt(
        "payments:pay", lambda v: {"code": v.paying.code}, {"code": MISSING_CODE}, method="post"
    ),
    Attempt(
        "payments:sandbox",
        lambda v: {"reference": v.payment.reference},
        {"reference": MISSING_CODE + "-ABCDEF"},
    ),
    # Neighbourhood reports: the ward's staff pages.
    Attempt("feedback:staff_report", lambda v: {"code": v.report.code}, {"code": MISSING_REPORT}),
    Attempt(
        "feedback:staff_photo",
        lambda v: {"code": v.report.code, "pk": v.photo.pk},
        {"code": MISSING_REPORT, "pk": MISSING_PK},
    ),
    Attempt(
        "feedback:staff_action",
        lambda v: {"code": v.report.code, "action": "assign"},
        {"code": MISSING_REPORT, "action": "assign"},
        method="post",
    ),
    # The confirmation shows the rating key to the session that made it; others go to follow.
    Attempt(
        "feedback:done",
        lambda v: {"code": v.report.code},
        {"code": MISSING_REPORT},
        also=(302,),
    ),
    # The API.
    Attempt("api-dossier", _code, {"code": MISSING_CODE}),
    Attempt(
        "api-dossier-action",
        lambda v: {"code": v.dossier.code, "action": "return_result"},
        {"code": MISSING_CODE, "action": "return_result"},
        method="post",
    ),
    Attempt(
        "api-dossier-action",
        lambda v: {"code": v.paying.code, "action": "withdraw"},
        {"code": MISSING_CODE, "action": "withdraw"},
        method="post",
    ),
    # One operation per action (applications/workflow.py) and the rating, on both victims.
    *(
        Attempt(f"api-dossier-{name}", _code, {"code": MISSING_CODE}, method="post")
        for name in (*ACTIONS, "rating")
    ),
    *(
        Attempt(
            f"api-dossier-{name}",
            lambda v: {"code": v.paying.code},
            {"code": MISSING_CODE},
            method="post",
        )
        for name in (*ACTIONS, "rating")
    ),
    Attempt(
        "api-lookup",
        lambda v: {"code": v.dossier.code},
        {"code": MISSING_CODE},
        data={"phone": "0000"},
    ),
]

# Routes whose identifier names something public, tried for personal data only.
PUBLIC = {
    "procedures:detail": lambda v: {"code": v.procedure.code},
    "api-procedure": lambda v: {"code": v.procedure.code},
    "citizen:apply": lambda v: {"procedure_code": v.procedure.code},
    "desk:reception": lambda v: {"procedure_code": v.procedure.code},
    "desk:kiosk": lambda v: {"unit_code": "19774"},
    "desk:display": lambda v: {"unit_code": "19774"},
    # Today's ticket and the display's spoken call: numbers and a service, nothing personal.
    "desk:kiosk_ticket": lambda v: {"unit_code": "19774", "pk": v.ticket.pk},
    "desk:display_call_audio": lambda v: {"unit_code": "19774", "number": 1, "counter": 1},
    # A report's public view (no contact, no photo) by its tracking code.
    "feedback:follow": lambda v: {"code": v.report.code},
    "api-feedback-report": lambda v: {"code": v.report.code},
    "open311-request": lambda v: {"request_id": v.report.code, "fmt": "json"},
    "open311-service": lambda v: {"code": "rubbish", "fmt": "json"},
}
# Rating a report needs its rating key (shown once to the reporter); without it, refused.
RATING = "api-feedback-rating"
# Django's password reset: the link carries a signed, expiring token (tried with a wrong one).
PASSWORD_RESET = "citizen:password-reset-confirm"
# Routes with a parameter that is not an object identifier.
NOT_AN_OBJECT = {
    "open311-discovery",  # `.json` / `.xml`: the format
    "open311-services",
    "open311-requests",
    "javascript-catalog",
    "set_language",
}


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
    assert not missing, "Add these routes to tests/security/test_idor.py:\n" + "\n".join(missing)
