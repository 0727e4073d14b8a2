"""Issue 10's guards: a list page or list API sends as many queries for 30 rows as for 3.

Each test shows a list with a few rows, then with ten times as many (generated in bulk with
`applications.generation`, or made through the services for reports), and compares the number
of queries Django sent. A query per row (an N+1: a related object read in a loop, a per-row
`count()`) makes the second count larger and the test fail."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.generation import generate_dossiers
from applications.models import Attachment, Dossier, DossierEvent
from portal.accounts.models import User
from procedures.models import Unit
from tests.factories.reports import ReportFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

KIM_LONG = "19774"
DESK_ROW = re.compile(rb'href="/desk/ho-so/[^"/]+/"')


def _kim_long():
    return Unit.objects.get(code=KIM_LONG)


def _generate(count: int, start: int) -> None:
    generate_dossiers(count=count, seed=start, days=30, units=[_kim_long()], key_prefix=f"q{start}")


def _queries(get) -> tuple[int, object]:
    """Queries of the second of two identical requests (the first fills per-process caches:
    the catalogue, the user's roles)."""
    get()
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response


def _page_client(username: str):
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _api_client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def _few_then_many(get, rows, *, grow) -> None:
    """Queries for the rows there are, then after `grow()`: the same count, more rows."""
    grow(0)
    few, response = _queries(get)
    shown_few = rows(response)
    grow(1)
    many, response = _queries(get)
    shown_many = rows(response)
    assert shown_few >= 2, f"only {shown_few} rows shown: the test needs a few"
    assert shown_many >= 3 * shown_few, f"{shown_few} then {shown_many} rows: too few added"
    assert many == few, f"{few} queries for {shown_few} rows, {many} for {shown_many}"


def _grow_dossiers(step: int) -> None:
    _generate(12 if step == 0 else 120, 100 + step)


def test_the_desk_work_queue_sends_as_many_queries_for_30_rows_as_for_3(demo):
    client = _page_client("clerk.kimlong")
    _few_then_many(
        lambda: client.get("/desk/"),
        lambda response: len(set(DESK_ROW.findall(response.content))),
        grow=_grow_dossiers,
    )


@pytest.mark.parametrize("query", ["", "&state=in_review", "&overdue=true", "&channel=desk"])
def test_the_api_dossier_lists_pages_of_3_and_of_30_rows_send_as_many_queries(demo, query):
    """Pages of a list longer than one page (the count is read): the same queries for a page of
    3 rows as for one of 30, and for the page after (through the `next` link's cursor). A list
    that fits on one page needs no count at all (one query fewer: the citizen's test above)."""
    _generate(700, 500)  # desk dossiers are about 7%: more than 30 of them
    client = _api_client("clerk.kimlong")
    few, small = _queries(lambda: client.get(f"/api/v1/dossiers/?page_size=3{query}"))
    many, large = _queries(lambda: client.get(f"/api/v1/dossiers/?page_size=30{query}"))
    assert len(small.json()["results"]) == 3
    assert len(large.json()["results"]) == 30
    assert large.json()["next"]
    following, after = _queries(lambda: client.get(large.json()["next"]))
    assert after.json()["results"]
    assert few == many == following, (few, many, following)


@pytest.mark.parametrize(
    "path",
    ["/desk/", "/desk/?overdue=true", "/api/v1/dossiers/?page_size=5",
     "/api/v1/dossiers/?page_size=5&state=in_review"],
)  # fmt: skip
def test_a_staff_list_reads_its_page_and_its_bounded_count_in_one_dossier_query(demo, path):
    """The page's rows and the count come back in one round trip (the count as a subquery of
    the page's query): the dossier table is read by one query, not one per figure."""
    _generate(200, 700)
    if path.startswith("/api/"):
        client = _api_client("clerk.kimlong")
    else:
        client = _page_client("clerk.kimlong")
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if f'FROM "{Dossier._meta.db_table}"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    assert "count(*)" in reads[0]
    if path.startswith("/api/"):
        body = response.json()
        assert body["next"]
        assert body["count"] > len(body["results"])


def _grow_history(dossier: Dossier):
    """History rows and files (half of them under one of the version's documents) added to
    `dossier`: 3, then 30 more."""
    documents = [*dossier.procedure_version.documents.all()[:1], None]

    def grow(step: int) -> None:
        for i in range(3 if step == 0 else 30):
            DossierEvent.objects.create(
                dossier=dossier,
                action="apologize",
                from_state=dossier.state,
                to_state=dossier.state,
                actor_label="Lãnh đạo",
                at=dossier.received_at,
                note=f"history-row-{step}-{i}",
                extra={"checked_documents": [i]},
            )
            Attachment.objects.create(
                dossier=dossier,
                document=documents[i % len(documents)],
                purpose="scan",
                file=f"dossiers/test/{dossier.pk}-{step}-{i}.pdf",
                original_name=f"file-{step}-{i}.pdf",
                content_type="application/pdf",
                size=1000 + i,
                sha256="0" * 64,
            )

    return grow


@pytest.mark.parametrize("reader", ["desk page", "API detail"])
def test_a_dossiers_page_and_api_detail_send_as_many_queries_for_30_history_rows_as_for_3(
    demo, reader
):
    """One read for the dossier, one each for its history, documents and files (issue 10): a
    long history or many files add no query. A received dossier: its page offers the hand-over
    to a specialist and the transfer, each read once."""
    _generate(40, 700)
    dossier = Dossier.objects.filter(handling_unit__code=KIM_LONG, state="received").first()
    assert dossier is not None
    if reader == "desk page":
        client = _page_client("clerk.kimlong")
        get = lambda: client.get(f"/desk/ho-so/{dossier.code}/")  # noqa: E731

        def rows(response):
            content = response.content
            return content.count(b"history-row-") + len(
                re.findall(rb'href="[^"]*/tep/\d+/"', content)
            )
    else:
        client = _api_client("clerk.kimlong")
        get = lambda: client.get(f"/api/v1/dossiers/{dossier.code}/")  # noqa: E731

        def rows(response):
            return len([e for e in response.json()["history"] if e["note"]])

    _few_then_many(get, rows, grow=_grow_history(dossier))


def _grow_citizen_dossiers(step: int) -> None:
    citizen = User.objects.get(username="citizen")
    before = set(Dossier.objects.values_list("pk", flat=True))
    _generate(3 if step == 0 else 30, 300 + step)
    Dossier.objects.exclude(pk__in=before).update(applicant_user=citizen)


def test_the_citizens_dossier_list_sends_as_many_queries_for_30_rows_as_for_3(demo):
    client = _page_client("citizen")
    _few_then_many(
        lambda: client.get("/ho-so-cua-toi/"),
        lambda response: (
            len(set(re.findall(rb'href="/ho-so-cua-toi/[^"/]+/"', response.content)))
            - (1 if b'href="/ho-so-cua-toi/nhap/"' in response.content else 0)
        ),
        grow=_grow_citizen_dossiers,
    )


def test_the_citizens_api_dossier_list_sends_as_many_queries_for_30_rows_as_for_3(demo):
    client = _api_client("citizen")
    _few_then_many(
        lambda: client.get("/api/v1/dossiers/?page_size=50"),
        lambda response: len(response.json()["results"]),
        grow=_grow_citizen_dossiers,
    )


def _grow_reports(step: int) -> None:
    unit = _kim_long()
    states = ["new", "assigned", "in_progress", "resolved", "rejected"]
    for i in range(3 if step == 0 else 27):
        ReportFactory(unit=unit, state=states[i % len(states)])


def test_the_staff_reports_list_sends_as_many_queries_for_30_rows_as_for_3(demo):
    client = _page_client("clerk.kimlong")
    _few_then_many(
        lambda: client.get("/phan-anh/quan-ly/"),
        lambda response: len(
            set(re.findall(rb'href="/phan-anh/quan-ly/[^"/?]+/"', response.content))
        ),
        grow=_grow_reports,
    )


def test_the_open311_requests_list_sends_as_many_queries_for_30_rows_as_for_3(demo):
    client = APIClient()
    _few_then_many(
        lambda: client.get("/open311/v2/requests.json"),
        lambda response: len(response.json()),
        grow=_grow_reports,
    )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/procedures/?page_size={n}", "/api/v1/procedures/?search=giay&page_size={n}"],
)
def test_the_procedure_list_api_sends_as_many_queries_for_30_rows_as_for_3(demo, path):
    client = APIClient()
    few, response = _queries(lambda: client.get(path.format(n=3)))
    assert len(response.json()["results"]) == 3
    many, response = _queries(lambda: client.get(path.format(n=30)))
    shown = len(response.json()["results"])
    assert shown >= 20
    assert many == few, f"{few} queries for 3 procedures, {many} for {shown}"


def test_the_finder_page_sends_as_many_queries_for_a_broad_search_as_for_a_narrow_one(demo):
    from django.test import Client

    client = Client()
    rows = re.compile(rb'href="/thu-tuc/[^"/]+/"')
    few, narrow = _queries(lambda: client.get("/?q=khai+tu"))
    many, broad = _queries(lambda: client.get("/?q=giay"))
    shown_few, shown_many = (
        len(set(rows.findall(narrow.content))),
        len(set(rows.findall(broad.content))),
    )
    assert shown_few >= 1
    assert shown_many >= 3 * shown_few, (shown_few, shown_many)
    assert many == few, f"{few} queries for {shown_few} procedures, {many} for {shown_many}"
