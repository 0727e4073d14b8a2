"""The staff lists on the embedded default (SQLite, no PostgreSQL arrays or UNION ALL branches):
`staff_lists.window` and the API's row labels fall back to the ORM there, and give the same
pages as the PostgreSQL branches. Here the fallback is run on PostgreSQL by telling it the
database is another one, so both can be compared row for row on the same data."""

from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from applications.generation import generate_dossiers
from applications.selectors import staff_lists
from portal.accounts.models import User
from procedures.models import Unit

pytestmark = pytest.mark.django_db

FILTERS = [{}, {"overdue": "true"}, {"state": "in_review"}, {"state": "received,in_review"}]


def _pages(user, filters, *, open_only):
    """Every page of the list, followed by cursor, as (ids, count) per page."""
    pages, cursor = [], ""
    while True:
        window = staff_lists.window(
            user=user, filters=filters, size=7, cursor=cursor, open_only=open_only
        )
        pages.append(([row["id"] for row in window.rows], window.count))
        if not window.has_next:
            return pages
        cursor = window.last.token("a")


@pytest.fixture
def dossiers(demo):
    for i, code in enumerate(("19774", "19753")):
        generate_dossiers(count=40, seed=31 + i, days=30, units=[Unit.objects.get(code=code)])


@pytest.mark.parametrize("username", ["clerk.kimlong", "official.hue", "citizen"])
@pytest.mark.parametrize("open_only", [False, True])
def test_the_embedded_default_lists_the_same_pages_as_postgresql(dossiers, username, open_only):
    user = User.objects.get(username=username)
    for filters in FILTERS:
        expected = _pages(user, filters, open_only=open_only)
        with mock.patch.object(connection, "vendor", "sqlite"):
            portable = _pages(user, filters, open_only=open_only)
        assert [ids for ids, _count in portable] == [ids for ids, _count in expected], filters
        # The fallback counts exactly; PostgreSQL's count is exact up to its bound.
        assert {count for _ids, count in portable} <= {sum(len(ids) for ids, _ in expected)}


def test_the_api_list_answers_on_the_embedded_default_with_the_same_json(dossiers):
    client = APIClient()
    client.force_authenticate(User.objects.get(username="clerk.kimlong"))
    expected = client.get("/api/v1/dossiers/?page_size=3").json()
    with mock.patch.object(connection, "vendor", "sqlite"):
        response = client.get("/api/v1/dossiers/?page_size=3")
        assert response.status_code == 200
        portable = response.json()
        following = client.get(portable["next"])
        assert following.status_code == 200
    assert portable["results"] == expected["results"]
    assert portable["count"] == expected["count"]
