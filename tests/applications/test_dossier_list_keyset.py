"""Issue 10: the staff lists read per role in their indexes' order (applications/selectors/
staff_lists.py). They must show exactly what the old single query showed, in the same order,
page after page, with an honest count."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from applications import access, selectors
from applications.api.views import DossierOutput
from applications.generation import generate_dossiers
from applications.models import Dossier, SignatureDelegation
from applications.selectors import staff_lists
from portal.accounts.models import User
from procedures.models import Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _order(dossier) -> tuple:
    return (dossier.due_at is None, dossier.due_at or datetime.min.replace(tzinfo=UTC), dossier.pk)


@pytest.fixture
def scope(demo):
    """Kim Long's dossiers, a few it received for another ward, a few of the clerk's own
    applications elsewhere, and a few with no due moment."""
    kim_long = Unit.objects.get(code="19774")
    other = Unit.objects.filter(kind="ward").exclude(pk=kim_long.pk).first()
    generate_dossiers(count=90, seed=71, days=60, units=[kim_long], key_prefix="ks")
    generate_dossiers(count=30, seed=72, days=60, units=[other], key_prefix="ko")
    clerk = User.objects.get(username="clerk.kimlong")
    elsewhere = list(Dossier.objects.filter(handling_unit=other).order_by("pk"))
    Dossier.objects.filter(pk__in=[d.pk for d in elsewhere[:5]]).update(receiving_unit=kim_long)
    Dossier.objects.filter(pk__in=[d.pk for d in elsewhere[5:9]]).update(applicant_user=clerk)
    Dossier.objects.filter(pk__in=[d.pk for d in elsewhere[9:11]]).update(
        applicant_user=clerk, due_at=None
    )
    return clerk


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _walk(client, url, key="next") -> list[dict]:
    rows, seen = [], 0
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body[key]
        seen += 1
        assert seen < 200
    return rows


@pytest.mark.parametrize(
    "query", ["", "state=in_review", "state=received,awaiting_supplement", "overdue=true",
              "overdue=false", "channel=desk"],
)  # fmt: skip
def test_walking_next_links_shows_each_visible_dossier_once_in_due_order(scope, query):
    expected = sorted(
        selectors.dossier_list(user=scope, filters=dict(p.split("=") for p in [query] if p)),
        key=_order,
    )
    assert expected, "the test needs rows"
    client = _api(scope)
    forward = _walk(client, f"/api/v1/dossiers/?page_size=7&{query}")
    assert [r["code"] for r in forward] == [d.code for d in expected]


def test_previous_links_walk_back_through_the_same_rows(scope):
    client = _api(scope)
    url = "/api/v1/dossiers/?page_size=9"
    forward = _walk(client, url)
    last_page = client.get(f"{url}&page={-(-len(forward) // 9)}").json()
    assert last_page["next"] is None
    pages, body = [last_page["results"]], last_page
    while body["previous"]:
        body = client.get(body["previous"]).json()
        pages.insert(0, body["results"])
    backward = [row for page in pages for row in page]
    assert [r["code"] for r in backward] == [r["code"] for r in forward]


def test_a_page_number_gives_the_same_rows_as_the_cursor_walk(scope):
    client = _api(scope)
    forward = _walk(client, "/api/v1/dossiers/?page_size=10")
    third = client.get("/api/v1/dossiers/?page_size=10&page=3").json()["results"]
    assert [r["code"] for r in third] == [r["code"] for r in forward[20:30]]
    assert client.get("/api/v1/dossiers/?page_size=10&page=999").status_code == 404
    assert client.get("/api/v1/dossiers/?page_size=10&page=abc").status_code == 404
    assert client.get("/api/v1/dossiers/?page_size=10&page=").status_code == 400
    last = client.get("/api/v1/dossiers/?page_size=10&page=last").json()
    assert [r["code"] for r in last["results"]] == [
        r["code"] for r in forward[(len(forward) - 1) // 10 * 10 :]
    ]


def test_the_count_is_exact_up_to_the_bound_and_null_beyond_unless_asked(scope, monkeypatch):
    client = _api(scope)
    total = selectors.dossier_list(user=scope).count()
    assert client.get("/api/v1/dossiers/?page_size=5").json()["count"] == total
    monkeypatch.setattr(staff_lists, "COUNT_BOUND", 20)
    assert client.get("/api/v1/dossiers/?page_size=5").json()["count"] is None
    exact = client.get("/api/v1/dossiers/?page_size=5&count=exact").json()
    assert exact["count"] == total
    few = client.get("/api/v1/dossiers/?page_size=5&state=awaiting_payment").json()
    assert (
        few["count"]
        == selectors.dossier_list(user=scope, filters={"state": "awaiting_payment"}).count()
    )


def test_a_list_row_is_the_same_json_as_the_dossiers_own_serializer(scope):
    client = _api(scope)
    rows = _walk(client, "/api/v1/dossiers/?page_size=50")
    request = client.get("/api/v1/dossiers/?page_size=1").wsgi_request
    request.user = scope
    for row in rows:
        dossier = Dossier.objects.get(code=row["code"])
        expected = DossierOutput(dossier, context={"request": request, "now": timezone.now()})
        assert row == expected.data, row["code"]
    specialist = User.objects.get(username="specialist.kimlong")
    # A delegated signature changes what a specialist may do, procedure by procedure.
    first = Dossier.objects.filter(handling_unit__code="19774", state="in_review").first()
    SignatureDelegation.objects.create(unit=first.handling_unit, procedure=first.procedure)
    in_review = _api(specialist).get("/api/v1/dossiers/?state=in_review&page_size=50").json()
    for row in in_review["results"]:
        dossier = Dossier.objects.get(code=row["code"])
        assert row["actions"] == access.available_actions(specialist, dossier)
    assert len({tuple(row["actions"]) for row in in_review["results"]}) > 1


def test_a_cursor_that_is_not_one_of_ours_is_a_400_on_the_api_and_the_first_page_on_the_desk(
    scope,
):
    response = _api(scope).get("/api/v1/dossiers/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query"
    page = Client()
    page.force_login(scope)
    assert page.get("/desk/?cursor=not-a-cursor").status_code == 200


def test_a_cursor_is_only_a_place_in_the_order_another_wards_staff_see_nothing_with_it(scope):
    cursor_link = _api(scope).get("/api/v1/dossiers/?page_size=5").json()["next"]
    other = _api(User.objects.get(username="clerk.thuanhoa"))
    codes = {r["code"] for r in _walk(other, cursor_link)}
    assert not codes & set(selectors.dossier_list(user=scope).values_list("code", flat=True))


def test_the_desk_queue_walks_its_pages_and_says_more_than_the_bound(scope, monkeypatch):
    page = Client()
    page.force_login(scope)
    expected = sorted(selectors.work_queue(user=scope), key=_order)
    monkeypatch.setattr("applications.views.desk.QUEUE_PAGE", 7)
    shown, url = [], "/desk/"
    while url:
        html = page.get(url).content.decode()
        shown += [d.code for d in expected if f'href="/desk/ho-so/{d.code}/"' in html]
        marker = "cursor="
        nexts = [part for part in html.split('href="?') if "Trang sau" in part.split("</a>")[0]]
        url = None
        if nexts:
            url = "/desk/?" + nexts[0].split('"')[0].replace("&amp;", "&")
            assert marker in url
    assert shown == [d.code for d in expected]
    monkeypatch.setattr(staff_lists, "COUNT_BOUND", 5)
    assert "Hơn 5 hồ sơ" in page.get("/desk/").content.decode()


@pytest.mark.parametrize(
    "query",
    ["unit=nowhere", "procedure=nothing&count=exact", "field=none&state=in_review",
     "unit=nowhere&overdue=true"],
)  # fmt: skip
def test_a_filter_on_a_code_that_names_nothing_is_an_empty_list(scope, query):
    body = _api(scope).get(f"/api/v1/dossiers/?{query}").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert _api(scope).get(f"/api/v1/dossiers/?{query}&page=7").status_code == 404


@pytest.mark.parametrize("query", ["count=", "count=yes", "count=exact&format=csv&count=all"])
def test_a_count_parameter_other_than_exact_is_refused(scope, query):
    response = _api(scope).get(f"/api/v1/dossiers/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query"
