"""Issue 10's guards on reception (not timings): a busy ward's dossiers wait for each other only
on the unit's counter row, so the number is taken last, just before the commit; and a desk
reception sends a fixed, short list of statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Dossier, DossierEvent
from tests.applications.conftest import desk_payload, online_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _writes_after_the_counter(captured) -> list[str]:
    sqls = [q["sql"] for q in captured.captured_queries]
    # The counter's bump (and, first of the day, its creation): the lock is held from here.
    at = max(i for i, sql in enumerate(sqls) if '"portal_counter"' in sql)
    return [sql.split("(")[0].split(" SET ")[0].strip() for sql in sqls[at + 1 :]]


@pytest.mark.parametrize("kind", ["desk", "online"])
def test_the_code_is_numbered_last_with_only_the_code_and_the_notices_after_it(
    api, procedure, kind
):
    if kind == "desk":
        client, body, fmt = api("clerk.kimlong"), desk_payload(procedure), "json"
    else:
        client, body, fmt = api("citizen"), online_payload(procedure), "multipart"
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/dossiers/", body, format=fmt)
    assert response.status_code == 201, response.json()
    after = _writes_after_the_counter(captured)
    assert after[:2] == ['UPDATE "applications_dossier"', 'INSERT INTO "portal_notification"'], (
        after
    )
    assert not [sql for sql in after[2:] if not sql.startswith(("RELEASE", "SAVEPOINT"))], after
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert not dossier.code.startswith("~")
    # The answer carries the history written, and it is the stored one.
    stored = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert [row["action"] for row in response.json()["history"]] == stored


def test_a_desk_reception_sends_the_same_statements_every_time(api, procedure):
    client = api("clerk.kimlong")
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
        assert response.status_code == 201, response.json()
        counts.append(len(captured.captured_queries))
    assert counts[1] == counts[2] <= 14, counts
