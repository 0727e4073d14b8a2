"""Issue 10's guard on the staff lists' plans: on a generated table (a few thousand dossiers over
Huế's 40 wards, statistics fresh), the queries the desk work queue and the API dossier list send
read the dossier table through an index, never a sequential scan of the whole table.

The queries are the ones the views really send (captured through the test client as
clerk.kimlong), each explained with `EXPLAIN (FORMAT JSON)`."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.generation import generate_dossiers
from applications.models import Dossier
from applications.selectors import staff_lists
from portal.accounts.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = Dossier._meta.db_table
GENERATED = 4000


@pytest.fixture
def generated_table(demo):
    generate_dossiers(count=GENERATED, seed=10, days=365, key_prefix="plan")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def dossier_plans(path: str) -> list[tuple[str, list[dict]]]:
    """Each query `path` sends that reads the dossier table, with its plan's nodes."""
    client = Client()
    client.force_login(User.objects.get(username="clerk.kimlong"))
    client.get(path)  # caches filled: the captured queries are the page's own
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith(("SELECT", "WITH")) or f'FROM "{TABLE}"' not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql.replace("%", "%%"))
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        plans.append((sql, list(_nodes(plan[0]["Plan"]))))
    assert plans, f"{path} sent no query on {TABLE}"
    return plans


def sequential_scans(plans) -> list[str]:
    return [
        f"{sql[:160]}... -> Seq Scan on {TABLE} (rows {node.get('Plan Rows')})"
        for sql, nodes in plans
        for node in nodes
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == TABLE
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/desk/",
        "/desk/?overdue=true",
        "/desk/?state=in_review",
        "/api/v1/dossiers/?page_size=50",
        "/api/v1/dossiers/?page_size=50&state=in_review",
        "/api/v1/dossiers/?page_size=50&overdue=true",
        "/api/v1/dossiers/?page_size=50&state=received,awaiting_supplement",
    ],
)
def test_the_staff_dossier_lists_read_the_dossier_table_through_an_index(generated_table, path):
    scans = sequential_scans(dossier_plans(path))
    assert not scans, "\n".join(scans)


@pytest.mark.parametrize("query", ["", "&overdue=true"])
def test_the_next_and_previous_pages_of_the_api_list_read_through_an_index(generated_table, query):
    """The pages a `next` or `previous` link leads to (a keyset cursor): index ranges too."""
    client = Client()
    client.force_login(User.objects.get(username="clerk.kimlong"))
    first = client.get(f"/api/v1/dossiers/?page_size=5{query}").json()
    following = client.get(first["next"]).json()
    for link in (first["next"], following["previous"]):
        path = link.split("testserver", 1)[1]
        scans = sequential_scans(dossier_plans(path))
        assert not scans, "\n".join(scans)


@pytest.mark.parametrize("cursor", [False, True])
def test_the_staff_list_reads_each_role_in_its_index_order_without_sorting_the_scope(
    generated_table, monkeypatch, cursor
):
    """The handled dossiers' branch of the API list is an index range read in order and cut
    at the page (a first page: at the count's bound, the page and the count read together),
    the index scan right under the cut: no node reads the unit's whole scope to sort it.

    Kim Long holds a few dozen of this table's dossiers; pages of 5 and a bound of 5 keep what
    a branch reads as small beside them as 51 or 1,001 rows are beside a ward's dossiers at a
    million (else the planner may rightly sort the few dozen)."""
    monkeypatch.setattr(staff_lists, "COUNT_BOUND", 5)
    path = "/api/v1/dossiers/?page_size=5"
    if cursor:
        client = Client()
        client.force_login(User.objects.get(username="clerk.kimlong"))
        path = client.get(path).json()["next"].split("testserver", 1)[1]
    plans = dossier_plans(path)
    page = next(nodes for text, nodes in plans if "UNION ALL" in text)
    cut = [n["Plans"][0] for n in page if n["Node Type"] == "Limit"]
    handled = [
        n
        for n in cut
        if n.get("Relation Name") == TABLE and "handling_unit_id =" in n.get("Index Cond", "")
    ]
    assert handled, [(n["Node Type"], n.get("Index Name")) for n in page]
    assert all(n["Node Type"] in ("Index Scan", "Index Only Scan") for n in handled)
    assert not [n for n in page if n["Node Type"] == "Seq Scan"]
    assert not [n for n in page if n["Node Type"] == "Sort" and n.get("Plan Rows", 0) > 500]
