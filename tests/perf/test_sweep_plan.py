"""Issue 10's guards on the overdue sweep (not timings): the number of queries a sweep sends
does not grow with the number of dossiers it flags, and a sweep with nothing to do reads the
partial index of running, unflagged dossiers (`dossier_overdue_watch`), never the whole table."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.generation import generate_dossiers
from applications.models import CLOCK_RUNNING, Dossier, DossierEvent
from applications.tasks import sweep_overdue
from portal.notifications.models import Notification
from procedures.models import Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = Dossier._meta.db_table


def _running():
    return Dossier.objects.filter(state__in=CLOCK_RUNNING)


def _all_late_already_flagged(now) -> None:
    """As on a live portal: everything already late was flagged by earlier sweeps."""
    _running().filter(due_at__lt=now, overdue_flagged_at__isnull=True).update(
        overdue_flagged_at=now - timedelta(days=1)
    )


def _make_newly_late(count: int, now) -> list[int]:
    ids = list(
        _running()
        .filter(overdue_flagged_at__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)[:count]
    )
    assert len(ids) == count, f"only {len(ids)} running dossiers to make late"
    Dossier.objects.filter(pk__in=ids).update(due_at=now - timedelta(hours=1))
    return ids


def _sweep_queries(now) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        flagged = sweep_overdue(now=now, batch=1000)
    return flagged, len(captured.captured_queries)


def test_the_overdue_sweep_sends_as_many_queries_for_30_late_dossiers_as_for_3(demo):
    # Kim Long, whose leader is told of every late dossier (with its assignee, if any).
    kim_long = Unit.objects.get(code="19774")
    generate_dossiers(count=1500, seed=41, days=30, units=[kim_long], key_prefix="sweepq")
    now = timezone.now()
    _all_late_already_flagged(now)

    few_ids = _make_newly_late(3, now)
    few, few_queries = _sweep_queries(now)
    many_ids = _make_newly_late(30, now)
    many, many_queries = _sweep_queries(now)

    assert (few, many) == (3, 30)
    assert many_queries == few_queries, f"{few_queries} queries for 3, {many_queries} for 30"
    # Every side effect is still there, once per dossier.
    flagged = few_ids + many_ids
    assert DossierEvent.objects.filter(action="flag_overdue", dossier__in=flagged).count() == 33
    told = Notification.objects.filter(template="dossier_overdue", dossier__in=flagged)
    assert set(told.values_list("dossier_id", flat=True)) == set(flagged)
    assert told.filter(recipient__username="leader.kimlong").count() == 33
    assert sweep_overdue(now=now) == 0


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_sweep_with_nothing_to_do_reads_the_partial_index_not_the_table(demo):
    generate_dossiers(count=4000, seed=42, days=365, key_prefix="sweepplan")
    now = timezone.now()
    _all_late_already_flagged(now)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    with CaptureQueriesContext(connection) as captured:
        assert sweep_overdue(now=now) == 0
    # One look at the index, no transaction, no write.
    [look] = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + look)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = list(_plan_nodes(plan[0]["Plan"]))
    scans = [n for n in nodes if n.get("Relation Name") == TABLE]
    assert scans, "the flagging statement does not read the dossier table"
    assert not [n for n in scans if n["Node Type"] == "Seq Scan"], scans
    # An index scan names its index; a bitmap heap scan's child (the bitmap index scan) does.
    assert "dossier_overdue_watch" in {n.get("Index Name") for n in nodes}, [
        (n["Node Type"], n.get("Index Name")) for n in nodes
    ]
