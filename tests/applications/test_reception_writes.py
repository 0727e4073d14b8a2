"""Issue 10's guards on reception (not timings): a busy ward's dossiers wait for each other on
the unit's counter row and its rollup rows, both taken by the dossier's INSERT, so only the
notices are written after it, just before the commit; and a reception sends a fixed, short list
of statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications.models import Dossier, DossierEvent
from portal.accounts.models import User
from tests.applications.conftest import desk_payload, online_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _writes_after_the_counter(captured) -> list[str]:
    sqls = [q["sql"] for q in captured.captured_queries]
    # The counter's bump (and, first of the day, its creation): the lock is held from here.
    at = max(i for i, sql in enumerate(sqls) if '"portal_counter"' in sql)
    return [sql.split("(")[0].split(" SET ")[0].strip() for sql in sqls[at + 1 :]]


@pytest.mark.parametrize("kind", ["desk", "online"])
def test_the_code_is_taken_by_the_dossiers_insert_with_only_the_notices_after_it(
    api, procedure, kind
):
    if kind == "desk":
        client, body, fmt = api("clerk.kimlong"), desk_payload(procedure), "json"
    else:
        client, body, fmt = api("citizen"), online_payload(procedure), "multipart"
    # The unit's first dossier of the day creates its counter row; the next ones only bump it.
    assert client.post("/api/v1/dossiers/", body, format=fmt).status_code == 201
    if kind == "online":
        body = online_payload(procedure)  # the files were read
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/dossiers/", body, format=fmt)
    assert response.status_code == 201, response.json()
    sqls = [q["sql"] for q in captured.captured_queries]
    numbered = [sql for sql in sqls if '"portal_counter"' in sql]
    # One statement bumps the counter and inserts the dossier with its code and its history,
    # written once: no placeholder code updated after (issue 10).
    assert len(numbered) == 1, numbered
    assert 'INSERT INTO "applications_dossier" ' in numbered[0]
    assert 'INSERT INTO "applications_dossierevent" ' in numbered[0]
    assert not [sql for sql in sqls if sql.startswith('UPDATE "applications_dossier"')]
    after = _writes_after_the_counter(captured)
    assert after[:1] == ['INSERT INTO "portal_notification"'], after
    assert not [sql for sql in after[1:] if not sql.startswith(("RELEASE", "SAVEPOINT"))], after
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert not dossier.code.startswith("~")
    # The answer carries the history written, and it is the stored one.
    stored = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert [row["action"] for row in response.json()["history"]] == stored


# Issue 10: the statements of one submission, pinned (14, then 8, then 6 before). The token with
# its user and the user's staff roles (one query), the submission key's lock and look-up, the
# dossier with its code (the counter's bump) and its history rows in one statement, the notices
# in one insert; with files,
# the dossier's id taken first and the attached files' rows in one more. The procedure, its
# version and documents and the unit come from the catalogue's snapshot.
STATEMENTS = 5
WITH_FILES = 2
TEST_ONLY = ("SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.mark.parametrize("kind", ["desk", "online"])
def test_a_submission_sends_the_same_short_list_of_statements_every_time(api, procedure, kind):
    username, fmt = ("clerk.kimlong", "json") if kind == "desk" else ("citizen", "multipart")
    client = APIClient()  # a token, as the API's clients send it: the user is read each time
    token = Token.objects.create(user=User.objects.get(username=username))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    counts, files = [], 0
    for _ in range(3):
        body = desk_payload(procedure) if kind == "desk" else online_payload(procedure)
        files = sum(1 for value in body.values() if hasattr(value, "read"))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/v1/dossiers/", {**body, "submission_key": f"k{len(counts)}"}, format=fmt
            )
        assert response.status_code == 201, response.json()
        # The test's own transaction makes the service's a savepoint: not a statement it sends.
        sent = [q for q in captured.captured_queries if not q["sql"].startswith(TEST_ONLY)]
        counts.append(len(sent))
    assert kind == "desk" or files
    assert counts[1] == counts[2] == STATEMENTS + (WITH_FILES if files else 0), (counts, files)
