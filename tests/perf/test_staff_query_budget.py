"""Issue 10's budget of queries for the staff's pages and API, signed in the real way (a session
cookie, an API token), and what the savings must not change.

The signed-in user's staff roles come with the user (portal/accounts/roles.py), the catalogue's
labels from the worker's snapshot (procedures/labels.py), the queue's unread notices in its page
query: each test counts the queries of a request and names the ones that must not come back."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from applications.generation import generate_dossiers
from applications.models import Dossier
from portal.accounts.models import StaffRole, User
from portal.notifications.models import Notification
from procedures import snapshot
from procedures.models import ProcedureVersion, Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

KIM_LONG = "19774"
CLERK = "clerk.kimlong"


def _generate(count: int, start: int) -> None:
    unit = Unit.objects.get(code=KIM_LONG)
    generate_dossiers(count=count, seed=start, days=30, units=[unit], key_prefix=f"b{start}")


def _session() -> Client:
    client = Client()
    client.force_login(User.objects.get(username=CLERK))
    return client


def _token_headers(username: str = CLERK) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def _queries(get) -> list[str]:
    """The SQL of the second of two identical requests (the first fills per-process caches)."""
    get()
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.content[:300]
    return [query["sql"] for query in captured.captured_queries]


def _alone(queries: list[str], table: str) -> list[str]:
    """The queries that read `table` as their own (their main FROM, not a subquery's)."""
    return [sql for sql in queries if _main_from(sql) == table]


def _main_from(sql: str) -> str:
    flat = sql
    while (shorter := re.sub(r"\([^()]*\)", "", flat)) != flat:  # subqueries and calls out
        flat = shorter
    found = re.search(r'\bFROM\s+"?(\w+)', flat)
    return found.group(1) if found else ""


def _received_dossier() -> Dossier:
    dossier = Dossier.objects.filter(handling_unit__code=KIM_LONG, state="received").first()
    assert dossier is not None
    return dossier


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("/desk/", 3),  # session, the user with their roles, the page (rows, count, notices)
        ("/desk/?overdue=true", 3),
        # Session, user and roles, dossier, history and files; a received dossier's page offers
        # the hand-over, which reads its unit's specialists and leaders.
        ("/desk/ho-so/{code}/", 5),
    ],
)
def test_a_clerks_desk_pages_stay_within_their_queries(demo, path, budget):
    _generate(60, 900)
    client = _session()
    url = path.format(code=_received_dossier().code)
    queries = _queries(lambda: client.get(url))
    assert len(queries) <= budget, queries
    assert not _alone(queries, "portal_staffrole"), "the roles are read with the user"
    assert not _alone(queries, "portal_notification"), "the notices come in the page's query"
    assert not _alone(queries, "procedures_unit"), "the units' labels come from the snapshot"
    assert not _alone(queries, "procedures_procedureversion")


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("/api/v1/dossiers/?page_size=50", 2),  # the token with the user and roles, the page
        ("/api/v1/dossiers/?state=in_review&page_size=50", 2),
        ("/api/v1/dossiers/{code}/", 3),  # token, user and roles; dossier; history
    ],
)
def test_the_staff_api_stays_within_its_queries(demo, path, budget):
    _generate(60, 910)
    client, headers = Client(), _token_headers()
    url = path.format(code=_received_dossier().code)
    queries = _queries(lambda: client.get(url, **headers))
    assert len(queries) <= budget, queries
    assert not _alone(queries, "portal_staffrole")
    assert not _alone(queries, "procedures_unit")


def test_a_role_taken_away_counts_from_the_next_request_by_session_and_by_token(demo):
    """The roles are read with the user on every request, never kept between requests."""
    _generate(20, 920)
    code = _received_dossier().code
    session, headers = _session(), _token_headers()
    assert session.get("/desk/").status_code == 200
    assert session.get(f"/desk/ho-so/{code}/").status_code == 200
    assert Client().get(f"/api/v1/dossiers/{code}/", **headers).status_code == 200
    StaffRole.objects.filter(user__username=CLERK).delete()
    assert session.get("/desk/").status_code == 403
    assert session.get(f"/desk/ho-so/{code}/").status_code in (403, 404)
    assert Client().get(f"/api/v1/dossiers/{code}/", **headers).status_code == 404
    listed = Client().get("/api/v1/dossiers/?page_size=50", **headers).json()
    assert code not in {row["code"] for row in listed["results"]}


def test_a_role_granted_counts_from_the_next_request(demo):
    _generate(10, 930)
    code = _received_dossier().code
    citizen = User.objects.get(username="citizen")
    client = Client()
    client.force_login(citizen)
    headers = _token_headers("citizen")
    assert Client().get(f"/api/v1/dossiers/{code}/", **headers).status_code == 404
    StaffRole.objects.create(user=citizen, unit=Unit.objects.get(code=KIM_LONG), role="clerk")
    assert Client().get(f"/api/v1/dossiers/{code}/", **headers).status_code == 200
    assert client.get(f"/desk/ho-so/{code}/").status_code == 200


def test_a_renamed_version_shows_at_once_on_the_staff_list_queue_and_detail(demo):
    """The labels kept with the catalogue's snapshot go with it: a save renews them."""
    _generate(30, 940)
    dossier = _received_dossier()
    headers = _token_headers()
    session = _session()
    session.get("/desk/")
    Client().get(f"/api/v1/dossiers/{dossier.code}/", **headers)  # the labels are kept now
    version = ProcedureVersion.objects.get(pk=dossier.procedure_version_id)
    version.name_vi = "Tên thủ tục đổi để thử"
    version.save()
    detail = Client().get(f"/api/v1/dossiers/{dossier.code}/", **headers).json()
    assert detail["procedure_name"] == "Tên thủ tục đổi để thử"
    listed = Client().get("/api/v1/dossiers/?page_size=100", **headers).json()["results"]
    assert {row["procedure_name"] for row in listed if row["code"] == dossier.code} == {
        "Tên thủ tục đổi để thử"
    }
    assert "Tên thủ tục đổi để thử" in session.get(f"/desk/ho-so/{dossier.code}/").content.decode()
    # A bulk write that bypasses the signals renews them through snapshot.invalidate().
    ProcedureVersion.objects.filter(pk=version.pk).update(name_vi="Tên đổi lần hai")
    snapshot.invalidate()
    detail = Client().get(f"/api/v1/dossiers/{dossier.code}/", **headers).json()
    assert detail["procedure_name"] == "Tên đổi lần hai"


NOTICES = re.compile(r'href="/desk/thong-bao/">[^<]*\((\d+)\)</a>')


def _unread_shown(client: Client) -> int:
    found = NOTICES.search(client.get("/desk/").content.decode())
    return int(found.group(1)) if found else 0


def test_the_queue_counts_the_clerks_unread_notices_with_rows_and_without(demo):
    clerk = User.objects.get(username=CLERK)
    Notification.objects.filter(recipient=clerk).delete()
    for number in range(2):
        Notification.objects.create(
            recipient=clerk,
            channel=Notification.Channel.INAPP,
            template="dossier_overdue",
            context={"code": f"T{number}", "procedure": "x", "due_at": "01/01/2026 07:00",
                     "unit": "Kim Long"},
            language="vi",
            dedupe_key=f"budget-{number}",
        )  # fmt: skip
    session = _session()
    Dossier.objects.filter(handling_unit__code=KIM_LONG).update(state="returned")  # no open row
    assert _unread_shown(session) == 2  # counted apart: no row brought it
    _generate(20, 950)
    assert _unread_shown(session) == 2  # in the page's query
    Notification.objects.filter(recipient=clerk).update(read_at="2026-01-01T00:00:00Z")
    assert _unread_shown(session) == 0
