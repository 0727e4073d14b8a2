"""The one-counter migrations (issue 9) upgrade a database that already numbers things: every
row of the three old counter tables reaches the kernel's `portal.Counter`, and the next dossier
code, queue ticket and report code continue where they stopped, with no number given twice.

Runs the real migrations on PostgreSQL with Django's `MigrationExecutor`: back to the schema
before the change, rows written through the historical models, then forward again."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from applications.services import allocate_code as dossier_code
from feedback.services import allocate_code as report_code
from portal.core.models import Counter
from portal.core.sequences import DOSSIER_CODE, QUEUE_TICKET, REPORT_CODE, next_number
from procedures.models import Unit

pytestmark = [pytest.mark.postgres]

BEFORE = [
    ("portal", "0003_external_identity"),
    ("applications", "0008_history_append_only"),
    ("feedback", "0003_history_append_only"),
]
AFTER = [
    ("portal", "0004_counter"),
    ("applications", "0009_counters_to_kernel"),
    ("feedback", "0004_counter_to_kernel"),
]
DAY = date(2026, 3, 2)
OTHER_DAY = date(2026, 3, 3)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_the_old_schema(demo_transactional):
    """The database as it was before the counters moved; put back at the latest schema after."""
    old = _migrate(BEFORE)
    yield old
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_counters_move_to_the_kernel_and_numbering_continues(at_the_old_schema):
    old = at_the_old_schema
    assert {"applications_codecounter", "feedback_reportcounter"} <= _tables()
    kim_long, huong_long = Unit.objects.filter(kind="ward").order_by("code")[:2]
    old.get_model("applications", "CodeCounter").objects.bulk_create(
        [
            old.get_model("applications", "CodeCounter")(unit_id=kim_long.pk, day=DAY, last=41),
            old.get_model("applications", "CodeCounter")(unit_id=huong_long.pk, day=DAY, last=7),
        ]
    )
    old.get_model("applications", "TicketCounter").objects.create(
        unit_id=kim_long.pk, day=DAY, last=12
    )
    old.get_model("feedback", "ReportCounter").objects.create(
        unit_id=kim_long.pk, day=OTHER_DAY, last=3
    )

    _migrate(AFTER)

    assert not {"applications_codecounter", "applications_ticketcounter"} & _tables()
    assert "feedback_reportcounter" not in _tables()
    rows = set(Counter.objects.values_list("scope", "unit_id", "day", "last"))
    assert rows >= {
        (DOSSIER_CODE, kim_long.pk, DAY, 41),
        (DOSSIER_CODE, huong_long.pk, DAY, 7),
        (QUEUE_TICKET, kim_long.pk, DAY, 12),
        (REPORT_CODE, kim_long.pk, OTHER_DAY, 3),
    }
    with transaction.atomic():
        assert dossier_code(unit=kim_long, day=DAY) == f"{kim_long.code}-260302-0042"
        assert dossier_code(unit=huong_long, day=DAY) == f"{huong_long.code}-260302-0008"
        assert next_number(QUEUE_TICKET, unit_id=kim_long.pk, day=DAY) == 13
        assert report_code(unit=kim_long, day=OTHER_DAY) == f"PA-{kim_long.code}-260303-0004"
        # Scopes count apart: the first report code of a day with dossier codes is still 1.
        assert report_code(unit=kim_long, day=DAY) == f"PA-{kim_long.code}-260302-0001"


@pytest.mark.django_db(transaction=True)
def test_the_migrations_go_back_with_the_counters(at_the_old_schema):
    """A rollback of the release puts the rows back in the old tables, still numbered."""
    kim_long = Unit.objects.filter(kind="ward").order_by("code").first()
    _migrate(AFTER)
    Counter.objects.create(scope=DOSSIER_CODE, unit_id=kim_long.pk, day=DAY, last=5)
    Counter.objects.create(scope=REPORT_CODE, unit_id=kim_long.pk, day=DAY, last=9)

    old = _migrate(BEFORE)

    code_counter = old.get_model("applications", "CodeCounter").objects.get(
        unit_id=kim_long.pk, day=DAY
    )
    report_counter = old.get_model("feedback", "ReportCounter").objects.get(
        unit_id=kim_long.pk, day=DAY
    )
    assert (code_counter.last, report_counter.last) == (5, 9)
    assert "portal_counter" not in _tables()
